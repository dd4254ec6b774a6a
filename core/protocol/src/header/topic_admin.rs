//! The headers of the admin requests a broker answers about one topic (`UPDATE_AND_CREATE_TOPIC`,
//! `DELETE_TOPIC_IN_BROKER`, `GET_TOPIC_CONFIG`, `GET_TOPIC_STATS_INFO`, `QUERY_TOPIC_CONSUME_BY_WHO`).

use crate::ext_fields::command_header;

command_header! {
    /// `CreateTopicRequestHeader`: the header of `UPDATE_AND_CREATE_TOPIC` (17).
    pub struct CreateTopicRequestHeader {
        /// The topic to create or update.
        topic: String = "topic",
        /// The template topic (`TBW102`).
        default_topic: String = "defaultTopic",
        /// The number of readable queues.
        read_queue_nums: i32 = "readQueueNums",
        /// The number of writable queues.
        write_queue_nums: i32 = "writeQueueNums",
        /// The permission bits (2 = write, 4 = read, 1 = inherit).
        perm: i32 = "perm",
        /// The Java `TopicFilterType` name: `SINGLE_TAG` or `MULTI_TAG`.
        topic_filter_type: String = "topicFilterType",
        /// The `TopicSysFlag` bits.
        topic_sys_flag: Option<i32> = "topicSysFlag",
        /// Whether the topic is ordered.
        order: bool = "order",
        /// Attribute changes: `+key=value` sets, `-key` removes, comma separated (e.g. `+message.type=NORMAL`).
        attributes: Option<String> = "attributes",
        /// Whether to apply the change even when it conflicts with existing attributes (Java's default is false).
        force: Option<bool> = "force",
    }
}

command_header! {
    /// `DeleteTopicRequestHeader`: the header of `DELETE_TOPIC_IN_BROKER` (215).
    pub struct DeleteTopicRequestHeader {
        /// The topic to delete.
        topic: String = "topic",
    }
}

command_header! {
    /// `GetTopicConfigRequestHeader`: the header of `GET_TOPIC_CONFIG` (351).
    pub struct GetTopicConfigRequestHeader {
        /// The topic whose configuration is asked for.
        topic: String = "topic",
    }
}

command_header! {
    /// `GetTopicStatsInfoRequestHeader`: the header of `GET_TOPIC_STATS_INFO` (202); the response body is a
    /// `TopicStatsTable`.
    pub struct GetTopicStatsInfoRequestHeader {
        /// The topic whose queue offsets are asked for.
        topic: String = "topic",
    }
}

command_header! {
    /// `QueryTopicConsumeByWhoRequestHeader`: the header of `QUERY_TOPIC_CONSUME_BY_WHO` (300); the response body is
    /// a `GroupList`.
    pub struct QueryTopicConsumeByWhoRequestHeader {
        /// The topic whose consumer groups are listed.
        topic: String = "topic",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    #[test]
    fn create_topic_round_trips_and_requires_its_fields() {
        let header = CreateTopicRequestHeader {
            topic: "TopicTest".into(),
            default_topic: "TBW102".into(),
            read_queue_nums: 8,
            write_queue_nums: 8,
            perm: 6,
            topic_filter_type: "SINGLE_TAG".into(),
            topic_sys_flag: Some(0),
            order: false,
            attributes: Some("+message.type=NORMAL".into()),
            force: Some(false),
        };
        let fields = assert_round_trip(&header);
        assert_eq!(fields["order"], "false");
        assert_eq!(fields["perm"], "6");
        let required = [
            "topic",
            "defaultTopic",
            "readQueueNums",
            "writeQueueNums",
            "perm",
            "topicFilterType",
            "order",
        ];
        assert_required_keys(&header, &required);
    }

    #[test]
    fn single_topic_headers_require_the_topic() {
        let delete = DeleteTopicRequestHeader { topic: "T".into() };
        assert_round_trip(&delete);
        assert_required_keys(&delete, &["topic"]);
        let config = GetTopicConfigRequestHeader { topic: "T".into() };
        assert_round_trip(&config);
        assert_required_keys(&config, &["topic"]);
        let stats = GetTopicStatsInfoRequestHeader { topic: "T".into() };
        assert_round_trip(&stats);
        assert_required_keys(&stats, &["topic"]);
        let who = QueryTopicConsumeByWhoRequestHeader { topic: "T".into() };
        assert_round_trip(&who);
        assert_required_keys(&who, &["topic"]);
    }
}
