//! The headers of the admin requests a name server answers about brokers and topics (`WIPE_WRITE_PERM_OF_BROKER`,
//! `ADD_WRITE_PERM_OF_BROKER`, `DELETE_TOPIC_IN_NAMESRV`, `GET_TOPICS_BY_CLUSTER`).

use crate::ext_fields::command_header;

command_header! {
    /// `WipeWritePermOfBrokerRequestHeader` (`header.namesrv`): the header of `WIPE_WRITE_PERM_OF_BROKER` (205).
    pub struct WipeWritePermOfBrokerRequestHeader {
        /// The broker whose topics lose their write permission (its own field, not the inherited `bname`).
        broker_name: String = "brokerName",
    }
}

command_header! {
    /// `WipeWritePermOfBrokerResponseHeader` (`header.namesrv`): how many topics were changed.
    pub struct WipeWritePermOfBrokerResponseHeader {
        /// The number of topics whose write permission was removed.
        wipe_topic_count: i32 = "wipeTopicCount",
    }
}

command_header! {
    /// `AddWritePermOfBrokerRequestHeader` (`header.namesrv`): the header of `ADD_WRITE_PERM_OF_BROKER` (327).
    pub struct AddWritePermOfBrokerRequestHeader {
        /// The broker whose topics get their write permission back.
        broker_name: String = "brokerName",
    }
}

command_header! {
    /// `AddWritePermOfBrokerResponseHeader` (`header.namesrv`): how many topics were changed.
    pub struct AddWritePermOfBrokerResponseHeader {
        /// The number of topics whose write permission was restored.
        add_topic_count: i32 = "addTopicCount",
    }
}

command_header! {
    /// `DeleteTopicFromNamesrvRequestHeader` (`header.namesrv`): the header of `DELETE_TOPIC_IN_NAMESRV` (216).
    pub struct DeleteTopicFromNamesrvRequestHeader {
        /// The topic to remove from the routes.
        topic: String = "topic",
        /// Only remove the topic from this cluster's brokers; absent removes it everywhere.
        cluster_name: Option<String> = "clusterName",
    }
}

command_header! {
    /// `GetTopicsByClusterRequestHeader`: the header of `GET_TOPICS_BY_CLUSTER` (224); the response body is a
    /// `TopicList`.
    pub struct GetTopicsByClusterRequestHeader {
        /// The cluster whose topics are listed.
        cluster: String = "cluster",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    #[test]
    fn write_perm_headers_round_trip_and_require_their_fields() {
        let wipe = WipeWritePermOfBrokerRequestHeader {
            broker_name: "broker-a".into(),
        };
        assert_eq!(assert_round_trip(&wipe)["brokerName"], "broker-a");
        assert_required_keys(&wipe, &["brokerName"]);
        let wiped = WipeWritePermOfBrokerResponseHeader { wipe_topic_count: 12 };
        assert_round_trip(&wiped);
        assert_required_keys(&wiped, &["wipeTopicCount"]);
        let add = AddWritePermOfBrokerRequestHeader {
            broker_name: "broker-a".into(),
        };
        assert_round_trip(&add);
        assert_required_keys(&add, &["brokerName"]);
        let added = AddWritePermOfBrokerResponseHeader { add_topic_count: 3 };
        assert_round_trip(&added);
        assert_required_keys(&added, &["addTopicCount"]);
    }

    #[test]
    fn topic_headers_round_trip_and_require_their_fields() {
        let delete = DeleteTopicFromNamesrvRequestHeader {
            topic: "T".into(),
            cluster_name: Some("C".into()),
        };
        assert_round_trip(&delete);
        assert_required_keys(&delete, &["topic"]);
        let by_cluster = GetTopicsByClusterRequestHeader {
            cluster: "DefaultCluster".into(),
        };
        assert_round_trip(&by_cluster);
        assert_required_keys(&by_cluster, &["cluster"]);
    }
}
