//! The consume queues of a store, by topic and queue id, loaded from `consumequeue/<topic>/<queueId>/` and
//! created on first use. Once preallocation is enabled, every queue, including those created later, has its
//! next file created ahead of time by the allocator thread.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::allocate::AllocationRequests;
use crate::consume_queue::ConsumeQueue;
use crate::error::{IoContext, Result};
use crate::fs_util::create_dir_all;

type QueuesByTopic = HashMap<String, HashMap<i32, Arc<ConsumeQueue>>>;

/// Every consume queue of a store.
pub struct ConsumeQueueTable {
    dir: PathBuf,
    entries_per_file: usize,
    queues: RwLock<QueuesByTopic>,
    allocator: OnceLock<Arc<AllocationRequests>>,
}

impl fmt::Debug for ConsumeQueueTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsumeQueueTable")
            .field("dir", &self.dir)
            .field("entries_per_file", &self.entries_per_file)
            .field("topics", &self.read().len())
            .finish()
    }
}

impl ConsumeQueueTable {
    /// Opens every queue under `dir` (created if missing). Directories whose name is not a queue id are ignored.
    pub fn load(dir: &Path, entries_per_file: usize) -> Result<ConsumeQueueTable> {
        create_dir_all(dir)?;
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
        })
    }

    /// The queue of (`topic`, `queue_id`), if it exists.
    pub fn get(&self, topic: &str, queue_id: i32) -> Option<Arc<ConsumeQueue>> {
        self.read().get(topic)?.get(&queue_id).cloned()
    }

    /// The queue of (`topic`, `queue_id`), created (with its directory) if needed.
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

    /// Flushes every queue.
    pub fn flush_all(&self) -> Result<()> {
        for queue in self.all() {
            queue.flush()?;
        }
        Ok(())
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
