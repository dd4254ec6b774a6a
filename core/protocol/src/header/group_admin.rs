//! The headers of the admin requests a broker answers about one consumer group (`DELETE_SUBSCRIPTIONGROUP`,
//! `GET_SUBSCRIPTIONGROUP_CONFIG`, `QUERY_TOPICS_BY_CONSUMER`, `QUERY_SUBSCRIPTION_BY_CONSUMER`,
//! `CLONE_GROUP_OFFSET`).

use crate::ext_fields::command_header;

command_header! {
    /// `DeleteSubscriptionGroupRequestHeader`: the header of `DELETE_SUBSCRIPTIONGROUP` (207).
    pub struct DeleteSubscriptionGroupRequestHeader {
        /// The group to delete.
        group_name: String = "groupName",
        /// Whether to delete the group's stored offsets too. A Java primitive (default false) that Java always sends.
        clean_offset: Option<bool> = "cleanOffset",
    }
}

command_header! {
    /// `GetSubscriptionGroupConfigRequestHeader`: the header of `GET_SUBSCRIPTIONGROUP_CONFIG` (352).
    pub struct GetSubscriptionGroupConfigRequestHeader {
        /// The group whose configuration is asked for.
        group: String = "group",
    }
}

command_header! {
    /// `QueryTopicsByConsumerRequestHeader`: the header of `QUERY_TOPICS_BY_CONSUMER` (343); the response body is
    /// a `TopicList`.
    pub struct QueryTopicsByConsumerRequestHeader {
        /// The group whose topics (those it has offsets in) are listed.
        group: String = "group",
    }
}

command_header! {
    /// `QuerySubscriptionByConsumerRequestHeader`: the header of `QUERY_SUBSCRIPTION_BY_CONSUMER` (345); the
    /// response body is a `QuerySubscriptionResponseBody`.
    pub struct QuerySubscriptionByConsumerRequestHeader {
        /// The group.
        group: String = "group",
        /// The topic whose subscription is asked for.
        topic: Option<String> = "topic",
    }
}

command_header! {
    /// `CloneGroupOffsetRequestHeader`: the header of `CLONE_GROUP_OFFSET` (314).
    pub struct CloneGroupOffsetRequestHeader {
        /// The group whose offsets are copied.
        src_group: String = "srcGroup",
        /// The group that gets them.
        dest_group: String = "destGroup",
        /// The topic; blank for every topic the source group has offsets in.
        topic: Option<String> = "topic",
        /// Whether the source group is offline (then its subscriptions are not checked). A Java primitive.
        offline: Option<bool> = "offline",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    #[test]
    fn group_headers_round_trip_and_require_the_group() {
        let delete = DeleteSubscriptionGroupRequestHeader {
            group_name: "CG".into(),
            clean_offset: Some(true),
        };
        assert_eq!(assert_round_trip(&delete)["cleanOffset"], "true");
        assert_required_keys(&delete, &["groupName"]);
        let config = GetSubscriptionGroupConfigRequestHeader { group: "CG".into() };
        assert_round_trip(&config);
        assert_required_keys(&config, &["group"]);
        let topics = QueryTopicsByConsumerRequestHeader { group: "CG".into() };
        assert_required_keys(&topics, &["group"]);
        let subscription = QuerySubscriptionByConsumerRequestHeader {
            group: "CG".into(),
            topic: Some("T".into()),
        };
        assert_eq!(assert_round_trip(&subscription)["topic"], "T");
        assert_required_keys(&subscription, &["group"]);
        let clone = CloneGroupOffsetRequestHeader {
            src_group: "A".into(),
            dest_group: "B".into(),
            topic: None,
            offline: Some(false),
        };
        assert_round_trip(&clone);
        assert_required_keys(&clone, &["srcGroup", "destGroup"]);
    }
}
