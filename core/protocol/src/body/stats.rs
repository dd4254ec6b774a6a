//! Offset statistics (REMOTING.md §4.6): `ConsumeStats` (GET_CONSUME_STATS) and `TopicStatsTable`
//! (GET_TOPIC_STATS_INFO), both keyed by [`MessageQueue`], which Java writes as bare JSON objects.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{JsonBody, MessageQueue};

/// A consumer group's progress on each queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumeStats {
    /// Offsets by queue.
    pub offset_table: IndexMap<MessageQueue, OffsetWrapper>,
    /// Messages consumed per second.
    pub consume_tps: f64,
}

impl JsonBody for ConsumeStats {}

impl ConsumeStats {
    /// Messages stored but not yet consumed, summed over all queues.
    pub fn total_diff(&self) -> i64 {
        self.offset_table
            .values()
            .map(|o| o.broker_offset.saturating_sub(o.consumer_offset))
            .sum()
    }
}

/// One queue's offsets for a consumer group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OffsetWrapper {
    /// The queue's max offset on the broker.
    #[serde(deserialize_with = "super::java_long::deserialize")]
    pub broker_offset: i64,
    /// The group's committed offset.
    #[serde(deserialize_with = "super::java_long::deserialize")]
    pub consumer_offset: i64,
    /// The group's pull offset (5.x pop / lite pull).
    #[serde(deserialize_with = "super::java_long::deserialize")]
    pub pull_offset: i64,
    /// Store timestamp of the last consumed message (ms).
    #[serde(deserialize_with = "super::java_long::deserialize")]
    pub last_timestamp: i64,
}

/// A topic's offsets on each queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicStatsTable {
    /// Offsets by queue.
    pub offset_table: IndexMap<MessageQueue, TopicOffset>,
    /// Messages stored per second (5.x only).
    pub topic_put_tps: f64,
}

impl JsonBody for TopicStatsTable {}

/// One queue's offset range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TopicOffset {
    /// The smallest offset still stored.
    #[serde(deserialize_with = "super::java_long::deserialize")]
    pub min_offset: i64,
    /// The next offset to be written.
    #[serde(deserialize_with = "super::java_long::deserialize")]
    pub max_offset: i64,
    /// Store timestamp of the last message (ms).
    #[serde(deserialize_with = "super::java_long::deserialize")]
    pub last_update_timestamp: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fastjson::JsonStyle;

    const CONSUME_STATS: &str = concat!(
        r#"{"consumeTps":0.0,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"brokerOffset":10,"#,
        r#""consumerOffset":7,"lastTimestamp":1700000000000,"pullOffset":8},{"brokerName":"broker-a","queueId":1,"#,
        r#""topic":"T"}:{"brokerOffset":3,"consumerOffset":3,"lastTimestamp":0,"pullOffset":3}}}"#
    );

    fn sample() -> ConsumeStats {
        let mut stats = ConsumeStats::default();
        stats.offset_table.insert(
            MessageQueue::new("T", "broker-a", 0),
            OffsetWrapper {
                broker_offset: 10,
                consumer_offset: 7,
                pull_offset: 8,
                last_timestamp: 1_700_000_000_000,
            },
        );
        stats.offset_table.insert(
            MessageQueue::new("T", "broker-a", 1),
            OffsetWrapper {
                broker_offset: 3,
                consumer_offset: 3,
                pull_offset: 3,
                last_timestamp: 0,
            },
        );
        stats
    }

    #[test]
    fn consume_stats_round_trip_in_bare_object_key_form() {
        assert_eq!(
            String::from_utf8(sample().encode().unwrap()).unwrap(),
            CONSUME_STATS
        );
        assert_eq!(ConsumeStats::decode(CONSUME_STATS.as_bytes()).unwrap(), sample());
        assert_eq!(sample().total_diff(), 3);
    }

    #[test]
    fn consume_stats_also_read_from_quoted_keys() {
        let quoted = sample().encode_with(JsonStyle::BrowserCompatible).unwrap();
        let text = String::from_utf8(quoted.clone()).unwrap();
        assert!(
            text.contains(r#""{\"brokerName\":\"broker-a\",\"queueId\":0,\"topic\":\"T\"}":{"#),
            "{text}"
        );
        assert_eq!(ConsumeStats::decode(&quoted).unwrap(), sample());
    }

    /// Printed by fastjson 1.2.83 for a Java `ConsumeStats` (HashMap offset table) encoded browser-compatible:
    /// keys sorted by `MessageQueue#compareTo`, the long beyond 2^53-1 quoted.
    #[test]
    fn browser_compatible_form_matches_java() {
        let java = concat!(
            r#"{"consumeTps":12.5,"offsetTable":{"{\"brokerName\":\"broker-z\",\"queueId\":5,\"topic\":\"A\"}":"#,
            r#"{"brokerOffset":"1152921504606846976","consumerOffset":0,"lastTimestamp":-1,"pullOffset":0},"#,
            r#""{\"brokerName\":\"broker-a\",\"queueId\":0,\"topic\":\"T\"}":{"brokerOffset":3,"consumerOffset":3,"#,
            r#""lastTimestamp":0,"pullOffset":3},"{\"brokerName\":\"broker-b\",\"queueId\":1,\"topic\":\"T\"}":"#,
            r#"{"brokerOffset":10,"consumerOffset":7,"lastTimestamp":1700000000000,"pullOffset":8}}}"#
        );
        let mut stats = ConsumeStats {
            consume_tps: 12.5,
            ..ConsumeStats::default()
        };
        stats.offset_table.insert(
            MessageQueue::new("T", "broker-b", 1),
            OffsetWrapper {
                broker_offset: 10,
                consumer_offset: 7,
                pull_offset: 8,
                last_timestamp: 1_700_000_000_000,
            },
        );
        stats.offset_table.insert(
            MessageQueue::new("T", "broker-a", 0),
            OffsetWrapper {
                broker_offset: 3,
                consumer_offset: 3,
                pull_offset: 3,
                last_timestamp: 0,
            },
        );
        stats.offset_table.insert(
            MessageQueue::new("A", "broker-z", 5),
            OffsetWrapper {
                broker_offset: 1 << 60,
                consumer_offset: 0,
                pull_offset: 0,
                last_timestamp: -1,
            },
        );
        assert_eq!(
            String::from_utf8(stats.encode_with(JsonStyle::BrowserCompatible).unwrap()).unwrap(),
            java
        );
        let decoded = ConsumeStats::decode(java.as_bytes()).unwrap();
        assert_eq!(
            decoded.offset_table[&MessageQueue::new("A", "broker-z", 5)].broker_offset,
            1 << 60
        );
        assert_eq!(decoded.offset_table.len(), 3);
    }

    #[test]
    fn topic_stats_table_round_trips() {
        let text = concat!(
            r#"{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"lastUpdateTimestamp":5,"maxOffset":9,"#,
            r#""minOffset":1}},"topicPutTps":1.5}"#
        );
        let table = TopicStatsTable::decode(text.as_bytes()).unwrap();
        assert_eq!(table.offset_table[&MessageQueue::new("T", "b", 0)].max_offset, 9);
        assert_eq!(String::from_utf8(table.encode().unwrap()).unwrap(), text);
        // 4.9.x brokers do not send topicPutTps.
        let old = TopicStatsTable::decode(br#"{"offsetTable":{}}"#).unwrap();
        assert_eq!(old.topic_put_tps, 0.0);
    }
}
