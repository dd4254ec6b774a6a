//! Committed consumer offsets (Java's `ConsumerOffsetManager`), kept in `config/consumerOffset.json` under
//! `topic@group` keys with bare integer queue ids, as fastjson writes them (REMOTING.md §7.5), and the in-memory
//! pull offsets (`pullOffsetTable`: where each group's last pull left off, never written) and the pending resets
//! of INVOKE_BROKER_TO_RESET_OFFSET (`resetOffsetTable`, in memory like Java's).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use fulmen_protocol::body::{DataVersion, JsonBody};
use indexmap::{IndexMap, IndexSet};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::persist::ConfigFile;
use crate::time::now_millis;

/// Separates topic and group in the keys of the offset table.
const TOPIC_GROUP_SEPARATOR: char = '@';

/// The content of consumerOffset.json. `groupTopicMap` is a computed getter in Java: written, ignored on load.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ConsumerOffsetFile {
    data_version: DataVersion,
    #[serde(skip_deserializing)]
    group_topic_map: IndexMap<String, IndexSet<String>>,
    offset_table: IndexMap<String, BTreeMap<i32, i64>>,
}

impl JsonBody for ConsumerOffsetFile {}

/// The committed offsets of every (topic, group, queue).
#[derive(Debug)]
pub(crate) struct ConsumerOffsetManager {
    table: Mutex<ConsumerOffsetFile>,
    file: ConfigFile,
    pulls: Mutex<IndexMap<String, BTreeMap<i32, i64>>>,
    /// Offsets an admin reset, until the group's next pull of the queue answers them.
    resets: Mutex<IndexMap<String, BTreeMap<i32, i64>>>,
}

fn key(topic: &str, group: &str) -> String {
    format!("{topic}{TOPIC_GROUP_SEPARATOR}{group}")
}

impl ConsumerOffsetManager {
    /// Loads `config/consumerOffset.json` if it exists. Blocking.
    pub(crate) fn load(config_dir: &Path) -> Result<Self> {
        let file = ConfigFile::new(config_dir.join("consumerOffset.json"));
        let table = match file.read(|bytes| ConsumerOffsetFile::decode(bytes).is_ok())? {
            Some(content) => ConsumerOffsetFile::decode(&content)?,
            None => ConsumerOffsetFile::default(),
        };
        Ok(ConsumerOffsetManager {
            table: Mutex::new(table),
            file,
            pulls: Mutex::new(IndexMap::new()),
            resets: Mutex::new(IndexMap::new()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, ConsumerOffsetFile> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_resets(&self) -> MutexGuard<'_, IndexMap<String, BTreeMap<i32, i64>>> {
        self.resets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The group's offset in the queue: a pending reset, else the committed offset, if any.
    pub(crate) fn query(&self, group: &str, topic: &str, queue_id: i32) -> Option<i64> {
        if let Some(reset) = self.pending_reset(group, topic, queue_id) {
            return Some(reset);
        }
        self.lock()
            .offset_table
            .get(&key(topic, group))
            .and_then(|queues| queues.get(&queue_id).copied())
    }

    /// Stores the group's offset in the queue.
    pub(crate) fn commit(&self, group: &str, topic: &str, queue_id: i32, offset: i64) {
        let mut table = self.lock();
        table
            .offset_table
            .entry(key(topic, group))
            .or_default()
            .insert(queue_id, offset);
    }

    /// Records where the group's pull of the queue left off (Java's `commitPullOffset`).
    pub(crate) fn commit_pull(&self, group: &str, topic: &str, queue_id: i32, next_offset: i64) {
        self.pulls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key(topic, group))
            .or_default()
            .insert(queue_id, next_offset);
    }

    /// Where the group's last pull of the queue left off, if it pulled it (Java's `queryPullOffset`).
    pub(crate) fn pull_offset(&self, group: &str, topic: &str, queue_id: i32) -> Option<i64> {
        self.pulls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key(topic, group))
            .and_then(|queues| queues.get(&queue_id).copied())
    }

    /// The topics the group has committed offsets for (Java's `whichTopicByConsumer`).
    pub(crate) fn topics_of(&self, group: &str) -> Vec<String> {
        self.lock()
            .offset_table
            .keys()
            .filter_map(|name| name.split_once(TOPIC_GROUP_SEPARATOR))
            .filter(|(_, owner)| *owner == group)
            .map(|(topic, _)| topic.to_owned())
            .collect()
    }

    /// Resets the group's offset in the queue (Java's `assignResetOffset`): committed now, and kept as pending
    /// until the group's next pull of the queue, which is answered with it ([`take_reset`](Self::take_reset));
    /// until then the group's own commits for the queue are ignored.
    pub(crate) fn assign_reset(&self, group: &str, topic: &str, queue_id: i32, offset: i64) {
        if group.is_empty() || topic.is_empty() || queue_id < 0 || offset < 0 {
            return;
        }
        self.lock_resets()
            .entry(key(topic, group))
            .or_default()
            .insert(queue_id, offset);
        self.commit(group, topic, queue_id, offset);
    }

    /// The reset waiting for the group's next pull of the queue, if any (Java's `hasOffsetReset`).
    pub(crate) fn pending_reset(&self, group: &str, topic: &str, queue_id: i32) -> Option<i64> {
        self.lock_resets()
            .get(&key(topic, group))
            .and_then(|queues| queues.get(&queue_id).copied())
    }

    /// Removes and returns the pending reset of the queue (Java's `queryThenEraseResetOffset`).
    pub(crate) fn take_reset(&self, group: &str, topic: &str, queue_id: i32) -> Option<i64> {
        self.lock_resets()
            .get_mut(&key(topic, group))
            .and_then(|queues| queues.remove(&queue_id))
    }

    /// Copies the offsets of `source` in `topic` to `destination`, replacing its own (Java's `cloneOffset`).
    pub(crate) fn clone_offsets(&self, source: &str, destination: &str, topic: &str) {
        let mut table = self.lock();
        if let Some(offsets) = table.offset_table.get(&key(topic, source)).cloned() {
            table.offset_table.insert(key(topic, destination), offsets);
        }
    }

    /// Forgets every offset of `group` (a group deleted with `cleanOffset`).
    pub(crate) fn remove_group(&self, group: &str) {
        let owned_by_group = |name: &String| {
            name.split_once(TOPIC_GROUP_SEPARATOR)
                .is_some_and(|(_, owner)| owner == group)
        };
        self.lock().offset_table.retain(|name, _| !owned_by_group(name));
        self.pulls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|name, _| !owned_by_group(name));
        self.lock_resets().retain(|name, _| !owned_by_group(name));
    }

    /// Forgets every offset of `topic` (its deletion).
    pub(crate) fn remove_topic(&self, topic: &str) {
        let prefix = format!("{topic}{TOPIC_GROUP_SEPARATOR}");
        self.lock()
            .offset_table
            .retain(|name, _| !name.starts_with(&prefix));
        self.pulls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|name, _| !name.starts_with(&prefix));
    }

    /// The groups with an offset in `topic` (Java's `whichGroupByTopic`).
    pub(crate) fn groups_of(&self, topic: &str) -> Vec<String> {
        self.lock()
            .offset_table
            .keys()
            .filter_map(|name| name.split_once(TOPIC_GROUP_SEPARATOR))
            .filter(|(owner, _)| *owner == topic)
            .map(|(_, group)| group.to_owned())
            .collect()
    }

    /// The table as consumerOffset.json holds it (GET_ALL_CONSUMER_OFFSET answers with it too).
    pub(crate) fn encode(&self) -> Result<Vec<u8>> {
        let mut table = self.lock();
        let mut group_topic_map: IndexMap<String, IndexSet<String>> = IndexMap::new();
        for name in table.offset_table.keys() {
            if let Some((topic, group)) = name.split_once(TOPIC_GROUP_SEPARATOR) {
                group_topic_map
                    .entry(group.to_owned())
                    .or_default()
                    .insert(topic.to_owned());
            }
        }
        table.group_topic_map = group_topic_map;
        Ok(table.encode()?)
    }

    /// Writes `config/consumerOffset.json`.
    pub(crate) async fn persist(&self) -> Result<()> {
        self.file
            .write_with(|| {
                {
                    let mut table = self.lock();
                    table.data_version.counter += 1;
                    table.data_version.timestamp = now_millis();
                }
                self.encode()
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn offsets_are_written_in_javas_form_and_load_again() {
        let dir = tempfile::tempdir().unwrap();
        let offsets = ConsumerOffsetManager::load(dir.path()).unwrap();
        offsets.commit("G1", "T1", 0, 120);
        offsets.commit("G1", "T1", 1, 118);
        offsets.persist().await.unwrap();
        let text = std::fs::read_to_string(dir.path().join("consumerOffset.json")).unwrap();
        assert!(
            text.contains(r#""offsetTable":{"T1@G1":{0:120,1:118}}"#),
            "{text}"
        );
        assert!(text.contains(r#""groupTopicMap":{"G1":["T1"]}"#), "{text}");
        let again = ConsumerOffsetManager::load(dir.path()).unwrap();
        assert_eq!(again.query("G1", "T1", 1), Some(118));
        assert_eq!(again.query("G1", "T1", 2), None);
    }
}
