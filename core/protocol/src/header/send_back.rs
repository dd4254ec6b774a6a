//! The header a consumer sends to return a message it failed to consume (`CONSUMER_SEND_MSG_BACK`).

use crate::ext_fields::command_header;

command_header! {
    /// `ConsumerSendMsgBackRequestHeader`: the header of `CONSUMER_SEND_MSG_BACK` (36); the broker re-sends the
    /// message to the group's retry topic (or its dead-letter queue).
    pub struct ConsumerSendMsgBackRequestHeader {
        /// The commit-log (physical) offset of the consumed message.
        offset: i64 = "offset",
        /// The consumer group that failed to consume it.
        group: String = "group",
        /// The delay level of the retry: 0 lets the broker choose, a negative value goes straight to the DLQ.
        delay_level: i32 = "delayLevel",
        /// The message's client id (`UNIQ_KEY`).
        origin_msg_id: Option<String> = "originMsgId",
        /// The topic the message was consumed from.
        origin_topic: Option<String> = "originTopic",
        /// Unit mode of the consumer. A Java primitive (default false) that Java always sends.
        unit_mode: Option<bool> = "unitMode",
        /// The retry limit before the dead-letter queue (push consumer default 16).
        max_reconsume_times: Option<i32> = "maxReconsumeTimes",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    #[test]
    fn round_trips_and_requires_offset_group_delay_level() {
        let header = ConsumerSendMsgBackRequestHeader {
            offset: 123_456,
            group: "CG".into(),
            delay_level: 0,
            origin_msg_id: Some("7F000001A3E530F399910F2AB16903E1".into()),
            origin_topic: Some("TopicTest".into()),
            unit_mode: Some(false),
            max_reconsume_times: Some(16),
            broker_name: Some("broker-a".into()),
        };
        let fields = assert_round_trip(&header);
        assert_eq!(fields["offset"], "123456");
        assert_eq!(fields["delayLevel"], "0");
        assert_required_keys(&header, &["offset", "group", "delayLevel"]);
    }
}
