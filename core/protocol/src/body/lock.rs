//! Orderly-consumption queue locks (REMOTING.md §3.10, §4.6): LOCK_BATCH_MQ / UNLOCK_BATCH_MQ request bodies and
//! the LOCK_BATCH_MQ response body.

use serde::{Deserialize, Serialize};

use super::{JsonBody, MessageQueue};

/// The LOCK_BATCH_MQ request body: the queues a client wants to lock for a group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LockBatchRequestBody {
    /// The consumer group.
    pub consumer_group: String,
    /// The client asking.
    pub client_id: String,
    /// Lock only on this broker (5.x; no forwarding to other replicas).
    pub only_this_broker: bool,
    /// The queues to lock.
    pub mq_set: Vec<MessageQueue>,
}

impl JsonBody for LockBatchRequestBody {}

/// The UNLOCK_BATCH_MQ request body: the queues a client releases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UnlockBatchRequestBody {
    /// The consumer group.
    pub consumer_group: String,
    /// The client asking.
    pub client_id: String,
    /// Unlock only on this broker.
    pub only_this_broker: bool,
    /// The queues to unlock.
    pub mq_set: Vec<MessageQueue>,
}

impl JsonBody for UnlockBatchRequestBody {}

/// The LOCK_BATCH_MQ response body: the queues now locked by the client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LockBatchResponseBody {
    /// The queues locked.
    #[serde(rename = "lockOKMQSet")]
    pub lock_ok_mq_set: Vec<MessageQueue>,
}

impl JsonBody for LockBatchResponseBody {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_bodies_match_java_layout() {
        let request = LockBatchRequestBody {
            consumer_group: "G".into(),
            client_id: "c1".into(),
            only_this_broker: false,
            mq_set: vec![MessageQueue::new("T", "broker-a", 0)],
        };
        let text = concat!(
            r#"{"clientId":"c1","consumerGroup":"G","mqSet":[{"brokerName":"broker-a","queueId":0,"topic":"T"}],"#,
            r#""onlyThisBroker":false}"#
        );
        assert_eq!(String::from_utf8(request.encode().unwrap()).unwrap(), text);
        let unlock = UnlockBatchRequestBody::decode(text.as_bytes()).unwrap();
        assert_eq!(unlock.mq_set, request.mq_set);
        let response = LockBatchResponseBody {
            lock_ok_mq_set: request.mq_set.clone(),
        };
        let encoded = response.encode().unwrap();
        assert_eq!(
            encoded,
            br#"{"lockOKMQSet":[{"brokerName":"broker-a","queueId":0,"topic":"T"}]}"#
        );
        assert_eq!(LockBatchResponseBody::decode(&encoded).unwrap(), response);
    }
}
