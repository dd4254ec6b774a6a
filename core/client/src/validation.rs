//! Client-side checks with the rules and messages of Java's `Validators`: topic and group names, and messages
//! before they are sent.

use crate::error::{Error, Result};
use crate::message::Message;

/// The longest topic name (`TopicValidator.TOPIC_MAX_LENGTH`).
pub const TOPIC_MAX_LENGTH: usize = 127;
/// The longest group name (`Validators.CHARACTER_MAX_LENGTH`).
pub const GROUP_MAX_LENGTH: usize = 255;

/// System topics no producer may send to (`TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET`).
const NOT_ALLOWED_SEND_TOPICS: &[&str] = &[
    "SCHEDULE_TOPIC_XXXX",
    "RMQ_SYS_TRANS_HALF_TOPIC",
    "RMQ_SYS_TRANS_OP_HALF_TOPIC",
    "TRANS_CHECK_MAX_TIME_TOPIC",
    "SELF_TEST_TOPIC",
    "OFFSET_MOVED_EVENT",
];

/// Whether every character is one of `%|a-zA-Z0-9_-` (the pattern `^[%|a-zA-Z0-9_-]+$` without its length part).
fn has_only_legal_characters(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'%' | b'|' | b'_' | b'-'))
}

/// Checks what every consumer config has, as `checkConfig` of Java's push and lite pull consumers does: the group
/// name (not `DEFAULT_CONSUMER`) and a known message model.
pub(crate) fn check_consumer(group: &str, message_model: &fulmen_protocol::body::MessageModel) -> Result<()> {
    use fulmen_protocol::body::MessageModel;
    check_group(group)?;
    if group == "DEFAULT_CONSUMER" {
        return Err(Error::invalid_argument(
            "consumerGroup can not equal DEFAULT_CONSUMER, please specify another one.",
        ));
    }
    if !matches!(
        message_model,
        MessageModel::Clustering | MessageModel::Broadcasting
    ) {
        return Err(Error::invalid_argument(
            "messageModel must be CLUSTERING or BROADCASTING",
        ));
    }
    Ok(())
}

/// Checks a topic name as `Validators.checkTopic` does.
pub fn check_topic(topic: &str) -> Result<()> {
    if topic.trim().is_empty() {
        return Err(Error::invalid_argument("The specified topic is blank"));
    }
    if topic.len() > TOPIC_MAX_LENGTH {
        return Err(Error::invalid_argument(format!(
            "The specified topic is longer than topic max length {TOPIC_MAX_LENGTH}."
        )));
    }
    if !has_only_legal_characters(topic) {
        return Err(Error::invalid_argument(format!(
            "The specified topic[{topic}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"
        )));
    }
    Ok(())
}

/// Checks a producer or consumer group name as `Validators.checkGroup` does.
pub fn check_group(group: &str) -> Result<()> {
    if group.trim().is_empty() {
        return Err(Error::invalid_argument("the specified group is blank"));
    }
    if group.len() > GROUP_MAX_LENGTH {
        return Err(Error::invalid_argument(format!(
            "the specified group is longer than group max length {GROUP_MAX_LENGTH}."
        )));
    }
    if !has_only_legal_characters(group) {
        return Err(Error::invalid_argument(format!(
            "the specified group[{group}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"
        )));
    }
    Ok(())
}

/// Checks a message before sending as `Validators.checkMessage` does: a legal, sendable topic and a body that is
/// neither empty nor larger than `max_message_size`; and, as Java's `Message.putUserProperty`, no user property
/// that uses a system name.
pub fn check_message(message: &Message, max_message_size: usize) -> Result<()> {
    check_topic(&message.topic)?;
    if NOT_ALLOWED_SEND_TOPICS.contains(&message.topic.as_str()) {
        return Err(Error::invalid_argument(format!(
            "Sending message to topic[{}] is forbidden.",
            message.topic
        )));
    }
    // Java gives the body checks the response code MESSAGE_ILLEGAL (13)
    if message.body.is_empty() {
        return Err(Error::invalid_argument("the message body length is zero").with_response_code(13));
    }
    if message.body.len() > max_message_size {
        return Err(Error::invalid_argument(format!(
            "the message body size over max value, MAX: {max_message_size}"
        ))
        .with_response_code(13));
    }
    for (name, value) in &message.properties {
        if fulmen_protocol::message::keys::is_system_key(name) {
            return Err(Error::invalid_argument(format!(
                "The Property<{name}> is used by system, input another please"
            )));
        }
        if name.is_empty() || value.is_empty() {
            return Err(Error::invalid_argument(
                "The name or value of property can not be null or blank string!",
            ));
        }
    }
    if let Some(level) = message.delay_level
        && level < 0
    {
        return Err(Error::invalid_argument(format!(
            "the delay level {level} is negative"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn topics_follow_java_rules() {
        assert!(check_topic("Topic_a-1%|x").is_ok());
        let blank = check_topic("  ").unwrap_err();
        assert_eq!(blank.kind(), ErrorKind::InvalidArgument);
        assert_eq!(blank.message(), "The specified topic is blank");
        assert!(check_topic(&"t".repeat(127)).is_ok());
        assert!(check_topic(&"t".repeat(128)).is_err());
        assert_eq!(
            check_topic("a b").unwrap_err().message(),
            "The specified topic[a b] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"
        );
        assert!(check_topic("tópico").is_err());
    }

    #[test]
    fn groups_follow_java_rules() {
        assert!(check_group("PG_1").is_ok());
        assert!(check_group("").is_err());
        assert!(check_group(&"g".repeat(256)).is_err());
        assert!(check_group("g/1").is_err());
    }

    #[test]
    fn messages_need_a_body_within_the_limit_and_a_sendable_topic() {
        let max = 4 * 1024 * 1024;
        assert!(check_message(&Message::new("T", &b"x"[..]), max).is_ok());
        assert_eq!(
            check_message(&Message::new("T", &b""[..]), max)
                .unwrap_err()
                .message(),
            "the message body length is zero"
        );
        let big = Message::new("T", vec![0u8; max + 1]);
        assert_eq!(
            check_message(&big, max).unwrap_err().message(),
            "the message body size over max value, MAX: 4194304"
        );
        assert_eq!(check_message(&big, max).unwrap_err().response_code(), Some(13));
        assert!(check_message(&Message::new("T", vec![0u8; max]), max).is_ok());
        assert_eq!(
            check_message(&Message::new("SCHEDULE_TOPIC_XXXX", &b"x"[..]), max)
                .unwrap_err()
                .message(),
            "Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden."
        );
        let reserved = Message::new("T", &b"x"[..]).with_property("UNIQ_KEY", "x");
        assert!(check_message(&reserved, max).is_err());
        let empty_value = Message::new("T", &b"x"[..]).with_property("k", "");
        assert!(check_message(&empty_value, max).is_err());
    }
}
