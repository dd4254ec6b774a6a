//! `PutState`: what only the store's single writer touches, under the put lock: the next queue offset of each
//! queue, the floor of store timestamps, and the consume-queue entries that could not be written yet.
//!
//! When writing a consume-queue entry fails after its unit reached the commitlog, the queue offset is not given
//! back: the unit already carries it (its QUEUEOFFSET field), and a second unit with the same queue offset would
//! make the commitlog ambiguous, since a rebuild from it (recovery) indexes the first and skips the second, which
//! may be the acknowledged one. Nor is a gap left to be filled with filler entries later, which would make the
//! stored message unreachable. Instead the entry waits in a per-queue backlog, and the store stays consistent:
//!
//! * before the next message of that queue is stored, the backlog is written first, in order; if that still
//!   fails, the put is refused before anything is stored, so no later unit of the queue piles up behind the
//!   missing entry (other queues go on);
//! * the store's dispatched offset, which the checkpoint records as the point up to which consume queues are
//!   complete, stays below the first unit without an entry, so after a crash recovery rebuilds the entry from
//!   the commitlog;
//! * a shutdown writes the backlog, or else keeps the `abort` marker so that the next start rebuilds it.
//!
//! The put whose entry failed reports an error: the message is stored but not yet visible. A client that
//! retries may store a duplicate, but the original is not lost (at-least-once, as everywhere in RocketMQ).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::consume_queue::{ConsumeQueue, CqEntry, CqPut};
use crate::error::{Result, StoreError};

/// The entries of one queue that are not written yet, in queue-offset order.
#[derive(Debug)]
struct Backlog {
    queue: Arc<ConsumeQueue>,
    entries: VecDeque<(i64, CqEntry)>,
}

/// What only the single writer touches.
#[derive(Debug, Default)]
pub(crate) struct PutState {
    /// The next queue offset of each (topic, queue id) seen since the store opened.
    next_queue_offsets: HashMap<String, HashMap<i32, i64>>,
    /// The queues with entries not written yet (almost always none).
    backlogs: Vec<Backlog>,
    /// Store timestamps never go backwards (so searching by time is a binary search).
    timestamp_floor: i64,
}

impl PutState {
    /// A state whose store timestamps start at `timestamp_floor`.
    pub(crate) fn new(timestamp_floor: i64) -> PutState {
        PutState {
            timestamp_floor,
            ..PutState::default()
        }
    }

    /// The queue offset the next message of `queue` gets.
    pub(crate) fn next_queue_offset(&self, queue: &ConsumeQueue) -> i64 {
        self.next_queue_offsets
            .get(queue.topic())
            .and_then(|by_id| by_id.get(&queue.queue_id()))
            .copied()
            .unwrap_or_else(|| queue.max_offset())
    }

    fn set_next_queue_offset(&mut self, queue: &ConsumeQueue, offset: i64) {
        let by_id = match self.next_queue_offsets.get_mut(queue.topic()) {
            Some(by_id) => by_id,
            None => self
                .next_queue_offsets
                .entry(queue.topic().to_owned())
                .or_default(),
        };
        by_id.insert(queue.queue_id(), offset);
    }

    /// The store timestamp of the next append: now, or the last one if the clock went back.
    pub(crate) fn next_timestamp(&mut self) -> i64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_millis() as i64);
        self.timestamp_floor = self.timestamp_floor.max(now);
        self.timestamp_floor
    }

    /// Records that the units of an append took queue offsets `first..first + entries.len()` of `queue`, and
    /// writes their entries in order. If one fails, it and the ones after it go to the queue's backlog and the
    /// error is returned.
    pub(crate) fn index(
        &mut self,
        queue: &Arc<ConsumeQueue>,
        first: i64,
        entries: Vec<CqEntry>,
    ) -> Result<()> {
        self.set_next_queue_offset(queue, first + entries.len() as i64);
        let offsets = (first..).zip(entries);
        if let Some(backlog) = self.backlog_mut(queue) {
            // Not expected (a put catches up first), but order must hold: queue behind the backlog.
            backlog.entries.extend(offsets);
            return self.catch_up(queue);
        }
        let mut offsets = offsets.peekable();
        while let Some(&(offset, entry)) = offsets.peek() {
            if let Err(error) = write_entry(queue, offset, entry) {
                self.backlogs.push(Backlog {
                    queue: queue.clone(),
                    entries: offsets.collect(),
                });
                return Err(error);
            }
            offsets.next();
        }
        Ok(())
    }

    /// Writes the backlog of `queue`, if it has one. An error means entries are still missing.
    pub(crate) fn catch_up(&mut self, queue: &ConsumeQueue) -> Result<()> {
        let Some(index) = self.backlog_index(queue) else {
            return Ok(());
        };
        let backlog = &mut self.backlogs[index];
        while let Some(&(offset, entry)) = backlog.entries.front() {
            write_entry(&backlog.queue, offset, entry)?;
            backlog.entries.pop_front();
        }
        tracing::info!(
            topic = %queue.topic(), queue_id = queue.queue_id(),
            "the consume-queue entries that had failed are written"
        );
        self.backlogs.swap_remove(index);
        Ok(())
    }

    /// Writes every backlog; the first error, if entries are still missing.
    pub(crate) fn catch_up_all(&mut self) -> Result<()> {
        let queues: Vec<_> = self
            .backlogs
            .iter()
            .map(|backlog| backlog.queue.clone())
            .collect();
        let mut result = Ok(());
        for queue in queues {
            if let Err(error) = self.catch_up(&queue) {
                result = result.and(Err(error));
            }
        }
        result
    }

    /// The commitlog offset of the first unit whose entry is not written, if any.
    pub(crate) fn unindexed_floor(&self) -> Option<u64> {
        self.backlogs
            .iter()
            .filter_map(|backlog| backlog.entries.front())
            .map(|(_, entry)| entry.commit_log_offset.max(0) as u64)
            .min()
    }

    fn backlog_index(&self, queue: &ConsumeQueue) -> Option<usize> {
        self.backlogs.iter().position(|backlog| {
            backlog.queue.topic() == queue.topic() && backlog.queue.queue_id() == queue.queue_id()
        })
    }

    fn backlog_mut(&mut self, queue: &ConsumeQueue) -> Option<&mut Backlog> {
        let index = self.backlog_index(queue)?;
        self.backlogs.get_mut(index)
    }
}

/// Writes one entry, which must be the queue's next (or already there).
fn write_entry(queue: &ConsumeQueue, offset: i64, entry: CqEntry) -> Result<()> {
    match queue.put(offset, entry)? {
        CqPut::Written | CqPut::AlreadyStored => Ok(()),
        CqPut::OutOfOrder { next } => Err(StoreError::corrupt(
            queue.dir(),
            offset.max(0) as u64,
            format!("queue offset {offset} does not follow the consume queue's end {next}"),
        )),
    }
}
