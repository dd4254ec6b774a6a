//! 5.x server-side rebalance (REMOTING.md §3.12): QUERY_ASSIGNMENT request and response bodies.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::java_enum::java_enum;
use super::{JsonBody, MessageModel, MessageQueue};

java_enum! {
    /// How a client consumes an assigned queue (Java `MessageRequestMode`).
    pub enum MessageRequestMode {
        /// Pull (the default).
        Pull = "PULL",
        /// Pop.
        Pop = "POP",
    }
    default = Pull;
}

/// The QUERY_ASSIGNMENT request body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QueryAssignmentRequestBody {
    /// The topic.
    pub topic: String,
    /// The consumer group.
    pub consumer_group: String,
    /// The client asking.
    pub client_id: String,
    /// The allocation strategy name.
    pub strategy_name: String,
    /// Clustering or broadcasting.
    pub message_model: MessageModel,
}

impl JsonBody for QueryAssignmentRequestBody {}

/// The QUERY_ASSIGNMENT response body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QueryAssignmentResponseBody {
    /// The queues assigned to the client.
    pub message_queue_assignments: Vec<MessageQueueAssignment>,
}

impl JsonBody for QueryAssignmentResponseBody {}

/// One assigned queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MessageQueueAssignment {
    /// The queue.
    pub message_queue: MessageQueue,
    /// Pull or pop.
    pub mode: MessageRequestMode,
    /// Extra attributes, if any.
    pub attachments: Option<IndexMap<String, String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignment_bodies_round_trip() {
        let request = QueryAssignmentRequestBody {
            topic: "T".into(),
            consumer_group: "G".into(),
            client_id: "c1".into(),
            strategy_name: "AVG".into(),
            message_model: MessageModel::Clustering,
        };
        let text = r#"{"clientId":"c1","consumerGroup":"G","messageModel":"CLUSTERING","strategyName":"AVG","topic":"T"}"#;
        assert_eq!(String::from_utf8(request.encode().unwrap()).unwrap(), text);
        let response_text = concat!(
            r#"{"messageQueueAssignments":[{"messageQueue":{"brokerName":"b","queueId":1,"topic":"T"},"mode":"POP"},"#,
            r#"{"attachments":{"k":"v"},"messageQueue":{"brokerName":"b","queueId":2,"topic":"T"},"mode":"PULL"}]}"#
        );
        let response = QueryAssignmentResponseBody::decode(response_text.as_bytes()).unwrap();
        assert_eq!(
            response.message_queue_assignments[0].mode,
            MessageRequestMode::Pop
        );
        assert_eq!(
            String::from_utf8(response.encode().unwrap()).unwrap(),
            response_text
        );
    }
}
