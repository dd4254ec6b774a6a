//! Cluster-wide listings (REMOTING.md §4.2): `ClusterInfo` (GET_BROKER_CLUSTER_INFO), `TopicList` (topic
//! listings) and `KvTable` (KV config namespaces, REGISTER_BROKER responses).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{BrokerData, JsonBody};

/// Every broker group and which cluster each belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterInfo {
    /// Broker groups by broker name.
    pub broker_addr_table: IndexMap<String, BrokerData>,
    /// Broker names by cluster name.
    pub cluster_addr_table: IndexMap<String, Vec<String>>,
}

impl JsonBody for ClusterInfo {}

/// A set of topic names, optionally with the broker that answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicList {
    /// The topic names.
    pub topic_list: Vec<String>,
    /// The answering broker's address, when a broker lists its topics.
    pub broker_addr: Option<String>,
}

impl JsonBody for TopicList {}

/// A set of consumer group names (Java `GroupList`, the body of QUERY_TOPIC_CONSUME_BY_WHO).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GroupList {
    /// The group names.
    pub group_list: Vec<String>,
}

impl JsonBody for GroupList {}

/// A string-to-string table (Java `KVTable`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KvTable {
    /// The entries.
    pub table: IndexMap<String, String>,
}

impl JsonBody for KvTable {}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    const CLUSTER: &str = concat!(
        r#"{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.1:10911"},"brokerName":"broker-a","#,
        r#""cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}"#
    );

    #[test]
    fn cluster_info_round_trips_the_documented_form() {
        let info = ClusterInfo::decode(CLUSTER.as_bytes()).unwrap();
        let broker = &info.broker_addr_table["broker-a"];
        assert_eq!(
            broker.broker_addrs,
            BTreeMap::from([(0, "10.0.0.1:10911".to_owned())])
        );
        assert_eq!(info.cluster_addr_table["DefaultCluster"], ["broker-a"]);
        assert_eq!(String::from_utf8(info.encode().unwrap()).unwrap(), CLUSTER);
    }

    #[test]
    fn topic_list_and_kv_table() {
        let list = TopicList {
            topic_list: vec!["A".into(), "B".into()],
            broker_addr: None,
        };
        assert_eq!(list.encode().unwrap(), br#"{"topicList":["A","B"]}"#);
        let with_broker = TopicList::decode(br#"{"topicList":["A"],"brokerAddr":"1.2.3.4:10911"}"#).unwrap();
        assert_eq!(with_broker.broker_addr.as_deref(), Some("1.2.3.4:10911"));
        let table = KvTable {
            table: IndexMap::from([("k".to_owned(), "v".to_owned())]),
        };
        assert_eq!(table.encode().unwrap(), br#"{"table":{"k":"v"}}"#);
        assert_eq!(KvTable::decode(b"{}").unwrap(), KvTable::default());
    }
}
