//! The headers a broker sends to announce itself to a name server and keep its registration alive
//! (`REGISTER_BROKER`, `UNREGISTER_BROKER`, `BROKER_HEARTBEAT`, `QUERY_DATA_VERSION`, `REGISTER_TOPIC_IN_NAMESRV`).

use crate::ext_fields::command_header;

command_header! {
    /// `RegisterBrokerRequestHeader` (`header.namesrv`): the header of `REGISTER_BROKER` (103); the body is a
    /// `RegisterBrokerBody`.
    pub struct RegisterBrokerRequestHeader {
        /// The broker name (shared by a master and its slaves).
        broker_name: String = "brokerName",
        /// The `ip:port` clients connect to.
        broker_addr: String = "brokerAddr",
        /// The cluster the broker belongs to.
        cluster_name: String = "clusterName",
        /// The `ip:port` of the broker's HA service.
        ha_server_addr: String = "haServerAddr",
        /// The broker id; 0 is the master.
        broker_id: i64 = "brokerId",
        /// How long the name server keeps the registration without a new one (default 120 000 ms).
        heartbeat_timeout_millis: Option<i64> = "heartbeatTimeoutMillis",
        /// Whether a slave may act as master when the master is gone.
        enable_acting_master: Option<bool> = "enableActingMaster",
        /// Whether the body is in the compressed form. A Java primitive (default false) that Java always sends.
        compressed: Option<bool> = "compressed",
        /// `CRC32(body) & 0x7FFFFFFF`; absent or 0 means "not checked" (Java's default is 0).
        body_crc32: Option<i32> = "bodyCrc32",
        /// Not a field of the Java class: the broker's zone (`__ZONE_NAME`), sent when zone mode is on.
        zone_name: Option<String> = "__ZONE_NAME",
    }
}

command_header! {
    /// `RegisterBrokerResponseHeader` (`header.namesrv`): what a name server tells a registering broker.
    pub struct RegisterBrokerResponseHeader {
        /// The HA address of the master of the broker's group, for a slave.
        ha_server_addr: Option<String> = "haServerAddr",
        /// The address of the master of the broker's group, for a slave.
        master_addr: Option<String> = "masterAddr",
    }
}

command_header! {
    /// `UnRegisterBrokerRequestHeader` (`header.namesrv`): the header of `UNREGISTER_BROKER` (104).
    pub struct UnRegisterBrokerRequestHeader {
        /// The broker name.
        broker_name: String = "brokerName",
        /// The broker's client-facing `ip:port`.
        broker_addr: String = "brokerAddr",
        /// The cluster the broker belongs to.
        cluster_name: String = "clusterName",
        /// The broker id; 0 is the master.
        broker_id: i64 = "brokerId",
    }
}

command_header! {
    /// `BrokerHeartbeatRequestHeader` (`header.namesrv`): the header of `BROKER_HEARTBEAT` (904), the lightweight
    /// keep-alive of controller mode.
    pub struct BrokerHeartbeatRequestHeader {
        /// The cluster the broker belongs to.
        cluster_name: String = "clusterName",
        /// The broker's client-facing `ip:port`.
        broker_addr: String = "brokerAddr",
        /// The broker name.
        broker_name: String = "brokerName",
        /// The broker id.
        broker_id: Option<i64> = "brokerId",
        /// The broker's current epoch in controller mode.
        epoch: Option<i32> = "epoch",
        /// The broker's max commit-log offset.
        max_offset: Option<i64> = "maxOffset",
        /// The broker's confirmed commit-log offset.
        confirm_offset: Option<i64> = "confirmOffset",
        /// How long the registration lives without a new heartbeat (the Java key is `heartbeatTimeoutMills`).
        heartbeat_timeout_millis: Option<i64> = "heartbeatTimeoutMills",
        /// The broker's priority in a master election.
        election_priority: Option<i32> = "electionPriority",
    }
}

command_header! {
    /// `QueryDataVersionRequestHeader` (`header.namesrv`): the header of `QUERY_DATA_VERSION` (322); the body is the
    /// broker's `DataVersion`.
    pub struct QueryDataVersionRequestHeader {
        /// The broker name.
        broker_name: String = "brokerName",
        /// The broker's client-facing `ip:port`.
        broker_addr: String = "brokerAddr",
        /// The cluster the broker belongs to.
        cluster_name: String = "clusterName",
        /// The broker id.
        broker_id: i64 = "brokerId",
    }
}

command_header! {
    /// `QueryDataVersionResponseHeader` (`header.namesrv`): whether the name server holds another data version.
    pub struct QueryDataVersionResponseHeader {
        /// True when the broker's data version differs from the registered one (it should register again).
        changed: bool = "changed",
    }
}

command_header! {
    /// `RegisterTopicRequestHeader` (`header.namesrv`): the header of `REGISTER_TOPIC_IN_NAMESRV` (217); the body is
    /// the topic's route data.
    pub struct RegisterTopicRequestHeader {
        /// The topic to register.
        topic: String = "topic",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    fn broker_a() -> RegisterBrokerRequestHeader {
        RegisterBrokerRequestHeader {
            broker_name: "broker-a".into(),
            broker_addr: "10.0.0.1:10911".into(),
            cluster_name: "DefaultCluster".into(),
            ha_server_addr: "10.0.0.1:10912".into(),
            broker_id: 0,
            heartbeat_timeout_millis: Some(120_000),
            enable_acting_master: Some(false),
            compressed: Some(false),
            body_crc32: Some(123_456),
            zone_name: Some("zone-1".into()),
        }
    }

    #[test]
    fn register_round_trips_and_requires_the_identity() {
        let fields = assert_round_trip(&broker_a());
        assert_eq!(fields["bodyCrc32"], "123456");
        assert_eq!(fields["__ZONE_NAME"], "zone-1");
        assert_required_keys(
            &broker_a(),
            &[
                "brokerName",
                "brokerAddr",
                "clusterName",
                "haServerAddr",
                "brokerId",
            ],
        );
        let response = RegisterBrokerResponseHeader {
            ha_server_addr: None,
            master_addr: Some("m:1".into()),
        };
        assert_round_trip(&response);
        assert_required_keys(&response, &[]);
    }

    #[test]
    fn unregister_and_data_version_require_every_identity_field() {
        let identity = ["brokerName", "brokerAddr", "clusterName", "brokerId"];
        let unregister = UnRegisterBrokerRequestHeader {
            broker_name: "broker-a".into(),
            broker_addr: "10.0.0.1:10911".into(),
            cluster_name: "DefaultCluster".into(),
            broker_id: 1,
        };
        assert_round_trip(&unregister);
        assert_required_keys(&unregister, &identity);
        let query = QueryDataVersionRequestHeader {
            broker_name: "broker-a".into(),
            broker_addr: "10.0.0.1:10911".into(),
            cluster_name: "DefaultCluster".into(),
            broker_id: 0,
        };
        assert_round_trip(&query);
        assert_required_keys(&query, &identity);
        let changed = QueryDataVersionResponseHeader { changed: true };
        assert_eq!(assert_round_trip(&changed)["changed"], "true");
        assert_required_keys(&changed, &["changed"]);
    }

    #[test]
    fn heartbeat_keeps_the_java_spelling_of_its_timeout_key() {
        let header = BrokerHeartbeatRequestHeader {
            cluster_name: "DefaultCluster".into(),
            broker_addr: "10.0.0.1:10911".into(),
            broker_name: "broker-a".into(),
            broker_id: Some(0),
            epoch: Some(2),
            max_offset: Some(4096),
            confirm_offset: Some(4000),
            heartbeat_timeout_millis: Some(10_000),
            election_priority: Some(1),
        };
        assert_eq!(assert_round_trip(&header)["heartbeatTimeoutMills"], "10000");
        assert_required_keys(&header, &["clusterName", "brokerAddr", "brokerName"]);
        let topic = RegisterTopicRequestHeader { topic: "T".into() };
        assert_round_trip(&topic);
        assert_required_keys(&topic, &["topic"]);
    }
}
