//! Topic names: the reserved system topics and the name rules of Java's `TopicValidator` (REMOTING.md §8.9).

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
/// The prefix of retry topics (`%RETRY%group`).
pub const RETRY_GROUP_TOPIC_PREFIX: &str = "%RETRY%";
/// The prefix of dead-letter topics (`%DLQ%group`).
pub const DLQ_GROUP_TOPIC_PREFIX: &str = "%DLQ%";
/// The prefix of 5.x system topics.
pub const SYSTEM_TOPIC_PREFIX: &str = "rmq_sys_";
/// The longest ordinary topic name.
pub const TOPIC_MAX_LENGTH: usize = 127;
/// The longest retry or DLQ topic name.
pub const RETRY_OR_DLQ_TOPIC_MAX_LENGTH: usize = 255;
/// The allowed characters, as Java words them in its remark.
pub const VALID_PATTERN: &str = "^[%|a-zA-Z0-9_-]+$";

/// Topics producers may not send to (Java's `NOT_ALLOWED_SEND_TOPIC_SET`).
const NOT_ALLOWED_SEND: &[&str] = &[
    SCHEDULE_TOPIC,
    TRANS_HALF_TOPIC,
    TRANS_OP_HALF_TOPIC,
    TRANS_CHECK_MAX_TIME_TOPIC,
    SELF_TEST_TOPIC,
    OFFSET_MOVED_EVENT,
];

/// Topics reserved by the system (Java's `SYSTEM_TOPIC_SET`, plus the `rmq_sys_` prefix).
const SYSTEM_TOPICS: &[&str] = &[
    AUTO_CREATE_TOPIC_KEY_TOPIC,
    SCHEDULE_TOPIC,
    BENCHMARK_TOPIC,
    TRANS_HALF_TOPIC,
    TRANS_OP_HALF_TOPIC,
    TRANS_CHECK_MAX_TIME_TOPIC,
    SELF_TEST_TOPIC,
    OFFSET_MOVED_EVENT,
];

/// Checks a topic name like Java's `TopicValidator.validateTopic`; the error is Java's remark.
pub fn validate_topic(topic: &str) -> Result<(), String> {
    if topic.trim().is_empty() {
        return Err("The specified topic is blank.".into());
    }
    if !topic
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'%' | b'|' | b'_' | b'-'))
    {
        return Err(format!(
            "The specified topic contains illegal characters, allowing only {VALID_PATTERN}"
        ));
    }
    let max = if is_retry_or_dlq(topic) {
        RETRY_OR_DLQ_TOPIC_MAX_LENGTH
    } else {
        TOPIC_MAX_LENGTH
    };
    if topic.len() > max {
        return Err("The specified topic is longer than topic max length.".into());
    }
    Ok(())
}

/// Whether producers are refused on `topic` (NO_PERMISSION).
pub fn is_not_allowed_send(topic: &str) -> bool {
    NOT_ALLOWED_SEND.contains(&topic)
}

/// Whether `topic` is reserved by the system (admin requests may not create or delete it).
pub fn is_system_topic(topic: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_java_rules() {
        assert!(validate_topic("Topic_A-1|%x").is_ok());
        assert!(validate_topic("").unwrap_err().contains("blank"));
        assert!(validate_topic("a b").unwrap_err().contains("illegal characters"));
        assert!(
            validate_topic(&"t".repeat(128))
                .unwrap_err()
                .contains("max length")
        );
        assert!(validate_topic(&format!("%RETRY%{}", "g".repeat(200))).is_ok());
        assert!(is_not_allowed_send("SCHEDULE_TOPIC_XXXX"));
        assert!(!is_not_allowed_send("TBW102"));
        assert!(is_system_topic("rmq_sys_REVIVE_LOG_x"));
    }
}
