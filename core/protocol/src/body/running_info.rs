//! What a consumer reports about itself when a broker forwards an admin request to it: `ConsumerRunningInfo`
//! (GET_CONSUMER_RUNNING_INFO, with `ProcessQueueInfo` per queue and `ConsumeStatus` per topic) and
//! `ConsumeMessageDirectlyResult` (CONSUME_MESSAGE_DIRECTLY, with the `CMResult` enum).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::java_enum::java_enum;
use super::{JsonBody, MessageQueue, SubscriptionData};

/// `ConsumerRunningInfo.PROP_NAMESERVER_ADDR`.
pub const PROP_NAMESERVER_ADDR: &str = "PROP_NAMESERVER_ADDR";
/// `ConsumerRunningInfo.PROP_THREADPOOL_CORE_SIZE`.
pub const PROP_THREADPOOL_CORE_SIZE: &str = "PROP_THREADPOOL_CORE_SIZE";
/// `ConsumerRunningInfo.PROP_CONSUME_ORDERLY` (the key is spelled `PROP_CONSUMEORDERLY`).
pub const PROP_CONSUME_ORDERLY: &str = "PROP_CONSUMEORDERLY";
/// `ConsumerRunningInfo.PROP_CONSUME_TYPE`.
pub const PROP_CONSUME_TYPE: &str = "PROP_CONSUME_TYPE";
/// `ConsumerRunningInfo.PROP_CLIENT_VERSION`.
pub const PROP_CLIENT_VERSION: &str = "PROP_CLIENT_VERSION";
/// `ConsumerRunningInfo.PROP_CONSUMER_START_TIMESTAMP`.
pub const PROP_CONSUMER_START_TIMESTAMP: &str = "PROP_CONSUMER_START_TIMESTAMP";

/// A consumer's state: its settings, subscriptions, queues and consume rates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumerRunningInfo {
    /// Settings as strings (Java `Properties`), including the `PROP_*` keys.
    pub properties: IndexMap<String, String>,
    /// The subscriptions, sorted.
    pub subscription_set: Vec<SubscriptionData>,
    /// Each owned queue's process-queue state, sorted by queue.
    pub mq_table: IndexMap<MessageQueue, ProcessQueueInfo>,
    /// POP queues (always empty for push and lite pull consumers).
    pub mq_pop_table: IndexMap<MessageQueue, serde_json::Value>,
    /// Rates by topic.
    pub status_table: IndexMap<String, ConsumeStatus>,
    /// Free-form user information.
    pub user_consumer_info: IndexMap<String, String>,
    /// A thread dump, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jstack: Option<String>,
}

impl JsonBody for ConsumerRunningInfo {}

/// One owned queue as `ProcessQueue#fillProcessQueueInfo` describes it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProcessQueueInfo {
    /// The offset in the consumer's offset store.
    pub commit_offset: i64,
    /// The smallest cached offset.
    pub cached_msg_min_offset: i64,
    /// The largest cached offset.
    pub cached_msg_max_offset: i64,
    /// Cached messages.
    pub cached_msg_count: i32,
    /// Cached body MiB.
    #[serde(rename = "cachedMsgSizeInMiB")]
    pub cached_msg_size_in_mib: i32,
    /// Orderly: smallest offset being consumed.
    pub transaction_msg_min_offset: i64,
    /// Orderly: largest offset being consumed.
    pub transaction_msg_max_offset: i64,
    /// Orderly: messages being consumed.
    pub transaction_msg_count: i32,
    /// Whether the broker lock is held.
    pub locked: bool,
    /// Failed unlock attempts.
    pub try_unlock_times: i64,
    /// Last lock renewal, ms since the epoch.
    pub last_lock_timestamp: i64,
    /// Whether the queue was given up (Java's spelling).
    pub droped: bool,
    /// Last pull, ms since the epoch.
    pub last_pull_timestamp: i64,
    /// Last consumption, ms since the epoch.
    pub last_consume_timestamp: i64,
}

/// Rates of one topic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsumeStatus {
    /// Average pull round trip, ms.
    #[serde(rename = "pullRT")]
    pub pull_rt: f64,
    /// Pulls per second.
    #[serde(rename = "pullTPS")]
    pub pull_tps: f64,
    /// Average listener time, ms.
    #[serde(rename = "consumeRT")]
    pub consume_rt: f64,
    /// Messages consumed per second.
    #[serde(rename = "consumeOKTPS")]
    pub consume_ok_tps: f64,
    /// Messages failed per second.
    #[serde(rename = "consumeFailedTPS")]
    pub consume_failed_tps: f64,
    /// Messages failed in the last hour.
    #[serde(rename = "consumeFailedMsgs")]
    pub consume_failed_msgs: i64,
}

java_enum! {
    /// The outcome of a directly consumed message (Java `CMResult`).
    pub enum CmResult {
        /// Consumed.
        Success = "CR_SUCCESS",
        /// Asked to be delivered again.
        Later = "CR_LATER",
        /// Orderly rollback.
        Rollback = "CR_ROLLBACK",
        /// Orderly commit.
        Commit = "CR_COMMIT",
        /// The listener threw.
        ThrowException = "CR_THROW_EXCEPTION",
        /// The listener returned nothing.
        ReturnNull = "CR_RETURN_NULL",
    }
    default = Success;
}

/// The CONSUME_MESSAGE_DIRECTLY answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConsumeMessageDirectlyResult {
    /// Whether the consumer is orderly.
    pub order: bool,
    /// Orderly auto-commit (true by default).
    pub auto_commit: bool,
    /// The outcome.
    pub consume_result: CmResult,
    /// A note, e.g. the listener's failure.
    pub remark: String,
    /// How long the listener took, ms.
    pub spent_time_mills: i64,
}

impl JsonBody for ConsumeMessageDirectlyResult {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_info_has_javas_keys_and_round_trips() {
        let mut info = ConsumerRunningInfo::default();
        info.properties
            .insert(PROP_CONSUME_TYPE.into(), "CONSUME_PASSIVELY".into());
        info.mq_table.insert(
            MessageQueue::new("T", "b", 0),
            ProcessQueueInfo {
                commit_offset: 5,
                cached_msg_size_in_mib: 1,
                ..ProcessQueueInfo::default()
            },
        );
        info.status_table.insert("T".into(), ConsumeStatus::default());
        let text = String::from_utf8(info.encode().unwrap()).unwrap();
        assert!(
            text.contains(r#""mqTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"#),
            "{text}"
        );
        assert!(text.contains(r#""cachedMsgSizeInMiB":1"#), "{text}");
        assert!(text.contains(r#""droped":false"#), "{text}");
        assert!(text.contains(r#""consumeOKTPS":0.0"#), "{text}");
        assert!(
            text.contains(r#""properties":{"PROP_CONSUME_TYPE":"CONSUME_PASSIVELY"}"#),
            "{text}"
        );
        assert_eq!(ConsumerRunningInfo::decode(text.as_bytes()).unwrap(), info);
    }

    #[test]
    fn directly_result_uses_cm_result_names() {
        let result = ConsumeMessageDirectlyResult {
            order: false,
            auto_commit: true,
            consume_result: CmResult::Later,
            remark: String::new(),
            spent_time_mills: 3,
        };
        let text = String::from_utf8(result.encode().unwrap()).unwrap();
        assert_eq!(
            text,
            r#"{"autoCommit":true,"consumeResult":"CR_LATER","order":false,"remark":"","spentTimeMills":3}"#
        );
        assert_eq!(
            ConsumeMessageDirectlyResult::decode(text.as_bytes()).unwrap(),
            result
        );
    }
}
