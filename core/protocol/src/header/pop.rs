//! The headers of POP consumption's fetch requests (`POP_MESSAGE`, `PEEK_MESSAGE`). POP codes exceed 16 bits, so
//! these only travel in JSON command headers.

use crate::ext_fields::command_header;

command_header! {
    /// `PopMessageRequestHeader`: the header of `POP_MESSAGE` (200050).
    pub struct PopMessageRequestHeader {
        /// The consumer group popping.
        consumer_group: String = "consumerGroup",
        /// The topic popped from.
        topic: String = "topic",
        /// The queue; -1 lets the broker pick any queue.
        queue_id: i32 = "queueId",
        /// The most messages to return.
        max_msg_nums: i32 = "maxMsgNums",
        /// How long the returned messages stay invisible to other pops, in milliseconds.
        invisible_time: i64 = "invisibleTime",
        /// How long the broker may hold the request when no message is available, in milliseconds.
        poll_time: i64 = "pollTime",
        /// When the client sent the request, in milliseconds since the epoch.
        born_time: i64 = "bornTime",
        /// Where a group without an offset starts (`ConsumeInitMode`): 0 = the queue's min offset, 1 = its max.
        init_mode: i32 = "initMode",
        /// The filter expression type (`TAG` or `SQL92`).
        exp_type: Option<String> = "expType",
        /// The filter expression.
        exp: Option<String> = "exp",
        /// Whether the pop is orderly. Java's default is false and Java always sends it.
        order: Option<bool> = "order",
        /// The attempt id that makes a retried pop idempotent.
        attempt_id: Option<String> = "attemptId",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

command_header! {
    /// `PopMessageResponseHeader`: the header of a `POP_MESSAGE` response.
    pub struct PopMessageResponseHeader {
        /// When the broker popped the messages, in milliseconds since the epoch.
        pop_time: i64 = "popTime",
        /// The invisible time granted, in milliseconds.
        invisible_time: i64 = "invisibleTime",
        /// The revive queue holding the checkpoints of this pop.
        revive_qid: i32 = "reviveQid",
        /// How many messages remain in the popped queues.
        rest_num: i64 = "restNum",
        /// `;`-separated `retryFlag queueId startOffset` entries.
        start_offset_info: Option<String> = "startOffsetInfo",
        /// `;`-separated `retryFlag queueId offset,offset,…` entries.
        msg_offset_info: Option<String> = "msgOffsetInfo",
        /// The consume counts of an orderly pop.
        order_count_info: Option<String> = "orderCountInfo",
    }
}

command_header! {
    /// `PeekMessageRequestHeader`: the header of `PEEK_MESSAGE` (200052), which reads messages without popping them.
    pub struct PeekMessageRequestHeader {
        /// The topic read from.
        topic: String = "topic",
        /// The queue read from.
        queue_id: i32 = "queueId",
        /// The most messages to return.
        max_msg_nums: i32 = "maxMsgNums",
        /// The consumer group reading.
        consumer_group: String = "consumerGroup",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    #[test]
    fn pop_request_round_trips_and_requires_its_fields() {
        let header = PopMessageRequestHeader {
            consumer_group: "CG".into(),
            topic: "T".into(),
            queue_id: -1,
            max_msg_nums: 32,
            invisible_time: 60_000,
            poll_time: 15_000,
            born_time: 1_700_000_000_000,
            init_mode: 0,
            exp_type: Some("TAG".into()),
            exp: Some("*".into()),
            order: Some(false),
            attempt_id: Some("attempt-1".into()),
            broker_name: Some("broker-a".into()),
        };
        assert_eq!(assert_round_trip(&header)["queueId"], "-1");
        let required = [
            "consumerGroup",
            "topic",
            "queueId",
            "maxMsgNums",
            "invisibleTime",
            "pollTime",
            "bornTime",
            "initMode",
        ];
        assert_required_keys(&header, &required);
    }

    #[test]
    fn pop_response_round_trips_and_requires_its_numbers() {
        let header = PopMessageResponseHeader {
            pop_time: 1_700_000_000_000,
            invisible_time: 60_000,
            revive_qid: 3,
            rest_num: 10,
            start_offset_info: Some("0 1 100".into()),
            msg_offset_info: Some("0 1 100,101".into()),
            order_count_info: None,
        };
        assert_round_trip(&header);
        assert_required_keys(&header, &["popTime", "invisibleTime", "reviveQid", "restNum"]);
    }

    #[test]
    fn peek_round_trips_and_requires_its_fields() {
        let header = PeekMessageRequestHeader {
            topic: "T".into(),
            queue_id: 0,
            max_msg_nums: 1,
            consumer_group: "CG".into(),
        };
        assert_round_trip(&header);
        assert_required_keys(&header, &["topic", "queueId", "maxMsgNums", "consumerGroup"]);
    }
}
