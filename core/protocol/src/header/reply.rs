//! The header a broker uses to push a reply message to the requesting client (`PUSH_REPLY_MESSAGE_TO_CLIENT`).

use crate::ext_fields::command_header;

command_header! {
    /// `ReplyMessageRequestHeader`: the header of `PUSH_REPLY_MESSAGE_TO_CLIENT` (326); the body is the reply's body.
    pub struct ReplyMessageRequestHeader {
        /// The producer group of the replier.
        producer_group: String = "producerGroup",
        /// The reply topic.
        topic: String = "topic",
        /// The template topic for auto-creation.
        default_topic: String = "defaultTopic",
        /// The queue count of an auto-created topic.
        default_topic_queue_nums: i32 = "defaultTopicQueueNums",
        /// The queue the reply was sent to.
        queue_id: i32 = "queueId",
        /// `MessageSysFlag` bits.
        sys_flag: i32 = "sysFlag",
        /// When the replier created the message, in milliseconds since the epoch.
        born_timestamp: i64 = "bornTimestamp",
        /// The user flag of the message.
        flag: i32 = "flag",
        /// The encoded message properties.
        properties: Option<String> = "properties",
        /// How often the message was consumed before.
        reconsume_times: Option<i32> = "reconsumeTimes",
        /// Unit mode of the replier. A Java primitive (default false) that Java always sends.
        unit_mode: Option<bool> = "unitMode",
        /// The replier's `ip:port`.
        born_host: String = "bornHost",
        /// The broker's `ip:port`.
        store_host: String = "storeHost",
        /// When the broker stored the reply, in milliseconds since the epoch.
        store_timestamp: i64 = "storeTimestamp",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    #[test]
    fn round_trips_and_requires_its_fields() {
        let header = ReplyMessageRequestHeader {
            producer_group: "PG".into(),
            topic: "T".into(),
            default_topic: "TBW102".into(),
            default_topic_queue_nums: 4,
            queue_id: 0,
            sys_flag: 0,
            born_timestamp: 1_700_000_000_000,
            flag: 0,
            properties: Some("CORRELATION_ID\u{1}c-1\u{2}".into()),
            reconsume_times: Some(0),
            unit_mode: Some(false),
            born_host: "10.0.0.9:5555".into(),
            store_host: "10.0.0.1:10911".into(),
            store_timestamp: 1_700_000_000_001,
        };
        assert_round_trip(&header);
        let required = [
            "producerGroup",
            "topic",
            "defaultTopic",
            "defaultTopicQueueNums",
            "queueId",
            "sysFlag",
            "bornTimestamp",
            "flag",
            "bornHost",
            "storeHost",
            "storeTimestamp",
        ];
        assert_required_keys(&header, &required);
    }
}
