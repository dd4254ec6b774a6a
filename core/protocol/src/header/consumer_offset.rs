//! The headers that read and store a consumer group's offset in a queue (`QUERY_CONSUMER_OFFSET`,
//! `UPDATE_CONSUMER_OFFSET`).

use crate::ext_fields::command_header;

command_header! {
    /// `QueryConsumerOffsetRequestHeader`: the header of `QUERY_CONSUMER_OFFSET` (14).
    pub struct QueryConsumerOffsetRequestHeader {
        /// The consumer group whose offset is asked for.
        consumer_group: String = "consumerGroup",
        /// The topic of the queue.
        topic: String = "topic",
        /// The queue.
        queue_id: i32 = "queueId",
        /// Whether the broker may answer 0 for a group without a stored offset on a young queue.
        set_zero_if_not_found: Option<bool> = "setZeroIfNotFound",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

command_header! {
    /// `QueryConsumerOffsetResponseHeader`: the stored offset (on `SUCCESS`).
    pub struct QueryConsumerOffsetResponseHeader {
        /// The group's offset in the queue.
        offset: i64 = "offset",
    }
}

command_header! {
    /// `UpdateConsumerOffsetRequestHeader`: the header of `UPDATE_CONSUMER_OFFSET` (15), usually sent oneway.
    pub struct UpdateConsumerOffsetRequestHeader {
        /// The consumer group whose offset is stored.
        consumer_group: String = "consumerGroup",
        /// The topic of the queue.
        topic: String = "topic",
        /// The queue.
        queue_id: i32 = "queueId",
        /// The offset to store: the next message the group will consume.
        commit_offset: i64 = "commitOffset",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

command_header! {
    /// `UpdateConsumerOffsetResponseHeader`: the (empty) header of an `UPDATE_CONSUMER_OFFSET` response.
    pub struct UpdateConsumerOffsetResponseHeader {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip, ext};

    #[test]
    fn query_round_trips_and_requires_group_topic_queue() {
        let header = QueryConsumerOffsetRequestHeader {
            consumer_group: "CG".into(),
            topic: "T".into(),
            queue_id: 3,
            set_zero_if_not_found: Some(false),
            broker_name: Some("broker-a".into()),
        };
        let fields = assert_round_trip(&header);
        assert_eq!(fields["setZeroIfNotFound"], "false");
        assert_required_keys(&header, &["consumerGroup", "topic", "queueId"]);
        let response = QueryConsumerOffsetResponseHeader { offset: 77 };
        assert_eq!(assert_round_trip(&response), ext(&[("offset", "77")]));
        assert_required_keys(&response, &["offset"]);
    }

    #[test]
    fn update_round_trips_and_requires_the_commit_offset() {
        let header = UpdateConsumerOffsetRequestHeader {
            consumer_group: "CG".into(),
            topic: "T".into(),
            queue_id: 0,
            commit_offset: 1024,
            broker_name: None,
        };
        assert_eq!(
            assert_round_trip(&header),
            ext(&[
                ("consumerGroup", "CG"),
                ("topic", "T"),
                ("queueId", "0"),
                ("commitOffset", "1024")
            ])
        );
        assert_required_keys(&header, &["consumerGroup", "topic", "queueId", "commitOffset"]);
        assert!(assert_round_trip(&UpdateConsumerOffsetResponseHeader {}).is_empty());
    }
}
