//! The pull request and response headers (`PULL_MESSAGE`, `LITE_PULL_MESSAGE`).

use crate::ext_fields::command_header;

use super::PullSysFlag;

command_header! {
    /// `PullMessageRequestHeader`: the header of `PULL_MESSAGE` (11) and `LITE_PULL_MESSAGE` (361).
    pub struct PullMessageRequestHeader {
        /// The consumer group pulling.
        consumer_group: String = "consumerGroup",
        /// The topic pulled from.
        topic: String = "topic",
        /// The queue pulled from.
        queue_id: i32 = "queueId",
        /// The logical (consume-queue) offset to start from.
        queue_offset: i64 = "queueOffset",
        /// The most messages to return (push consumer 32, lite pull 10).
        max_msg_nums: i32 = "maxMsgNums",
        /// The [`PullSysFlag`] bits; see [`PullMessageRequestHeader::pull_sys_flag`].
        sys_flag: i32 = "sysFlag",
        /// The consumer's current offset, stored by the broker when `COMMIT_OFFSET` is set.
        commit_offset: i64 = "commitOffset",
        /// How long the broker may hold the request when no message is available (push consumer 15000 ms).
        suspend_timeout_millis: i64 = "suspendTimeoutMillis",
        /// The subscription expression, used when `SUBSCRIPTION` is set.
        subscription: Option<String> = "subscription",
        /// The version (a millisecond timestamp) of the consumer's subscription data.
        sub_version: i64 = "subVersion",
        /// The expression type: `TAG` or `SQL92`.
        expression_type: Option<String> = "expressionType",
        /// The most bytes to return (push consumer 262144).
        max_msg_bytes: Option<i32> = "maxMsgBytes",
        /// Where the request comes from; set by the proxy.
        request_source: Option<i32> = "requestSource",
        /// The client id the proxy forwards for. The Java key is misspelled `proxyFrowardClientId`.
        proxy_forward_client_id: Option<String> = "proxyFrowardClientId",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

impl PullMessageRequestHeader {
    /// The `sysFlag` field as [`PullSysFlag`] bits.
    pub fn pull_sys_flag(&self) -> PullSysFlag {
        PullSysFlag(self.sys_flag)
    }
}

command_header! {
    /// `PullMessageResponseHeader`: the header of a pull response (`SUCCESS`, `PULL_NOT_FOUND`,
    /// `PULL_RETRY_IMMEDIATELY`, `PULL_OFFSET_MOVED`).
    pub struct PullMessageResponseHeader {
        /// The broker id to pull from next time (0 = the master).
        suggest_which_broker_id: i64 = "suggestWhichBrokerId",
        /// The offset to pull from next.
        next_begin_offset: i64 = "nextBeginOffset",
        /// The smallest offset in the queue.
        min_offset: i64 = "minOffset",
        /// One past the last offset in the queue.
        max_offset: i64 = "maxOffset",
        /// The offset shift of a static (logical) topic queue.
        offset_delta: Option<i64> = "offsetDelta",
        /// The topic's `TopicSysFlag` bits.
        topic_sys_flag: Option<i32> = "topicSysFlag",
        /// The group's sys-flag bits.
        group_sys_flag: Option<i32> = "groupSysFlag",
        /// Why the pull was forbidden, when it was.
        forbidden_type: Option<i32> = "forbiddenType",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ext_fields::CommandHeader;
    use crate::header::test_support::{assert_required_keys, assert_round_trip, ext};

    fn push_request() -> PullMessageRequestHeader {
        PullMessageRequestHeader {
            consumer_group: "CG".into(),
            topic: "TopicTest".into(),
            queue_id: 2,
            queue_offset: 100,
            max_msg_nums: 32,
            sys_flag: PullSysFlag::build(true, true, false, false, false).bits(),
            commit_offset: 90,
            suspend_timeout_millis: 15_000,
            subscription: Some("TagA || TagB".into()),
            sub_version: 1_700_000_000_123,
            expression_type: Some("TAG".into()),
            max_msg_bytes: Some(262_144),
            request_source: Some(-1),
            proxy_forward_client_id: Some("client@1".into()),
            broker_name: Some("broker-a".into()),
        }
    }

    #[test]
    fn request_round_trips_with_java_keys() {
        let fields = assert_round_trip(&push_request());
        assert_eq!(fields["proxyFrowardClientId"], "client@1");
        assert_eq!(fields["sysFlag"], "3");
        assert_eq!(fields["bname"], "broker-a");
        assert!(push_request().pull_sys_flag().has_suspend());
    }

    #[test]
    fn request_requires_the_cf_not_null_fields() {
        let required = [
            "consumerGroup",
            "topic",
            "queueId",
            "queueOffset",
            "maxMsgNums",
            "sysFlag",
            "commitOffset",
            "suspendTimeoutMillis",
            "subVersion",
        ];
        assert_required_keys(&push_request(), &required);
    }

    #[test]
    fn response_round_trips_and_requires_the_offsets() {
        let fields = ext(&[
            ("suggestWhichBrokerId", "0"),
            ("nextBeginOffset", "132"),
            ("minOffset", "0"),
            ("maxOffset", "200"),
            ("topicSysFlag", "0"),
        ]);
        let header = PullMessageResponseHeader::read_from(&fields).unwrap();
        assert_eq!(header.next_begin_offset, 132);
        assert_eq!(header.topic_sys_flag, Some(0));
        assert_eq!(header.offset_delta, None);
        assert_eq!(assert_round_trip(&header), fields);
        assert_required_keys(
            &header,
            &[
                "suggestWhichBrokerId",
                "nextBeginOffset",
                "minOffset",
                "maxOffset",
            ],
        );
    }
}
