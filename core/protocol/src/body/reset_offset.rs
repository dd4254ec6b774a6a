//! `ResetOffsetBody` (REMOTING.md §4.6): the offsets to reset a group to, per queue; the body of
//! RESET_CONSUMER_CLIENT_OFFSET (broker → client) and of the INVOKE_BROKER_TO_RESET_OFFSET response.

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize};

use super::java_long::JavaLong;
use super::{JsonBody, MessageQueue};

/// Offsets by queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResetOffsetBody {
    /// The offset to reset each queue to. Read from fastjson's map form or from the Gson-style array of
    /// `[queue, offset]` pairs that the Go client also accepts.
    #[serde(deserialize_with = "map_or_pairs")]
    pub offset_table: IndexMap<MessageQueue, i64>,
}

impl JsonBody for ResetOffsetBody {}

/// The two wire shapes of an offset table.
#[derive(Deserialize)]
#[serde(untagged)]
enum OffsetTableForm {
    Map(IndexMap<MessageQueue, JavaLong>),
    Pairs(Vec<(MessageQueue, JavaLong)>),
}

fn map_or_pairs<'de, D: Deserializer<'de>>(deserializer: D) -> Result<IndexMap<MessageQueue, i64>, D::Error> {
    Ok(match OffsetTableForm::deserialize(deserializer)? {
        OffsetTableForm::Map(map) => map.into_iter().map(|(queue, offset)| (queue, offset.0)).collect(),
        OffsetTableForm::Pairs(pairs) => pairs
            .into_iter()
            .map(|(queue, offset)| (queue, offset.0))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_map_and_pair_forms() {
        let expected = ResetOffsetBody {
            offset_table: IndexMap::from([(MessageQueue::new("T", "b", 0), 123)]),
        };
        let map_form = br#"{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:123}}"#;
        assert_eq!(ResetOffsetBody::decode(map_form).unwrap(), expected);
        assert_eq!(expected.encode().unwrap(), map_form);
        let pairs = br#"{"offsetTable":[[{"brokerName":"b","queueId":0,"topic":"T"},123]]}"#;
        assert_eq!(ResetOffsetBody::decode(pairs).unwrap(), expected);
        assert!(ResetOffsetBody::decode(br#"{"offsetTable":7}"#).is_err());
    }
}
