//! Consumer group configs (Java's `SubscriptionGroupManager`): auto-created on first use and kept in
//! `config/subscriptionGroup.json` (REMOTING.md §7.5).

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use fulmen_protocol::body::{DataVersion, JsonBody};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use tracing::info;

use crate::error::Result;
use crate::persist::ConfigFile;
use crate::time::now_millis;

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

/// The content of subscriptionGroup.json.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct SubscriptionGroupFile {
    subscription_group_table: IndexMap<String, SubscriptionGroupConfig>,
    forbidden_table: IndexMap<String, IndexMap<String, i32>>,
    data_version: DataVersion,
}

impl JsonBody for SubscriptionGroupFile {}

/// The system groups Java defines at start.
const SYSTEM_GROUPS: &[&str] = &[
    "TOOLS_CONSUMER",
    "FILTERSRV_CONSUMER",
    "SELF_TEST_C_GROUP",
    "CID_ONS-HTTP-PROXY",
    "CID_ONSAPI_PULL",
    "CID_ONSAPI_PERMISSION",
    "CID_ONSAPI_OWNER",
    "CID_RMQ_SYS_TRANS",
];

/// The consumer groups this broker knows.
#[derive(Debug)]
pub(crate) struct SubscriptionGroupManager {
    table: Mutex<SubscriptionGroupFile>,
    file: ConfigFile,
    auto_create: bool,
}

impl SubscriptionGroupManager {
    /// The system groups, overlaid by `config/subscriptionGroup.json` when it exists. Blocking.
    pub(crate) fn load(config_dir: &Path, auto_create: bool) -> Result<Self> {
        let mut table = SubscriptionGroupFile::default();
        for group in SYSTEM_GROUPS {
            table
                .subscription_group_table
                .insert((*group).to_owned(), SubscriptionGroupConfig::new(*group));
        }
        let file = ConfigFile::new(config_dir.join("subscriptionGroup.json"));
        if let Some(content) = file.read(|bytes| SubscriptionGroupFile::decode(bytes).is_ok())? {
            let stored = SubscriptionGroupFile::decode(&content)?;
            table
                .subscription_group_table
                .extend(stored.subscription_group_table);
            table.forbidden_table = stored.forbidden_table;
            table.data_version = stored.data_version;
        }
        Ok(SubscriptionGroupManager {
            table: Mutex::new(table),
            file,
            auto_create,
        })
    }

    fn lock(&self) -> MutexGuard<'_, SubscriptionGroupFile> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The group's config, created with defaults when unknown and auto-creation is on (Java's
    /// `findSubscriptionGroupConfig`). The flag tells whether it was created now (then call [`Self::persist`]).
    pub(crate) fn find_or_create(&self, group: &str) -> Option<(SubscriptionGroupConfig, bool)> {
        let mut table = self.lock();
        if let Some(existing) = table.subscription_group_table.get(group) {
            return Some((existing.clone(), false));
        }
        if !self.auto_create {
            return None;
        }
        let created = SubscriptionGroupConfig::new(group);
        table
            .subscription_group_table
            .insert(group.to_owned(), created.clone());
        table.data_version.counter += 1;
        table.data_version.timestamp = now_millis();
        info!(%group, "subscription group created");
        Some((created, true))
    }

    /// Writes `config/subscriptionGroup.json`.
    pub(crate) async fn persist(&self) -> Result<()> {
        self.file.write_with(|| Ok(self.lock().encode()?)).await
    }
}
