//! Consumer group configs (Java's `SubscriptionGroupManager`): auto-created on first use and kept in
//! `config/subscriptionGroup.json` (REMOTING.md §7.5).
//!
//! Java writes the file each time it auto-creates a group; here a creation only marks the table dirty, and the
//! broker writes it on its periodic persist tick and at shutdown ([`SubscriptionGroupManager::persist_if_dirty`]),
//! so a burst of new groups costs one write.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

pub use fulmen_protocol::body::SubscriptionGroupConfig;
use fulmen_protocol::body::{DataVersion, JsonBody};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use tracing::info;

use crate::error::Result;
use crate::persist::ConfigFile;
use crate::time::now_millis;
use crate::topic_validator::{is_blank, is_creatable_group, is_system_group};

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
    /// Set when the table changed since the last write.
    dirty: AtomicBool,
}

impl SubscriptionGroupManager {
    /// The system groups, overlaid by `config/subscriptionGroup.json` when it exists. Blocking.
    pub(crate) fn load(config_dir: &Path) -> Result<Self> {
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
            dirty: AtomicBool::new(false),
        })
    }

    fn lock(&self) -> MutexGuard<'_, SubscriptionGroupFile> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the group is known, without creating it (Java's `containsSubscriptionGroup`: a blank name never
    /// is).
    pub(crate) fn contains(&self, group: &str) -> bool {
        !is_blank(group) && self.lock().subscription_group_table.contains_key(group)
    }

    /// The group's config, created with defaults when unknown (Java's `findSubscriptionGroupConfig`): when
    /// `auto_create` (`autoCreateSubscriptionGroup`) is on or the group is a `CID_RMQ_SYS_` group, and its name
    /// is at most 255 characters of `[%|a-zA-Z0-9_-]`. A creation marks the table dirty.
    pub(crate) fn find_or_create(&self, group: &str, auto_create: bool) -> Option<SubscriptionGroupConfig> {
        let mut table = self.lock();
        if let Some(existing) = table.subscription_group_table.get(group) {
            return Some(existing.clone());
        }
        if !(auto_create || is_system_group(group)) || !is_creatable_group(group) {
            return None;
        }
        let created = SubscriptionGroupConfig::new(group);
        table
            .subscription_group_table
            .insert(group.to_owned(), created.clone());
        table.data_version.counter += 1;
        table.data_version.timestamp = now_millis();
        self.dirty.store(true, Ordering::Release);
        info!(%group, "subscription group created");
        Some(created)
    }

    /// Whether the group may not read `topic` (the READ bit of the group's forbidden table, which only
    /// subscriptionGroup.json can set here).
    pub(crate) fn is_read_forbidden(&self, group: &str, topic: &str) -> bool {
        const READ_BIT: i32 = 1 << 2;
        self.lock()
            .forbidden_table
            .get(group)
            .and_then(|topics| topics.get(topic))
            .is_some_and(|forbidden| *forbidden > 0 && forbidden & READ_BIT != 0)
    }

    /// Writes `config/subscriptionGroup.json` if a group was created since the last write; a failed write
    /// leaves the table dirty for the next try.
    pub(crate) async fn persist_if_dirty(&self) -> Result<()> {
        if !self.dirty.swap(false, Ordering::AcqRel) {
            return Ok(());
        }
        let written = self.persist().await;
        if written.is_err() {
            self.dirty.store(true, Ordering::Release);
        }
        written
    }

    /// Creates or replaces a group's config (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP); the caller persists.
    pub(crate) fn upsert(&self, config: SubscriptionGroupConfig) {
        let mut table = self.lock();
        let group = config.group_name.clone();
        match table.subscription_group_table.insert(group.clone(), config) {
            Some(_) => info!(%group, "subscription group updated"),
            None => info!(%group, "subscription group created by an admin"),
        }
        table.data_version.counter += 1;
        table.data_version.timestamp = now_millis();
    }

    /// Removes a group's config and its forbidden topics (DELETE_SUBSCRIPTIONGROUP); whether it existed. The
    /// caller persists.
    pub(crate) fn delete(&self, group: &str) -> bool {
        let mut table = self.lock();
        table.forbidden_table.shift_remove(group);
        let existed = table.subscription_group_table.shift_remove(group).is_some();
        if existed {
            table.data_version.counter += 1;
            table.data_version.timestamp = now_millis();
            info!(%group, "subscription group deleted");
        }
        existed
    }

    /// The whole table as Java's `SubscriptionGroupManager#encode` writes it (GET_ALL_SUBSCRIPTIONGROUP_CONFIG).
    pub(crate) fn encode(&self) -> Result<Vec<u8>> {
        Ok(self.lock().encode()?)
    }

    /// Writes `config/subscriptionGroup.json`.
    pub(crate) async fn persist(&self) -> Result<()> {
        self.file.write_with(|| Ok(self.lock().encode()?)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn creation_follows_java_and_is_written_once_when_dirty() {
        let dir = tempfile::tempdir().unwrap();
        let groups = SubscriptionGroupManager::load(dir.path()).unwrap();
        let file = dir.path().join("subscriptionGroup.json");
        assert!(groups.contains("TOOLS_CONSUMER"));
        assert!(!groups.contains(" "));
        assert!(groups.find_or_create("G1", false).is_none());
        assert!(groups.find_or_create("CID_RMQ_SYS_X", false).is_some());
        assert!(groups.find_or_create("bad group", true).is_none());
        assert!(groups.find_or_create(&"g".repeat(256), true).is_none());
        assert!(groups.find_or_create("G1", true).is_some());
        assert!(groups.contains("G1"));
        assert!(!file.exists(), "creating a group does not write the file");
        groups.persist_if_dirty().await.unwrap();
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(written.contains("\"G1\""), "{written}");
        std::fs::remove_file(&file).unwrap();
        groups.persist_if_dirty().await.unwrap();
        assert!(!file.exists(), "nothing changed: no second write");
    }
}
