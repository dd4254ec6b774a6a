//! Client heartbeats (REMOTING.md §4.4): `HeartbeatData` (HEART_BEAT body) with its producer and consumer
//! groups and their subscriptions, and the consumer enums carried by Java name.

use indexmap::IndexSet;
use serde::{Deserialize, Serialize};

use super::JsonBody;
use super::java_enum::java_enum;

java_enum! {
    /// How a consumer group consumes (Java `ConsumeType`).
    pub enum ConsumeType {
        /// Pull and lite-pull consumers.
        ConsumeActively = "CONSUME_ACTIVELY",
        /// Push consumers (the default here).
        ConsumePassively = "CONSUME_PASSIVELY",
        /// 5.x POP consumers.
        ConsumePop = "CONSUME_POP",
    }
    default = ConsumePassively;
}

java_enum! {
    /// Whether a group shares or broadcasts messages (Java `MessageModel`).
    pub enum MessageModel {
        /// Every member gets every message.
        Broadcasting = "BROADCASTING",
        /// Members share the queues (the default).
        Clustering = "CLUSTERING",
    }
    default = Clustering;
}

java_enum! {
    /// Where a group without a committed offset starts (Java `ConsumeFromWhere`).
    pub enum ConsumeFromWhere {
        /// The queue's max offset (the default).
        ConsumeFromLastOffset = "CONSUME_FROM_LAST_OFFSET",
        /// Deprecated.
        ConsumeFromLastOffsetAndFromMinWhenBootFirst = "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST",
        /// Deprecated.
        ConsumeFromMinOffset = "CONSUME_FROM_MIN_OFFSET",
        /// Deprecated.
        ConsumeFromMaxOffset = "CONSUME_FROM_MAX_OFFSET",
        /// The queue's min offset.
        ConsumeFromFirstOffset = "CONSUME_FROM_FIRST_OFFSET",
        /// The first message stored at or after the consumer's timestamp.
        ConsumeFromTimestamp = "CONSUME_FROM_TIMESTAMP",
    }
    default = ConsumeFromLastOffset;
}

java_enum! {
    /// The language of a subscription expression (Java `ExpressionType` constants).
    pub enum ExpressionType {
        /// SQL92 over message properties.
        Sql92 = "SQL92",
        /// Tags: `*` or `TagA || TagB` (the default).
        Tag = "TAG",
    }
    default = Tag;
}

/// The HEART_BEAT body: a client's producer and consumer groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HeartbeatData {
    /// The client id (`ip@instanceName[@unitName]`).
    #[serde(rename = "clientID")]
    pub client_id: String,
    /// The producer groups.
    pub producer_data_set: Vec<ProducerData>,
    /// The consumer groups.
    pub consumer_data_set: Vec<ConsumerData>,
    /// Heartbeat v2 fingerprint of the subscriptions; 0 for v1.
    pub heartbeat_fingerprint: i32,
    /// Heartbeat v2: subscriptions left out because they did not change.
    pub without_sub: bool,
}

impl JsonBody for HeartbeatData {}

/// A producer group in a heartbeat.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProducerData {
    /// The producer group.
    pub group_name: String,
}

/// A consumer group in a heartbeat.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumerData {
    /// The consumer group.
    pub group_name: String,
    /// Pull, push or pop.
    pub consume_type: ConsumeType,
    /// Clustering or broadcasting.
    pub message_model: MessageModel,
    /// Where to start without a committed offset.
    pub consume_from_where: ConsumeFromWhere,
    /// The group's subscriptions.
    pub subscription_data_set: Vec<SubscriptionData>,
    /// Unit mode (unused by open-source brokers).
    pub unit_mode: bool,
}

/// One topic subscription of a consumer group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionData {
    /// Class filter mode (removed feature; always false).
    pub class_filter_mode: bool,
    /// The topic.
    pub topic: String,
    /// The expression: `*`, `TagA || TagB`, or SQL92.
    pub sub_string: String,
    /// The tags of a tag expression.
    pub tags_set: IndexSet<String>,
    /// Java `String#hashCode` of each tag.
    pub code_set: IndexSet<i32>,
    /// When the subscription was built (ms); Java stamps the current time, this type defaults to 0.
    #[serde(deserialize_with = "super::java_long::deserialize")]
    pub sub_version: i64,
    /// The expression language.
    pub expression_type: ExpressionType,
}

/// The body of QUERY_SUBSCRIPTION_BY_CONSUMER: the group's subscription to the topic, if a member registered one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QuerySubscriptionResponseBody {
    /// The subscription, absent when no online member subscribes to the topic.
    pub subscription_data: Option<SubscriptionData>,
    /// The group asked about.
    pub group: String,
    /// The topic asked about.
    pub topic: String,
}

impl JsonBody for QuerySubscriptionResponseBody {}

#[cfg(test)]
mod tests {
    use super::*;

    const HEARTBEAT: &str = concat!(
        r#"{"clientID":"192.168.1.10@31337#1736000000000","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","#,
        r#""consumeType":"CONSUME_PASSIVELY","groupName":"G1","messageModel":"CLUSTERING","subscriptionDataSet":["#,
        r#"{"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG","subString":"TagA || TagB","#,
        r#""subVersion":1736000000123,"tagsSet":["TagA","TagB"],"topic":"T1"},{"classFilterMode":false,"codeSet":[],"#,
        r#""expressionType":"TAG","subString":"*","subVersion":1736000000124,"tagsSet":[],"topic":"%RETRY%G1"}],"#,
        r#""unitMode":false}],"heartbeatFingerprint":0,"producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"}],"withoutSub":false}"#
    );

    fn sample() -> HeartbeatData {
        HeartbeatData {
            client_id: "192.168.1.10@31337#1736000000000".into(),
            producer_data_set: vec![ProducerData {
                group_name: "CLIENT_INNER_PRODUCER".into(),
            }],
            consumer_data_set: vec![ConsumerData {
                group_name: "G1".into(),
                consume_type: ConsumeType::ConsumePassively,
                message_model: MessageModel::Clustering,
                consume_from_where: ConsumeFromWhere::ConsumeFromLastOffset,
                subscription_data_set: vec![
                    SubscriptionData {
                        topic: "T1".into(),
                        sub_string: "TagA || TagB".into(),
                        tags_set: ["TagA".to_owned(), "TagB".to_owned()].into_iter().collect(),
                        code_set: [2_598_919, 2_598_920].into_iter().collect(),
                        sub_version: 1_736_000_000_123,
                        ..SubscriptionData::default()
                    },
                    SubscriptionData {
                        topic: "%RETRY%G1".into(),
                        sub_string: "*".into(),
                        sub_version: 1_736_000_000_124,
                        ..SubscriptionData::default()
                    },
                ],
                unit_mode: false,
            }],
            heartbeat_fingerprint: 0,
            without_sub: false,
        }
    }

    #[test]
    fn heartbeat_matches_the_documented_form() {
        assert_eq!(String::from_utf8(sample().encode().unwrap()).unwrap(), HEARTBEAT);
        assert_eq!(HeartbeatData::decode(HEARTBEAT.as_bytes()).unwrap(), sample());
    }

    #[test]
    fn unknown_enum_names_are_kept() {
        let text =
            r#"{"consumerDataSet":[{"consumeType":"CONSUME_TELEPATHICALLY","messageModel":"CLUSTERING"}]}"#;
        let heartbeat = HeartbeatData::decode(text.as_bytes()).unwrap();
        let consumer = &heartbeat.consumer_data_set[0];
        assert_eq!(
            consumer.consume_type,
            ConsumeType::Other("CONSUME_TELEPATHICALLY".into())
        );
        assert_eq!(
            consumer.consume_from_where,
            ConsumeFromWhere::ConsumeFromLastOffset
        );
        let written = String::from_utf8(heartbeat.encode().unwrap()).unwrap();
        assert!(
            written.contains(r#""consumeType":"CONSUME_TELEPATHICALLY""#),
            "{written}"
        );
    }

    #[test]
    fn empty_heartbeat_matches_java_defaults() {
        // fastjson 1.2.83: JSON.toJSONString(new HeartbeatData()) (Java omits the null clientID).
        let text =
            r#"{"consumerDataSet":[],"heartbeatFingerprint":0,"producerDataSet":[],"withoutSub":false}"#;
        assert_eq!(
            HeartbeatData::decode(text.as_bytes()).unwrap(),
            HeartbeatData::default()
        );
    }
}
