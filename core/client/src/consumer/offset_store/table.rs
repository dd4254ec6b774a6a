//! The in-memory offset table both offset stores keep: one entry per queue, raised only when asked to, and frozen
//! after an illegal offset (Java's `ControllableOffset` inside the offset stores).

use std::collections::HashMap;
use std::sync::Mutex;

use fulmen_protocol::body::MessageQueue;

#[derive(Debug, Clone, Copy)]
struct Entry {
    offset: i64,
    frozen: bool,
}

/// Offsets by queue.
#[derive(Debug, Default)]
pub(crate) struct OffsetTable {
    entries: Mutex<HashMap<MessageQueue, Entry>>,
}

impl OffsetTable {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<MessageQueue, Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Sets the offset of `queue` (creating the entry); with `increase_only` a smaller value is ignored; a frozen
    /// entry ignores every update.
    pub(crate) fn update(&self, queue: &MessageQueue, offset: i64, increase_only: bool) {
        let mut entries = self.entries();
        let entry = entries.entry(queue.clone()).or_insert(Entry {
            offset,
            frozen: false,
        });
        if entry.frozen {
            return;
        }
        if !increase_only || offset > entry.offset {
            entry.offset = offset;
        }
    }

    /// Sets the offset of `queue` and ignores later updates until the entry is removed.
    pub(crate) fn update_and_freeze(&self, queue: &MessageQueue, offset: i64) {
        self.entries()
            .insert(queue.clone(), Entry { offset, frozen: true });
    }

    /// The offset of `queue`, if known.
    pub(crate) fn get(&self, queue: &MessageQueue) -> Option<i64> {
        self.entries().get(queue).map(|entry| entry.offset)
    }

    /// Forgets `queue`.
    pub(crate) fn remove(&self, queue: &MessageQueue) {
        self.entries().remove(queue);
    }

    /// Keeps only the entries of `queues`.
    pub(crate) fn retain(&self, queues: &[MessageQueue]) {
        self.entries().retain(|queue, _| queues.contains(queue));
    }

    /// Every entry.
    pub(crate) fn snapshot(&self) -> HashMap<MessageQueue, i64> {
        self.entries()
            .iter()
            .map(|(queue, entry)| (queue.clone(), entry.offset))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increase_only_and_freeze() {
        let table = OffsetTable::default();
        let queue = MessageQueue::new("T", "b", 0);
        table.update(&queue, 5, true);
        table.update(&queue, 3, true);
        assert_eq!(table.get(&queue), Some(5));
        table.update(&queue, 3, false);
        assert_eq!(table.get(&queue), Some(3));
        table.update_and_freeze(&queue, 9);
        table.update(&queue, 20, false);
        assert_eq!(table.get(&queue), Some(9));
        table.remove(&queue);
        table.update(&queue, 1, true);
        assert_eq!(table.get(&queue), Some(1));
        table.retain(&[]);
        assert!(table.snapshot().is_empty());
    }
}
