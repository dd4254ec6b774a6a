//! `MessageQueue`: one queue of a topic on one broker, a value in many bodies and the key of offset tables.

use serde::de::value::MapAccessDeserializer;
use serde::{Deserialize, Deserializer, Serialize};

use crate::fastjson;

/// A queue of a topic on a broker (Java `MessageQueue`).
///
/// Fields are declared in Java's `compareTo` order (topic, broker name, queue id), so the derived `Ord` and the
/// browser-compatible map-key sort both match Java. Besides a JSON object it also reads from a string holding
/// the object's JSON text, which is how map keys arrive (`{"{\"brokerName\":...}":1}` or the bare object form).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageQueue {
    /// The topic.
    pub topic: String,
    /// The broker name.
    pub broker_name: String,
    /// The queue id within the broker.
    pub queue_id: i32,
}

impl MessageQueue {
    /// A queue of `topic` on `broker_name`.
    pub fn new(topic: impl Into<String>, broker_name: impl Into<String>, queue_id: i32) -> Self {
        MessageQueue {
            topic: topic.into(),
            broker_name: broker_name.into(),
            queue_id,
        }
    }
}

impl std::fmt::Display for MessageQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "MessageQueue [topic={}, brokerName={}, queueId={}]",
            self.topic, self.broker_name, self.queue_id
        )
    }
}

/// The plain field form, deserialized with the usual derive rules.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Fields {
    topic: String,
    broker_name: String,
    queue_id: i32,
}

impl From<Fields> for MessageQueue {
    fn from(f: Fields) -> Self {
        MessageQueue {
            topic: f.topic,
            broker_name: f.broker_name,
            queue_id: f.queue_id,
        }
    }
}

impl<'de> Deserialize<'de> for MessageQueue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MessageQueueVisitor)
    }
}

struct MessageQueueVisitor;

impl<'de> serde::de::Visitor<'de> for MessageQueueVisitor {
    type Value = MessageQueue;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a MessageQueue object or its JSON text")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<MessageQueue, A::Error> {
        Fields::deserialize(MapAccessDeserializer::new(map)).map(MessageQueue::from)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<MessageQueue, E> {
        fastjson::from_str::<Fields>(text)
            .map(MessageQueue::from)
            .map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use super::*;
    use crate::fastjson::JsonStyle;

    #[test]
    fn reads_objects_and_key_strings_in_both_styles() {
        let expected = MessageQueue::new("T", "b", 3);
        assert_eq!(
            fastjson::from_str::<MessageQueue>(r#"{"brokerName":"b","queueId":3,"topic":"T"}"#).unwrap(),
            expected
        );
        let bare: IndexMap<MessageQueue, i64> =
            fastjson::from_str(r#"{{"brokerName":"b","queueId":3,"topic":"T"}:7}"#).unwrap();
        assert_eq!(bare.get(&expected), Some(&7));
        let quoted: IndexMap<MessageQueue, i64> =
            fastjson::from_str(r#"{"{\"brokerName\":\"b\",\"queueId\":3,\"topic\":\"T\"}":7}"#).unwrap();
        assert_eq!(quoted, bare);
        assert!(fastjson::from_str::<IndexMap<MessageQueue, i64>>(r#"{"nope":1}"#).is_err());
    }

    #[test]
    fn writes_like_java() {
        let mq = MessageQueue::new("T", "broker-a", 0);
        assert_eq!(
            fastjson::to_string(&mq, JsonStyle::Fastjson).unwrap(),
            r#"{"brokerName":"broker-a","queueId":0,"topic":"T"}"#
        );
    }

    #[test]
    fn orders_like_java_compare_to() {
        let mut queues = vec![
            MessageQueue::new("B", "a", 0),
            MessageQueue::new("A", "b", 2),
            MessageQueue::new("A", "b", 1),
        ];
        queues.sort();
        assert_eq!(
            queues,
            [
                MessageQueue::new("A", "b", 1),
                MessageQueue::new("A", "b", 2),
                MessageQueue::new("B", "a", 0)
            ]
        );
    }
}
