//! Who is connected (REMOTING.md §4.5, §3.7): `ConsumerConnection` (GET_CONSUMER_CONNECTION_LIST),
//! `ProducerConnection` (GET_PRODUCER_CONNECTION_LIST), their `Connection`s, and
//! `GetConsumerListByGroupResponseBody` (GET_CONSUMER_LIST_BY_GROUP).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{ConsumeFromWhere, ConsumeType, JsonBody, MessageModel, SubscriptionData};
use crate::language::LanguageCode;

/// One client channel as the broker sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Connection {
    /// The client id.
    pub client_id: String,
    /// `ip:port` of the TCP peer.
    pub client_addr: String,
    /// The client's language (Java enum name on the wire).
    #[serde(with = "super::language_name")]
    pub language: LanguageCode,
    /// The version the client announces in its commands.
    pub version: i32,
}

impl Default for Connection {
    fn default() -> Self {
        Connection {
            client_id: String::new(),
            client_addr: String::new(),
            language: LanguageCode::OTHER,
            version: 0,
        }
    }
}

/// The members of a consumer group and what the group subscribes to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumerConnection {
    /// The group's client channels.
    pub connection_set: Vec<Connection>,
    /// Subscriptions by topic.
    pub subscription_table: IndexMap<String, SubscriptionData>,
    /// Pull, push or pop.
    pub consume_type: ConsumeType,
    /// Clustering or broadcasting.
    pub message_model: MessageModel,
    /// Where the group starts without a committed offset.
    pub consume_from_where: ConsumeFromWhere,
}

impl JsonBody for ConsumerConnection {}

/// The members of a producer group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProducerConnection {
    /// The group's client channels.
    pub connection_set: Vec<Connection>,
}

impl JsonBody for ProducerConnection {}

/// The client ids of a consumer group's members.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GetConsumerListByGroupResponseBody {
    /// The client ids.
    pub consumer_id_list: Vec<String>,
}

impl JsonBody for GetConsumerListByGroupResponseBody {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumer_connection_round_trips() {
        let text = concat!(
            r#"{"connectionSet":[{"clientAddr":"127.0.0.1:50000","clientId":"c1","language":"JAVA","version":479}],"#,
            r#""consumeFromWhere":"CONSUME_FROM_FIRST_OFFSET","consumeType":"CONSUME_ACTIVELY","#,
            r#""messageModel":"BROADCASTING","subscriptionTable":{"T":{"classFilterMode":false,"codeSet":[],"#,
            r#""expressionType":"TAG","subString":"*","subVersion":5,"tagsSet":[],"topic":"T"}}}"#
        );
        let connection = ConsumerConnection::decode(text.as_bytes()).unwrap();
        assert_eq!(connection.connection_set[0].language, LanguageCode::JAVA);
        assert_eq!(connection.consume_type, ConsumeType::ConsumeActively);
        assert_eq!(connection.subscription_table["T"].sub_version, 5);
        assert_eq!(String::from_utf8(connection.encode().unwrap()).unwrap(), text);
    }

    #[test]
    fn languages_by_name_or_ordinal() {
        let producers = ProducerConnection::decode(
            br#"{"connectionSet":[{"language":"RUST"},{"language":9},{"language":"X"}]}"#,
        )
        .unwrap();
        let languages: Vec<_> = producers.connection_set.iter().map(|c| c.language).collect();
        assert_eq!(
            languages,
            [LanguageCode::RUST, LanguageCode::GO, LanguageCode::OTHER]
        );
    }

    #[test]
    fn consumer_list() {
        let body = GetConsumerListByGroupResponseBody {
            consumer_id_list: vec!["cid1".into(), "cid2".into()],
        };
        assert_eq!(body.encode().unwrap(), br#"{"consumerIdList":["cid1","cid2"]}"#);
        assert_eq!(
            GetConsumerListByGroupResponseBody::decode(br#"{"consumerIdList":["cid1","cid2"]}"#).unwrap(),
            body
        );
    }
}
