//! [`SubscriptionGroupConfig`]: a consumer group's settings on a broker (Java's `SubscriptionGroupConfig`), the
//! body of UPDATE_AND_CREATE_SUBSCRIPTIONGROUP and an entry of the broker's `subscriptionGroup.json`.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::JsonBody;

/// A consumer group's settings, with Java's field names and defaults (`SubscriptionGroupConfig`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionGroupConfig {
    /// The group name.
    pub group_name: String,
    /// Whether the group may consume.
    pub consume_enable: bool,
    /// Whether the group may start from the min offset.
    pub consume_from_min_enable: bool,
    /// Whether the group may consume in broadcasting mode.
    pub consume_broadcast_enable: bool,
    /// Whether the group consumes orderly.
    pub consume_message_orderly: bool,
    /// The queue count of the group's retry topic.
    pub retry_queue_nums: i32,
    /// How many times a message is retried before it goes to the DLQ.
    pub retry_max_times: i32,
    /// The retry policy (kept as opaque JSON).
    pub group_retry_policy: serde_json::Value,
    /// Which broker to pull from; 0 = the master.
    pub broker_id: i64,
    /// Which broker to pull from when consumption is slow.
    pub which_broker_when_consume_slowly: i64,
    /// Whether members are told when the group's membership changes.
    pub notify_consumer_ids_changed_enable: bool,
    /// Group sys-flag bits.
    pub group_sys_flag: i32,
    /// The consume timeout in minutes.
    pub consume_timeout_minute: i32,
    /// 5.x attributes.
    pub attributes: IndexMap<String, String>,
}

impl Default for SubscriptionGroupConfig {
    fn default() -> Self {
        SubscriptionGroupConfig {
            group_name: String::new(),
            consume_enable: true,
            consume_from_min_enable: true,
            consume_broadcast_enable: true,
            consume_message_orderly: false,
            retry_queue_nums: 1,
            retry_max_times: 16,
            group_retry_policy: serde_json::json!({"type": "CUSTOMIZED"}),
            broker_id: 0,
            which_broker_when_consume_slowly: 1,
            notify_consumer_ids_changed_enable: true,
            group_sys_flag: 0,
            consume_timeout_minute: 15,
            attributes: IndexMap::new(),
        }
    }
}

impl SubscriptionGroupConfig {
    /// Java's defaults for `group_name`.
    pub fn new(group_name: impl Into<String>) -> Self {
        SubscriptionGroupConfig {
            group_name: group_name.into(),
            ..Self::default()
        }
    }
}

impl JsonBody for SubscriptionGroupConfig {}
