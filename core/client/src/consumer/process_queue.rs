//! [`ProcessQueue`]: the messages of one queue that were pulled but are not consumed yet, with the flags the
//! pull loop, the consume services and the rebalance share (Java's `ProcessQueue`).
//!
//! The committed offset of a queue never passes a message that is still cached: [`ProcessQueue::remove_messages`]
//! returns the smallest cached offset (or one past the last pulled offset when nothing is left).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use crate::instance::identity::unix_millis;
use crate::message_view::MessageView;

/// How long a broker-side orderly lock counts as held after it was last renewed (`REBALANCE_LOCK_MAX_LIVE_TIME`).
pub(crate) const LOCK_MAX_LIVE_TIME: Duration = Duration::from_secs(30);
/// A queue not pulled for this long is dropped and recreated by the rebalance (`PULL_MAX_IDLE_TIME`).
pub(crate) const PULL_MAX_IDLE_TIME: Duration = Duration::from_secs(120);

/// The cached messages and state of one message queue of a consumer.
#[derive(Debug)]
pub(crate) struct ProcessQueue {
    cache: Mutex<Cache>,
    dropped: AtomicBool,
    locked: AtomicBool,
    last_lock_timestamp: AtomicI64,
    last_pull_timestamp: AtomicI64,
    last_consume_timestamp: AtomicI64,
    try_unlock_times: AtomicU64,
    /// Held while an orderly listener call runs; the rebalance waits for it before it unlocks the queue.
    pub(crate) consume_lock: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct Cache {
    messages: BTreeMap<i64, MessageView>,
    bytes: u64,
    queue_offset_max: i64,
    consuming: bool,
    consuming_orderly: BTreeMap<i64, MessageView>,
}

impl Default for ProcessQueue {
    fn default() -> Self {
        ProcessQueue::new()
    }
}

impl ProcessQueue {
    /// An empty queue, last pulled and consumed now.
    pub fn new() -> Self {
        let now = unix_millis();
        ProcessQueue {
            cache: Mutex::new(Cache::default()),
            dropped: AtomicBool::new(false),
            locked: AtomicBool::new(false),
            last_lock_timestamp: AtomicI64::new(now),
            last_pull_timestamp: AtomicI64::new(now),
            last_consume_timestamp: AtomicI64::new(now),
            try_unlock_times: AtomicU64::new(0),
            consume_lock: tokio::sync::Mutex::new(()),
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Caches pulled messages (a message already cached is not counted twice). Returns whether an orderly consume
    /// task should be started: there are messages and none is being consumed yet (`dispatchToConsume`).
    pub fn put_messages(&self, messages: &[MessageView]) -> bool {
        let mut cache = self.cache();
        for message in messages {
            if !cache.messages.contains_key(&message.queue_offset) {
                cache.bytes += message.body.len() as u64;
                cache.queue_offset_max = message.queue_offset;
                cache.messages.insert(message.queue_offset, message.clone());
            }
        }
        if !cache.messages.is_empty() && !cache.consuming {
            cache.consuming = true;
            return true;
        }
        false
    }

    /// Removes consumed messages by queue offset and returns the offset to commit: the smallest offset still
    /// cached, one past the last pulled offset when nothing is left, or −1 if nothing was cached before.
    pub fn remove_messages(&self, offsets: &[i64]) -> i64 {
        let mut cache = self.cache();
        if cache.messages.is_empty() {
            return -1;
        }
        self.last_consume_timestamp
            .store(unix_millis(), Ordering::Relaxed);
        for offset in offsets {
            if let Some(message) = cache.messages.remove(offset) {
                cache.bytes = cache.bytes.saturating_sub(message.body.len() as u64);
            }
        }
        match cache.messages.keys().next() {
            Some(first) => *first,
            None => cache.queue_offset_max + 1,
        }
    }

    /// Whether the message at `offset` is still cached.
    pub fn contains(&self, offset: i64) -> bool {
        self.cache().messages.contains_key(&offset)
    }

    /// The number of cached messages.
    pub fn message_count(&self) -> usize {
        self.cache().messages.len()
    }

    /// The body bytes of the cached messages.
    pub fn message_bytes(&self) -> u64 {
        self.cache().bytes
    }

    /// The distance between the first and the last cached offset (0 when empty).
    pub fn max_span(&self) -> i64 {
        let cache = self.cache();
        match (cache.messages.keys().next(), cache.messages.keys().next_back()) {
            (Some(first), Some(last)) => last - first,
            _ => 0,
        }
    }

    /// The smallest and largest cached offsets, if any.
    pub fn offset_range(&self) -> Option<(i64, i64)> {
        let cache = self.cache();
        Some((
            *cache.messages.keys().next()?,
            *cache.messages.keys().next_back()?,
        ))
    }

    /// Orderly: the smallest and largest offsets being consumed and their count (zeros when none).
    pub fn consuming_range(&self) -> (i64, i64, usize) {
        let cache = self.cache();
        let first = cache.consuming_orderly.keys().next().copied().unwrap_or(0);
        let last = cache.consuming_orderly.keys().next_back().copied().unwrap_or(0);
        (first, last, cache.consuming_orderly.len())
    }

    /// Orderly: moves up to `n` of the smallest cached messages to the consuming set and returns them; when none
    /// is left the queue is marked not consuming.
    pub fn take_messages(&self, n: usize) -> Vec<MessageView> {
        let mut cache = self.cache();
        self.last_consume_timestamp
            .store(unix_millis(), Ordering::Relaxed);
        let mut taken = Vec::new();
        while taken.len() < n {
            let Some((offset, message)) = cache.messages.pop_first() else {
                break;
            };
            cache.consuming_orderly.insert(offset, message.clone());
            taken.push(message);
        }
        if taken.is_empty() {
            cache.consuming = false;
        }
        taken
    }

    /// Orderly: forgets the consuming set and returns the offset to commit (its last offset + 1), or −1.
    pub fn commit(&self) -> i64 {
        let mut cache = self.cache();
        let next = cache.consuming_orderly.keys().next_back().map(|last| last + 1);
        let consumed = std::mem::take(&mut cache.consuming_orderly);
        let bytes: u64 = consumed.values().map(|m| m.body.len() as u64).sum();
        cache.bytes = cache.bytes.saturating_sub(bytes);
        next.unwrap_or(-1)
    }

    /// Orderly: puts `messages` of the consuming set back into the cache to be consumed again.
    pub fn make_messages_to_consume_again(&self, messages: &[MessageView]) {
        let mut cache = self.cache();
        for message in messages {
            if let Some(kept) = cache.consuming_orderly.remove(&message.queue_offset) {
                let mut kept = kept;
                kept.reconsume_times = message.reconsume_times;
                cache.messages.insert(kept.queue_offset, kept);
            }
        }
    }

    /// Drops every cached message.
    pub fn clear(&self) {
        let mut cache = self.cache();
        cache.messages.clear();
        cache.consuming_orderly.clear();
        cache.bytes = 0;
        cache.queue_offset_max = 0;
    }

    /// Whether the queue was given up (rebalanced away, reset, or the consumer stopped).
    pub fn is_dropped(&self) -> bool {
        self.dropped.load(Ordering::Acquire)
    }

    /// Marks the queue given up or not.
    pub fn set_dropped(&self, dropped: bool) {
        self.dropped.store(dropped, Ordering::Release);
    }

    /// Whether this client holds the broker's orderly lock of the queue.
    pub fn is_locked(&self) -> bool {
        self.locked.load(Ordering::Acquire)
    }

    /// Records the result of a lock request; a granted lock also renews the lock timestamp.
    pub fn set_locked(&self, locked: bool) {
        if locked {
            self.last_lock_timestamp.store(unix_millis(), Ordering::Relaxed);
        }
        self.locked.store(locked, Ordering::Release);
    }

    /// Whether the lock was last renewed longer ago than [`LOCK_MAX_LIVE_TIME`].
    pub fn is_lock_expired(&self) -> bool {
        elapsed_since(self.last_lock_timestamp()) > LOCK_MAX_LIVE_TIME
    }

    /// Whether the queue was last pulled longer ago than [`PULL_MAX_IDLE_TIME`].
    pub fn is_pull_expired(&self) -> bool {
        elapsed_since(self.last_pull_timestamp()) > PULL_MAX_IDLE_TIME
    }

    /// Records a pull now.
    pub fn touch_pull(&self) {
        self.last_pull_timestamp.store(unix_millis(), Ordering::Relaxed);
    }

    /// When the lock was last renewed (ms since the epoch).
    pub fn last_lock_timestamp(&self) -> i64 {
        self.last_lock_timestamp.load(Ordering::Relaxed)
    }

    /// When the queue was last pulled (ms since the epoch).
    pub fn last_pull_timestamp(&self) -> i64 {
        self.last_pull_timestamp.load(Ordering::Relaxed)
    }

    /// When messages were last consumed (ms since the epoch).
    pub fn last_consume_timestamp(&self) -> i64 {
        self.last_consume_timestamp.load(Ordering::Relaxed)
    }

    /// Records that giving the queue up had to wait for a running listener call (`tryUnlockTimes`).
    pub(crate) fn count_failed_unlock(&self) {
        self.try_unlock_times.fetch_add(1, Ordering::Relaxed);
    }

    /// How often giving the queue up had to wait for a running listener call.
    pub fn try_unlock_times(&self) -> u64 {
        self.try_unlock_times.load(Ordering::Relaxed)
    }

    /// This queue's state as GET_CONSUMER_RUNNING_INFO reports it (Java's `fillProcessQueueInfo`), with the
    /// queue's `commit_offset`.
    pub(crate) fn info(&self, commit_offset: i64) -> fulmen_protocol::body::ProcessQueueInfo {
        const MIB: u64 = 1024 * 1024;
        let (min, max) = self.offset_range().unwrap_or((0, 0));
        let (consuming_min, consuming_max, consuming_count) = self.consuming_range();
        fulmen_protocol::body::ProcessQueueInfo {
            commit_offset,
            cached_msg_min_offset: min,
            cached_msg_max_offset: max,
            cached_msg_count: i32::try_from(self.message_count()).unwrap_or(i32::MAX),
            cached_msg_size_in_mib: i32::try_from(self.message_bytes() / MIB).unwrap_or(i32::MAX),
            transaction_msg_min_offset: consuming_min,
            transaction_msg_max_offset: consuming_max,
            transaction_msg_count: i32::try_from(consuming_count).unwrap_or(i32::MAX),
            locked: self.is_locked(),
            try_unlock_times: i64::try_from(self.try_unlock_times()).unwrap_or(i64::MAX),
            last_lock_timestamp: self.last_lock_timestamp(),
            droped: self.is_dropped(),
            last_pull_timestamp: self.last_pull_timestamp(),
            last_consume_timestamp: self.last_consume_timestamp(),
        }
    }
}

fn elapsed_since(millis: i64) -> Duration {
    Duration::from_millis(u64::try_from(unix_millis() - millis).unwrap_or(0))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use fulmen_protocol::body::MessageQueue;

    /// A cached message at `offset` (for the tests of other modules too).
    pub(crate) fn view(offset: i64) -> MessageView {
        MessageView {
            msg_id: format!("id{offset}"),
            offset_msg_id: String::new(),
            topic: "T".into(),
            queue: MessageQueue::new("T", "b", 0),
            queue_offset: offset,
            commit_log_offset: 0,
            body: bytes::Bytes::from_static(b"abc"),
            tags: None,
            keys: Vec::new(),
            properties: Default::default(),
            flag: 0,
            born_timestamp: 0,
            born_host: String::new(),
            store_timestamp: 0,
            store_host: String::new(),
            reconsume_times: 0,
        }
    }

    #[test]
    fn remove_returns_javas_commit_offset() {
        let pq = ProcessQueue::new();
        assert_eq!(pq.remove_messages(&[1]), -1);
        assert!(pq.put_messages(&[view(5), view(6), view(7)]));
        assert!(!pq.put_messages(&[view(7)]), "already consuming");
        assert_eq!((pq.message_count(), pq.message_bytes(), pq.max_span()), (3, 9, 2));
        assert_eq!(pq.remove_messages(&[6]), 5);
        assert_eq!(pq.remove_messages(&[5]), 7);
        assert_eq!(pq.remove_messages(&[7]), 8);
        assert_eq!(pq.message_bytes(), 0);
    }

    #[test]
    fn orderly_take_consume_again_and_commit() {
        let pq = ProcessQueue::new();
        pq.put_messages(&[view(1), view(2), view(3)]);
        let taken = pq.take_messages(2);
        assert_eq!(taken.iter().map(|m| m.queue_offset).collect::<Vec<_>>(), [1, 2]);
        pq.make_messages_to_consume_again(&taken[1..]);
        assert_eq!(pq.commit(), 2);
        let again = pq.take_messages(5);
        assert_eq!(again.iter().map(|m| m.queue_offset).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(pq.consuming_range(), (2, 3, 2));
        assert_eq!(pq.commit(), 4);
        assert!(pq.take_messages(1).is_empty());
        assert!(
            pq.put_messages(&[view(4)]),
            "an empty take ends consuming; the next put dispatches"
        );
    }
}
