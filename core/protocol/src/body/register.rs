//! Broker registration (REMOTING.md §4.3): `RegisterBrokerBody` (REGISTER_BROKER request body),
//! `TopicConfigSerializeWrapper` (also topics.json), `DataVersion` and `TopicConfig`.
//! The compressed body variant lives in `register_compressed`.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::JsonBody;
use super::java_enum::java_enum;

/// The REGISTER_BROKER request body: the broker's topic configs and filter servers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RegisterBrokerBody {
    /// The topic configs with their data version (Java `TopicConfigAndMappingSerializeWrapper`).
    pub topic_config_serialize_wrapper: TopicConfigSerializeWrapper,
    /// Filter server addresses (usually empty).
    pub filter_server_list: Vec<String>,
}

impl JsonBody for RegisterBrokerBody {}

/// Topic configs by topic name plus their data version; with the 5.x static-topic mapping fields of
/// `TopicConfigAndMappingSerializeWrapper`, which are absent (`None`) in topics.json.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicConfigSerializeWrapper {
    /// Topic configs by topic name.
    pub topic_config_table: IndexMap<String, TopicConfig>,
    /// Version of the topic configs; the name server rebuilds its queue data when it changes.
    pub data_version: DataVersion,
    /// 5.x: `TopicQueueMappingInfo` by topic (opaque JSON).
    pub topic_queue_mapping_info_map: Option<IndexMap<String, serde_json::Value>>,
    /// 5.x: `TopicQueueMappingDetail` by topic (opaque JSON).
    pub topic_queue_mapping_detail_map: Option<IndexMap<String, serde_json::Value>>,
    /// 5.x: version of the static-topic mappings.
    pub mapping_data_version: Option<DataVersion>,
}

impl JsonBody for TopicConfigSerializeWrapper {}

impl TopicConfigSerializeWrapper {
    /// A wrapper with the 5.x mapping fields present but empty, as a 5.x Java broker registers.
    pub fn with_empty_mappings(
        topic_config_table: IndexMap<String, TopicConfig>,
        data_version: DataVersion,
        mapping_data_version: DataVersion,
    ) -> Self {
        TopicConfigSerializeWrapper {
            topic_config_table,
            data_version,
            topic_queue_mapping_info_map: Some(IndexMap::new()),
            topic_queue_mapping_detail_map: Some(IndexMap::new()),
            mapping_data_version: Some(mapping_data_version),
        }
    }
}

/// A version stamp of a config table: `counter` grows on every change.
///
/// Java stamps a new `DataVersion` with the current time; this sans-IO type defaults to a timestamp of 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DataVersion {
    /// Incremented on every change.
    #[serde(deserialize_with = "super::java_long::deserialize")]
    pub counter: i64,
    /// Controller-mode state version.
    #[serde(deserialize_with = "super::java_long::deserialize")]
    pub state_version: i64,
    /// Milliseconds since the epoch of the last change.
    #[serde(deserialize_with = "super::java_long::deserialize")]
    pub timestamp: i64,
}

impl JsonBody for DataVersion {}

java_enum! {
    /// How a topic's messages are filtered by tag (Java `TopicFilterType`).
    pub enum TopicFilterType {
        /// One tag per message (the default).
        SingleTag = "SINGLE_TAG",
        /// Several tags per message.
        MultiTag = "MULTI_TAG",
    }
    default = SingleTag;
}

/// A topic's configuration on a broker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicConfig {
    /// The topic name.
    pub topic_name: String,
    /// Number of readable queues (Java default 16).
    pub read_queue_nums: i32,
    /// Number of writable queues (Java default 16).
    pub write_queue_nums: i32,
    /// Permission bits (Java default 6 = read | write).
    pub perm: i32,
    /// Tag filter type.
    pub topic_filter_type: TopicFilterType,
    /// Topic system flags.
    pub topic_sys_flag: i32,
    /// Whether the topic is ordered.
    pub order: bool,
    /// 5.x topic attributes (`message.type` and others).
    pub attributes: IndexMap<String, String>,
}

impl JsonBody for TopicConfig {}

impl Default for TopicConfig {
    /// Java's `new TopicConfig()`: 16 read and write queues, perm 6, `SINGLE_TAG`.
    fn default() -> Self {
        TopicConfig {
            topic_name: String::new(),
            read_queue_nums: 16,
            write_queue_nums: 16,
            perm: 6,
            topic_filter_type: TopicFilterType::SingleTag,
            topic_sys_flag: 0,
            order: false,
            attributes: IndexMap::new(),
        }
    }
}

impl TopicConfig {
    /// A config for `topic_name` with the given queue counts and permission, other fields at Java defaults.
    pub fn new(
        topic_name: impl Into<String>,
        read_queue_nums: i32,
        write_queue_nums: i32,
        perm: i32,
    ) -> Self {
        TopicConfig {
            topic_name: topic_name.into(),
            read_queue_nums,
            write_queue_nums,
            perm,
            ..Self::default()
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    const BODY: &str = concat!(
        r#"{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":2,"stateVersion":0,"#,
        r#""timestamp":1700000000000},"mappingDataVersion":{"counter":0,"stateVersion":0,"timestamp":1700000000000},"#,
        r#""topicConfigTable":{"TBW102":{"attributes":{},"order":false,"perm":7,"readQueueNums":8,"#,
        r#""topicFilterType":"SINGLE_TAG","topicName":"TBW102","topicSysFlag":0,"writeQueueNums":8}},"#,
        r#""topicQueueMappingDetailMap":{},"topicQueueMappingInfoMap":{}}}"#
    );

    pub(crate) fn sample() -> RegisterBrokerBody {
        let table = IndexMap::from([("TBW102".to_owned(), TopicConfig::new("TBW102", 8, 8, 7))]);
        RegisterBrokerBody {
            topic_config_serialize_wrapper: TopicConfigSerializeWrapper::with_empty_mappings(
                table,
                DataVersion {
                    counter: 2,
                    state_version: 0,
                    timestamp: 1_700_000_000_000,
                },
                DataVersion {
                    counter: 0,
                    state_version: 0,
                    timestamp: 1_700_000_000_000,
                },
            ),
            filter_server_list: Vec::new(),
        }
    }

    #[test]
    fn register_broker_body_matches_the_documented_form() {
        assert_eq!(String::from_utf8(sample().encode().unwrap()).unwrap(), BODY);
        assert_eq!(RegisterBrokerBody::decode(BODY.as_bytes()).unwrap(), sample());
    }

    #[test]
    fn topic_config_matches_java() {
        // fastjson 1.2.83: JSON.toJSONString(new TopicConfig("T", 4, 4, 6)).
        let expected = concat!(
            r#"{"attributes":{},"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","#,
            r#""topicName":"T","topicSysFlag":0,"writeQueueNums":4}"#
        );
        assert_eq!(
            TopicConfig::new("T", 4, 4, 6).encode().unwrap(),
            expected.as_bytes()
        );
        let partial = TopicConfig::decode(br#"{"topicName":"T","topicFilterType":"FUTURE_TYPE"}"#).unwrap();
        assert_eq!(partial.read_queue_nums, 16);
        assert_eq!(
            partial.topic_filter_type,
            TopicFilterType::Other("FUTURE_TYPE".into())
        );
    }

    #[test]
    fn topics_json_wrapper_omits_mapping_fields() {
        let wrapper = TopicConfigSerializeWrapper::default();
        assert_eq!(
            wrapper.encode().unwrap(),
            br#"{"dataVersion":{"counter":0,"stateVersion":0,"timestamp":0},"topicConfigTable":{}}"#
        );
    }
}
