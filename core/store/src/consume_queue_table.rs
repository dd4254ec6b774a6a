//! The consume queues of a store, by topic and queue id, loaded from `consumequeue/<topic>/<queueId>/` and
//! created on first use. Once preallocation is enabled, every queue, including those created later, has its
//! next file created ahead of time by the allocator thread.
//!
//! Creating a queue on the put path costs no fsync: its directories are created and recorded
//! (`dir_sync.rs`), its files are created with `CreateSync::OnFirstFlush`, and [`flush_all`] makes all of it
//! durable (the directories once each, the files with their first flush) before the store writes a checkpoint
//! that counts on the queue's entries.
//!
//! [`flush_all`]: ConsumeQueueTable::flush_all

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::allocate::AllocationRequests;
use crate::consume_queue::ConsumeQueue;
use crate::dir_sync::PendingDirSyncs;
use crate::error::{IoContext, Result};
use crate::fs_util::{create_dir_all_durable, create_dir_all_tracked};

type QueuesByTopic = HashMap<String, HashMap<i32, Arc<ConsumeQueue>>>;

/// Every consume queue of a store.
pub struct ConsumeQueueTable {
    dir: PathBuf,
    entries_per_file: usize,
    queues: RwLock<QueuesByTopic>,
    allocator: OnceLock<Arc<AllocationRequests>>,
    /// Directories created (or loaded after an unclean stop) whose entries the next flush must sync.
    dir_syncs: PendingDirSyncs,
}

impl fmt::Debug for ConsumeQueueTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsumeQueueTable")
            .field("dir", &self.dir)
            .field("entries_per_file", &self.entries_per_file)
            .field("topics", &self.read().len())
            .field("dir_syncs", &self.dir_syncs)
            .finish()
    }
}

impl ConsumeQueueTable {
    /// Opens every queue under `dir` (created if missing, durably). Directories whose name is not a queue id are
    /// ignored.
    pub fn load(dir: &Path, entries_per_file: usize) -> Result<ConsumeQueueTable> {
        create_dir_all_durable(dir)?;
        let mut queues = QueuesByTopic::new();
        for topic_entry in std::fs::read_dir(dir).with_path("list directory", dir)? {
            let topic_entry = topic_entry.with_path("list directory", dir)?;
            let topic_path = topic_entry.path();
            let Some(topic) = topic_entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            if !topic_path.is_dir() {
                continue;
            }
            for queue_entry in std::fs::read_dir(&topic_path).with_path("list directory", &topic_path)? {
                let queue_entry = queue_entry.with_path("list directory", &topic_path)?;
                let Some(queue_id) = queue_entry
                    .file_name()
                    .to_str()
                    .and_then(|name| name.parse::<i32>().ok())
                else {
                    continue;
                };
                let queue = ConsumeQueue::open(&queue_entry.path(), &topic, queue_id, entries_per_file)?;
                queues
                    .entry(topic.clone())
                    .or_default()
                    .insert(queue_id, Arc::new(queue));
            }
        }
        Ok(ConsumeQueueTable {
            dir: dir.to_path_buf(),
            entries_per_file,
            queues: RwLock::new(queues),
            allocator: OnceLock::new(),
            dir_syncs: PendingDirSyncs::default(),
        })
    }

    /// Recovery after an unclean stop, before anything is truncated or rebuilt: what was loaded may have been
    /// created and never flushed (a process crash leaves it in the page cache only), so the next flush makes
    /// it durable again: the directory entries of every topic and queue, and the files that flushes visit.
    pub(crate) fn assume_creation_not_durable(&self) {
        let queues = self.read();
        let mut dirs = vec![self.dir.clone()];
        for (topic, by_id) in queues.iter() {
            dirs.push(self.dir.join(topic));
            for queue in by_id.values() {
                queue.assume_creation_not_durable();
            }
        }
        self.dir_syncs.add(dirs);
    }

    /// The queue of (`topic`, `queue_id`), if it exists.
    pub fn get(&self, topic: &str, queue_id: i32) -> Option<Arc<ConsumeQueue>> {
        self.read().get(topic)?.get(&queue_id).cloned()
    }

    /// The queue of (`topic`, `queue_id`), created (with its directory) if needed. No fsync: the new directory
    /// entries wait for [`flush_all`](Self::flush_all).
    pub fn get_or_create(&self, topic: &str, queue_id: i32) -> Result<Arc<ConsumeQueue>> {
        if let Some(queue) = self.get(topic, queue_id) {
            return Ok(queue);
        }
        let mut queues = self.write();
        let by_id = queues.entry(topic.to_owned()).or_default();
        if let Some(queue) = by_id.get(&queue_id) {
            return Ok(queue.clone());
        }
        let path = self.dir.join(topic).join(queue_id.to_string());
        // Recorded before the queue is visible, so that a flush that sees the queue also syncs its directories.
        self.dir_syncs.add(create_dir_all_tracked(&path)?);
        let queue = Arc::new(ConsumeQueue::open(&path, topic, queue_id, self.entries_per_file)?);
        if let Some(requests) = self.allocator.get() {
            queue.enable_preallocation(requests.clone());
        }
        by_id.insert(queue_id, queue.clone());
        Ok(queue)
    }

    /// From now on, every queue has its next file created ahead of time by `requests` (the allocator thread).
    pub(crate) fn enable_preallocation(&self, requests: Arc<AllocationRequests>) {
        // Set under the write lock, so that a queue created meanwhile is not missed.
        let queues = self.write();
        if self.allocator.set(requests.clone()).is_ok() {
            for queue in queues.values().flat_map(|by_id| by_id.values()) {
                queue.enable_preallocation(requests.clone());
            }
        }
    }

    /// Shutdown: deletes every queue's preallocated spare file.
    pub(crate) fn close_spares(&self) {
        for queue in self.all() {
            queue.close_spare();
        }
    }

    /// Every queue.
    pub fn all(&self) -> Vec<Arc<ConsumeQueue>> {
        self.read()
            .values()
            .flat_map(|by_id| by_id.values().cloned())
            .collect()
    }

    /// Makes every queue that exists when it is called durable: the directories created for queues (each one
    /// once), then each queue's entries and files.
    pub fn flush_all(&self) -> Result<()> {
        self.dir_syncs.sync()?;
        for queue in self.all() {
            queue.flush()?;
        }
        Ok(())
    }

    /// The directories waiting for a sync.
    #[cfg(test)]
    pub(crate) fn pending_dir_syncs(&self) -> Vec<PathBuf> {
        self.dir_syncs.pending()
    }

    fn read(&self) -> RwLockReadGuard<'_, QueuesByTopic> {
        self.queues
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, QueuesByTopic> {
        self.queues
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consume_queue::CqEntry;

    fn entry() -> CqEntry {
        CqEntry {
            commit_log_offset: 0,
            size: 100,
            tags_code: 0,
        }
    }

    /// Whether the last file of each queue that has one is durable, by queue id.
    fn last_files_durable(table: &ConsumeQueueTable) -> Vec<bool> {
        let mut queues = table.all();
        queues.sort_by_key(|queue| queue.queue_id());
        queues
            .iter()
            .filter_map(|queue| queue.files().last_file())
            .map(|file| file.creation_is_durable())
            .collect()
    }

    #[test]
    fn new_queues_are_made_durable_by_the_next_flush_not_on_creation() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("consumequeue");
        let table = ConsumeQueueTable::load(&dir, 10).unwrap();
        assert!(
            table.pending_dir_syncs().is_empty(),
            "consumequeue/ is created durably"
        );
        for queue_id in 0..3 {
            let queue = table.get_or_create("T", queue_id).unwrap();
            queue.put(0, entry()).unwrap();
        }
        assert_eq!(
            table.pending_dir_syncs(),
            [dir.clone(), dir.join("T")],
            "the new topic's entry, and the new queues' entries, each synced once"
        );
        assert_eq!(last_files_durable(&table), [false; 3]);
        table.flush_all().unwrap();
        assert!(table.pending_dir_syncs().is_empty());
        assert_eq!(last_files_durable(&table), [true; 3]);
        table.get_or_create("T", 3).unwrap();
        assert_eq!(table.pending_dir_syncs(), [dir.join("T")]);
        drop(table);

        // After an unclean stop, what was loaded may be in the page cache only.
        let table = ConsumeQueueTable::load(&dir, 10).unwrap();
        assert!(table.pending_dir_syncs().is_empty());
        assert_eq!(
            last_files_durable(&table),
            [true; 3],
            "loaded files count as durable"
        );
        table.assume_creation_not_durable();
        assert_eq!(table.pending_dir_syncs(), [dir.clone(), dir.join("T")]);
        assert_eq!(last_files_durable(&table), [false; 3]);
        table.flush_all().unwrap();
        assert_eq!(last_files_durable(&table), [true; 3]);
        assert!(table.pending_dir_syncs().is_empty());
    }
}
