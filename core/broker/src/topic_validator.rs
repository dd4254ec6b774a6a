//! Topic and group names: the reserved system topics and the name rules of Java 5.3.3's `TopicValidator`
//! (REMOTING.md §8.9), and the group rules of `SubscriptionGroupManager#findSubscriptionGroupConfig`.
//!
//! Java's `SYSTEM_TOPIC_SET` also grows at start with the topics `TopicConfigManager` defines for one broker
//! (the cluster name, the broker name, `{cluster}_REPLY_TOPIC`, ...): the broker keeps those in its topic
//! manager; this module holds the fixed part.

/// The auto-create template topic.
pub const AUTO_CREATE_TOPIC_KEY_TOPIC: &str = "TBW102";
/// The self-test topic.
pub const SELF_TEST_TOPIC: &str = "SELF_TEST_TOPIC";
/// The benchmark topic.
pub const BENCHMARK_TOPIC: &str = "BenchmarkTest";
/// The offset-moved event topic.
pub const OFFSET_MOVED_EVENT: &str = "OFFSET_MOVED_EVENT";
/// The delay-level topic.
pub const SCHEDULE_TOPIC: &str = "SCHEDULE_TOPIC_XXXX";
/// The transactional half-message topic.
pub const TRANS_HALF_TOPIC: &str = "RMQ_SYS_TRANS_HALF_TOPIC";
/// The transactional op topic.
pub const TRANS_OP_HALF_TOPIC: &str = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
/// The topic of transactions checked too often.
pub const TRANS_CHECK_MAX_TIME_TOPIC: &str = "TRANS_CHECK_MAX_TIME_TOPIC";
/// The default message-trace topic (`msgTraceTopicName`).
pub const TRACE_TOPIC: &str = "RMQ_SYS_TRACE_TOPIC";
/// The RocksDB offset checkpoint topic.
pub const ROCKSDB_OFFSET_TOPIC: &str = "CHECKPOINT_TOPIC";
/// The prefix of retry topics (`%RETRY%group`).
pub const RETRY_GROUP_TOPIC_PREFIX: &str = "%RETRY%";
/// The prefix of dead-letter topics (`%DLQ%group`).
pub const DLQ_GROUP_TOPIC_PREFIX: &str = "%DLQ%";
/// The prefix of 5.x system topics.
pub const SYSTEM_TOPIC_PREFIX: &str = "rmq_sys_";
/// The prefix of the topic a broker group uses to sync its members (`rmq_sys_SYNC_BROKER_MEMBER_{brokerName}`).
pub const SYNC_BROKER_MEMBER_GROUP_PREFIX: &str = "rmq_sys_SYNC_BROKER_MEMBER_";
/// The prefix of POP revive topics (`rmq_sys_REVIVE_LOG_{cluster}`).
pub const REVIVE_TOPIC_PREFIX: &str = "rmq_sys_REVIVE_LOG_";
/// The suffix of the request-reply topic (`{cluster}_REPLY_TOPIC`).
pub const REPLY_TOPIC_POSTFIX: &str = "REPLY_TOPIC";
/// The timer (arbitrary delay) topic.
pub const TIMER_TOPIC: &str = "rmq_sys_wheel_timer";
/// The longest topic name (5.3.3 applies it to retry and DLQ topics too).
pub const TOPIC_MAX_LENGTH: usize = 127;
/// The longest consumer group name a broker auto-creates (`Validators.CHARACTER_MAX_LENGTH`).
pub const GROUP_MAX_LENGTH: usize = 255;
/// The allowed characters, as Java words them in its remark.
pub const VALID_PATTERN: &str = "^[%|a-zA-Z0-9_-]+$";
/// The prefix of system consumer groups, created even when auto-creation is off (`CID_RMQ_SYS_`).
pub const SYSTEM_GROUP_PREFIX: &str = "CID_RMQ_SYS_";

/// Topics producers may not send to (Java's `NOT_ALLOWED_SEND_TOPIC_SET`).
const NOT_ALLOWED_SEND: &[&str] = &[
    SCHEDULE_TOPIC,
    TRANS_HALF_TOPIC,
    TRANS_OP_HALF_TOPIC,
    TRANS_CHECK_MAX_TIME_TOPIC,
    SELF_TEST_TOPIC,
    OFFSET_MOVED_EVENT,
];

/// Topics reserved by the system before any broker starts (Java's static `SYSTEM_TOPIC_SET`).
const SYSTEM_TOPICS: &[&str] = &[
    AUTO_CREATE_TOPIC_KEY_TOPIC,
    SCHEDULE_TOPIC,
    BENCHMARK_TOPIC,
    TRANS_HALF_TOPIC,
    TRACE_TOPIC,
    TRANS_OP_HALF_TOPIC,
    TRANS_CHECK_MAX_TIME_TOPIC,
    SELF_TEST_TOPIC,
    OFFSET_MOVED_EVENT,
    ROCKSDB_OFFSET_TOPIC,
];

/// Whether every character is one of `[%|a-zA-Z0-9_-]` (Java's `isTopicOrGroupIllegal`, negated).
pub fn has_only_valid_chars(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'%' | b'|' | b'_' | b'-'))
}

/// Java's `UtilAll.isBlank`: empty, or only characters `Character.isWhitespace` accepts.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_java_whitespace)
}

/// `Character.isWhitespace`: Unicode space separators other than no-break spaces, line and paragraph
/// separators, and the ASCII controls `\t \n \u000B \f \r \u001C-\u001F`.
fn is_java_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | '\u{1c}'..='\u{1f}' | ' ' | '\u{1680}' | '\u{2000}'..='\u{2006}'
            | '\u{2008}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{205f}' | '\u{3000}'
    )
}

/// Checks a topic name like Java's `TopicValidator.validateTopic`; the error is Java's remark.
pub fn validate_topic(topic: &str) -> Result<(), String> {
    if is_blank(topic) {
        return Err("The specified topic is blank.".into());
    }
    if !has_only_valid_chars(topic) {
        return Err(format!(
            "The specified topic contains illegal characters, allowing only {VALID_PATTERN}"
        ));
    }
    // Java compares UTF-16 units; a name that passed the character check is ASCII, so bytes are units.
    if topic.len() > TOPIC_MAX_LENGTH {
        return Err("The specified topic is longer than topic max length.".into());
    }
    Ok(())
}

/// Whether a broker may create consumer group `group` on first use (the name checks of
/// `findSubscriptionGroupConfig`).
pub fn is_creatable_group(group: &str) -> bool {
    group.encode_utf16().count() <= GROUP_MAX_LENGTH && has_only_valid_chars(group)
}

/// Whether `group` is a system consumer group (`MixAll.isSysConsumerGroup`).
pub fn is_system_group(group: &str) -> bool {
    group.starts_with(SYSTEM_GROUP_PREFIX)
}

/// Whether producers are refused on `topic` (NO_PERMISSION).
pub fn is_not_allowed_send(topic: &str) -> bool {
    NOT_ALLOWED_SEND.contains(&topic)
}

/// Whether `topic` is in Java's static system topic set or has the `rmq_sys_` prefix. The broker adds the
/// topics it defines for itself (cluster, broker and reply topics).
pub fn is_static_system_topic(topic: &str) -> bool {
    SYSTEM_TOPICS.contains(&topic) || topic.starts_with(SYSTEM_TOPIC_PREFIX)
}

/// Whether `topic` is a retry or dead-letter topic.
pub fn is_retry_or_dlq(topic: &str) -> bool {
    topic.starts_with(RETRY_GROUP_TOPIC_PREFIX) || topic.starts_with(DLQ_GROUP_TOPIC_PREFIX)
}

/// The retry topic of a consumer group.
pub fn retry_topic(group: &str) -> String {
    format!("{RETRY_GROUP_TOPIC_PREFIX}{group}")
}

/// The dead-letter topic of a consumer group.
pub fn dlq_topic(group: &str) -> String {
    format!("{DLQ_GROUP_TOPIC_PREFIX}{group}")
}

/// The consumer group of a retry topic (Java's `KeyBuilder.parseGroup`, which also reads the POP v2 form
/// `%RETRY%group:topic`), or `None` for any other topic.
pub fn group_of_retry_topic(topic: &str) -> Option<&str> {
    let rest = topic.strip_prefix(RETRY_GROUP_TOPIC_PREFIX)?;
    let mut parts = rest.split(':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(group), Some(_), None) => Some(group),
        _ => Some(rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_group_of_a_retry_topic_is_parsed_like_java() {
        assert_eq!(group_of_retry_topic("%RETRY%orders"), Some("orders"));
        assert_eq!(group_of_retry_topic("%RETRY%orders:topic"), Some("orders"));
        assert_eq!(group_of_retry_topic("%RETRY%a:b:c"), Some("a:b:c"));
        assert_eq!(group_of_retry_topic("%DLQ%orders"), None);
        assert_eq!(dlq_topic("orders"), "%DLQ%orders");
    }

    #[test]
    fn names_follow_java_rules() {
        assert!(validate_topic("Topic_A-1|%x").is_ok());
        assert!(validate_topic("").unwrap_err().contains("blank"));
        assert!(validate_topic(" \t\u{1f}").unwrap_err().contains("blank"));
        assert!(
            validate_topic("\u{a0}")
                .unwrap_err()
                .contains("illegal characters"),
            "a no-break space is not Java whitespace"
        );
        assert!(validate_topic("a b").unwrap_err().contains("illegal characters"));
        assert!(
            validate_topic(&"t".repeat(128))
                .unwrap_err()
                .contains("max length")
        );
        assert!(
            validate_topic(&format!("%RETRY%{}", "g".repeat(121))).is_err(),
            "5.3.3 limits retry topics to 127 characters too"
        );
        assert!(is_not_allowed_send("SCHEDULE_TOPIC_XXXX"));
        assert!(!is_not_allowed_send("TBW102"));
        assert!(is_static_system_topic("rmq_sys_REVIVE_LOG_x"));
        assert!(is_static_system_topic("RMQ_SYS_TRACE_TOPIC"));
        assert!(is_static_system_topic("CHECKPOINT_TOPIC"));
        assert!(is_creatable_group(&"g".repeat(255)));
        assert!(!is_creatable_group(&"g".repeat(256)));
        assert!(!is_creatable_group("bad group"));
        assert!(is_system_group("CID_RMQ_SYS_TRANS"));
    }
}
