//! Topic routes (REMOTING.md §4.1): `TopicRouteData` with its `QueueData` and `BrokerData`, the body of
//! GET_ROUTEINFO_BY_TOPIC responses, and the name server's choice between the legacy and the standard encoding.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::JsonBody;
use crate::error::Result;
use crate::fastjson::JsonStyle;
use crate::version::Version;

/// The broker id of a master in [`BrokerData::broker_addrs`].
pub const MASTER_ID: i64 = 0;

/// Where a topic lives: its queues per broker and the brokers' addresses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicRouteData {
    /// Order-topic configuration from the name server's KV store (`"brokerA:4;brokerB:4"`), if any.
    pub order_topic_conf: Option<String>,
    /// The topic's queues on each broker.
    pub queue_datas: Vec<QueueData>,
    /// The brokers hosting the topic.
    pub broker_datas: Vec<BrokerData>,
    /// Filter servers by broker address (usually empty).
    pub filter_server_table: IndexMap<String, Vec<String>>,
    /// Static-topic mapping per broker name (`TopicQueueMappingInfo`, kept as opaque JSON), for static topics only.
    pub topic_queue_mapping_by_broker: Option<IndexMap<String, serde_json::Value>>,
}

impl JsonBody for TopicRouteData {}

impl TopicRouteData {
    /// Encodes the route for a requester as the name server does: standard JSON for clients from 4.9.4 on or
    /// asking for it, the legacy fastjson form otherwise (see [`route_json_style`]).
    pub fn encode_for(&self, requester_version: i32, accept_standard_json_only: bool) -> Result<Vec<u8>> {
        self.encode_with(route_json_style(requester_version, accept_standard_json_only))
    }
}

/// The style a name server answers GET_ROUTEINFO_BY_TOPIC in (`ClientRequestProcessor#getRouteInfoByTopic`):
/// browser-compatible (quoted keys, sorted maps) when the request's version is at least
/// [`Version::V4_9_4`] or its header says `acceptStandardJsonOnly=true`; the legacy fastjson form otherwise.
pub fn route_json_style(requester_version: i32, accept_standard_json_only: bool) -> JsonStyle {
    if requester_version >= Version::V4_9_4 || accept_standard_json_only {
        JsonStyle::BrowserCompatible
    } else {
        JsonStyle::Fastjson
    }
}

/// A topic's queues on one broker.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QueueData {
    /// The broker name.
    pub broker_name: String,
    /// Number of readable queues.
    pub read_queue_nums: i32,
    /// Number of writable queues.
    pub write_queue_nums: i32,
    /// Permission bits (`PermName`: 2 = write, 4 = read, 1 = inherit).
    pub perm: i32,
    /// Topic system flags; read from `topicSynFlag` too, its name before 4.9.0.
    #[serde(alias = "topicSynFlag")]
    pub topic_sys_flag: i32,
}

/// One broker group: its name, cluster and the address of each member by broker id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BrokerData {
    /// The cluster name.
    pub cluster: String,
    /// The broker name.
    pub broker_name: String,
    /// `ip:port` by broker id: [`MASTER_ID`] (0) is the master, ids from 1 are slaves.
    pub broker_addrs: BTreeMap<i64, String>,
    /// The zone name, if the broker announced one.
    pub zone_name: Option<String>,
    /// Whether a slave may act as master while the master is down (5.x).
    pub enable_acting_master: bool,
}

impl BrokerData {
    /// The master's address, if the master is registered.
    pub fn master_addr(&self) -> Option<&str> {
        self.broker_addrs.get(&MASTER_ID).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEGACY: &str = concat!(
        r#"{"brokerDatas":[{"brokerAddrs":{0:"172.17.0.2:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","#,
        r#""enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"#,
        r#""readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}"#
    );

    fn sample() -> TopicRouteData {
        TopicRouteData {
            queue_datas: vec![QueueData {
                broker_name: "broker-a".into(),
                read_queue_nums: 4,
                write_queue_nums: 4,
                perm: 6,
                topic_sys_flag: 0,
            }],
            broker_datas: vec![BrokerData {
                cluster: "DefaultCluster".into(),
                broker_name: "broker-a".into(),
                broker_addrs: BTreeMap::from([(0, "172.17.0.2:10911".into())]),
                ..BrokerData::default()
            }],
            ..TopicRouteData::default()
        }
    }

    #[test]
    fn encodes_the_legacy_and_standard_forms_byte_exact() {
        assert_eq!(
            String::from_utf8(sample().encode_for(Version::V4_0_0, false).unwrap()).unwrap(),
            LEGACY
        );
        let standard = LEGACY.replace("{0:", "{\"0\":");
        assert_eq!(
            String::from_utf8(sample().encode_for(Version::V4_9_4, false).unwrap()).unwrap(),
            standard
        );
        assert_eq!(
            String::from_utf8(sample().encode_for(Version::V4_0_0, true).unwrap()).unwrap(),
            standard
        );
    }

    #[test]
    fn decodes_both_forms() {
        assert_eq!(TopicRouteData::decode(LEGACY.as_bytes()).unwrap(), sample());
        let standard = LEGACY.replace("{0:", "{\"0\":");
        assert_eq!(TopicRouteData::decode(standard.as_bytes()).unwrap(), sample());
        assert_eq!(sample().broker_datas[0].master_addr(), Some("172.17.0.2:10911"));
    }

    /// Printed by fastjson 1.2.83 for a Java `TopicRouteData` built with `HashMap`s, encoded as the 5.3.3 name
    /// server encodes for new clients.
    #[test]
    fn standard_form_sorts_maps_and_escapes_like_java() {
        let java = concat!(
            r#"{"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911","1":"10.0.0.2:10911","10":"10.0.0.3:10911"},"#,
            r#""brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false},{"brokerAddrs":"#,
            r#"{"0":"10.0.0.4:10911"},"brokerName":"broker-b","cluster":"DefaultCluster","enableActingMaster":true,"#,
            r#""zoneName":"zone-\u00E9\/1"}],"filterServerTable":{"10.0.0.1:10911":["f1:1","f2:2"],"10.0.0.4:10911":[]},"#,
            r#""orderTopicConf":"broker-a:4;broker-b:4","queueDatas":[{"brokerName":"broker-a","perm":6,"#,
            r#""readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4},{"brokerName":"broker-b","perm":7,"#,
            r#""readQueueNums":8,"topicSysFlag":3,"writeQueueNums":8}]}"#
        );
        let route = TopicRouteData {
            order_topic_conf: Some("broker-a:4;broker-b:4".into()),
            queue_datas: vec![
                QueueData {
                    broker_name: "broker-a".into(),
                    read_queue_nums: 4,
                    write_queue_nums: 4,
                    perm: 6,
                    topic_sys_flag: 0,
                },
                QueueData {
                    broker_name: "broker-b".into(),
                    read_queue_nums: 8,
                    write_queue_nums: 8,
                    perm: 7,
                    topic_sys_flag: 3,
                },
            ],
            broker_datas: vec![
                BrokerData {
                    cluster: "DefaultCluster".into(),
                    broker_name: "broker-a".into(),
                    broker_addrs: BTreeMap::from([
                        (0, "10.0.0.1:10911".into()),
                        (1, "10.0.0.2:10911".into()),
                        (10, "10.0.0.3:10911".into()),
                    ]),
                    ..BrokerData::default()
                },
                BrokerData {
                    cluster: "DefaultCluster".into(),
                    broker_name: "broker-b".into(),
                    broker_addrs: BTreeMap::from([(0, "10.0.0.4:10911".into())]),
                    zone_name: Some("zone-é/1".into()),
                    enable_acting_master: true,
                },
            ],
            // Inserted unsorted: the standard form sorts map keys (MapSortField).
            filter_server_table: IndexMap::from([
                ("10.0.0.4:10911".to_owned(), vec![]),
                (
                    "10.0.0.1:10911".to_owned(),
                    vec!["f1:1".to_owned(), "f2:2".to_owned()],
                ),
            ]),
            topic_queue_mapping_by_broker: None,
        };
        assert_eq!(
            String::from_utf8(route.encode_for(Version::V5_3_3, false).unwrap()).unwrap(),
            java
        );
        assert_eq!(TopicRouteData::decode(java.as_bytes()).unwrap(), route);
    }

    #[test]
    fn reads_the_pre_4_9_topic_syn_flag_and_keeps_static_topic_mappings() {
        let text = r#"{"queueDatas":[{"brokerName":"b","topicSynFlag":3}],"orderTopicConf":"b:4",
            "topicQueueMappingByBroker":{"b":{"bname":"b","currIdMap":{0:1},"epoch":3,"topic":"T","totalQueues":2}}}"#;
        let route = TopicRouteData::decode(text.as_bytes()).unwrap();
        assert_eq!(route.queue_datas[0].topic_sys_flag, 3);
        assert_eq!(route.order_topic_conf.as_deref(), Some("b:4"));
        let mapping = route
            .topic_queue_mapping_by_broker
            .as_ref()
            .and_then(|m| m.get("b"))
            .unwrap();
        assert_eq!(mapping["currIdMap"]["0"], 1);
        let again = TopicRouteData::decode(&route.encode().unwrap()).unwrap();
        assert_eq!(again, route);
    }
}
