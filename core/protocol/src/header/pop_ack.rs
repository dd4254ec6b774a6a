//! The headers that settle popped messages: acknowledging one and extending its invisible time (`ACK_MESSAGE`,
//! `CHANGE_MESSAGE_INVISIBLETIME`).

use crate::ext_fields::command_header;

command_header! {
    /// `AckMessageRequestHeader`: the header of `ACK_MESSAGE` (200051).
    pub struct AckMessageRequestHeader {
        /// The consumer group that popped the message.
        consumer_group: String = "consumerGroup",
        /// The real topic of the message (the retry topic when the pop-check's retry flag says so).
        topic: String = "topic",
        /// The queue of the message.
        queue_id: i32 = "queueId",
        /// The message's `POP_CK` property (the pop checkpoint).
        extra_info: String = "extraInfo",
        /// The queue offset of the message.
        offset: i64 = "offset",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

command_header! {
    /// `ChangeInvisibleTimeRequestHeader`: the header of `CHANGE_MESSAGE_INVISIBLETIME` (200053).
    pub struct ChangeInvisibleTimeRequestHeader {
        /// The consumer group that popped the message.
        consumer_group: String = "consumerGroup",
        /// The real topic of the message.
        topic: String = "topic",
        /// The queue of the message.
        queue_id: i32 = "queueId",
        /// The message's `POP_CK` property (the pop checkpoint).
        extra_info: String = "extraInfo",
        /// The queue offset of the message.
        offset: i64 = "offset",
        /// The new invisible time, in milliseconds from now.
        invisible_time: i64 = "invisibleTime",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

command_header! {
    /// `ChangeInvisibleTimeResponseHeader`: the new checkpoint of the message.
    pub struct ChangeInvisibleTimeResponseHeader {
        /// The new pop time, in milliseconds since the epoch.
        pop_time: i64 = "popTime",
        /// The invisible time granted, in milliseconds.
        invisible_time: i64 = "invisibleTime",
        /// The revive queue of the new checkpoint.
        revive_qid: i32 = "reviveQid",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    const POP_CK: &str = "100 1700000000000 60000 3 0 broker-a 1 101";

    #[test]
    fn ack_round_trips_and_requires_its_fields() {
        let header = AckMessageRequestHeader {
            consumer_group: "CG".into(),
            topic: "T".into(),
            queue_id: 1,
            extra_info: POP_CK.into(),
            offset: 101,
            broker_name: Some("broker-a".into()),
        };
        assert_eq!(assert_round_trip(&header)["extraInfo"], POP_CK);
        assert_required_keys(
            &header,
            &["consumerGroup", "topic", "queueId", "extraInfo", "offset"],
        );
    }

    #[test]
    fn change_invisible_time_round_trips_and_requires_its_fields() {
        let header = ChangeInvisibleTimeRequestHeader {
            consumer_group: "CG".into(),
            topic: "T".into(),
            queue_id: 1,
            extra_info: POP_CK.into(),
            offset: 101,
            invisible_time: 30_000,
            broker_name: None,
        };
        assert_round_trip(&header);
        let required = [
            "consumerGroup",
            "topic",
            "queueId",
            "extraInfo",
            "offset",
            "invisibleTime",
        ];
        assert_required_keys(&header, &required);
        let response = ChangeInvisibleTimeResponseHeader {
            pop_time: 1_700_000_000_000,
            invisible_time: 30_000,
            revive_qid: 3,
        };
        assert_round_trip(&response);
        assert_required_keys(&response, &["popTime", "invisibleTime", "reviveQid"]);
    }
}
