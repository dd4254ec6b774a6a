//! `ConsumeQueue`: the index of one (topic, queue id), `consumequeue/<topic>/<queueId>/` (REMOTING.md §7.2).
//! Entry `n` (queue offset `n`) is 20 bytes at byte `n × 20` of the queue's offset space: the unit's commitlog
//! offset (`long`), its size (`int`) and its tag code (`long`).
//!
//! A queue that starts at a non-zero offset gets filler entries `(0, Integer.MAX_VALUE, 0)` from the start of
//! its first file up to its first real entry, as Java writes them. Only the store's single writer appends.
//!
//! Entries are written strictly in order: once a queue has entries, the next one must carry exactly the queue
//! offset after the last ([`ConsumeQueue::put`] refuses any other with [`CqPut::OutOfOrder`]). Java's
//! `putMessagePositionInfo` skips an offset below the end as already built, and for one past the end only logs
//! "[BUG] logic queue order maybe wrong" and appends anyway, which files the entry under the wrong offset;
//! Fulmen refuses it, and recovery treats the unit as invalid (`recovery.rs`).

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::allocate::AllocationRequests;
use crate::error::{Result, StoreError};
use crate::mapped_file::CreateSync;
use crate::mapped_file_queue::MappedFileQueue;

/// The size of one consume-queue entry (`CQ_STORE_UNIT_SIZE`).
pub const CQ_ENTRY_SIZE: usize = 20;
/// The size field of a filler entry.
pub const FILLER_SIZE: i32 = i32::MAX;
/// The largest queue offset a queue accepts; its byte position (× 20) stays far from overflowing.
const MAX_QUEUE_OFFSET: i64 = i64::MAX / CQ_ENTRY_SIZE as i64 / 2;

/// What [`ConsumeQueue::put`] did with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CqPut {
    /// The entry was written.
    Written,
    /// The queue already holds an entry at that offset (an entry rebuilt twice): nothing was written.
    AlreadyStored,
    /// The offset is not the queue's next one (past the end of a queue that has entries, negative, or out of
    /// range): nothing was written.
    OutOfOrder {
        /// The offset the queue expects next.
        next: i64,
    },
}

/// One consume-queue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CqEntry {
    /// Where the unit starts in the commitlog.
    pub commit_log_offset: i64,
    /// The unit's TOTALSIZE.
    pub size: i32,
    /// The tag code (tag hash, or deliver time for delay queues).
    pub tags_code: i64,
}

impl CqEntry {
    /// The entry written before the first real entry of a queue that starts at a non-zero offset.
    pub const FILLER: CqEntry = CqEntry {
        commit_log_offset: 0,
        size: FILLER_SIZE,
        tags_code: 0,
    };

    /// The 20 stored bytes.
    pub fn to_bytes(self) -> [u8; CQ_ENTRY_SIZE] {
        let mut bytes = [0u8; CQ_ENTRY_SIZE];
        bytes[..8].copy_from_slice(&self.commit_log_offset.to_be_bytes());
        bytes[8..12].copy_from_slice(&self.size.to_be_bytes());
        bytes[12..].copy_from_slice(&self.tags_code.to_be_bytes());
        bytes
    }

    /// Reads the 20 stored bytes.
    pub fn from_bytes(bytes: [u8; CQ_ENTRY_SIZE]) -> CqEntry {
        let [
            o0,
            o1,
            o2,
            o3,
            o4,
            o5,
            o6,
            o7,
            s0,
            s1,
            s2,
            s3,
            t0,
            t1,
            t2,
            t3,
            t4,
            t5,
            t6,
            t7,
        ] = bytes;
        CqEntry {
            commit_log_offset: i64::from_be_bytes([o0, o1, o2, o3, o4, o5, o6, o7]),
            size: i32::from_be_bytes([s0, s1, s2, s3]),
            tags_code: i64::from_be_bytes([t0, t1, t2, t3, t4, t5, t6, t7]),
        }
    }

    /// Whether this is a filler entry.
    pub fn is_filler(&self) -> bool {
        self.size == FILLER_SIZE
    }

    /// Whether the bytes can be an entry at all (Java's recovery test: offset ≥ 0 and size > 0).
    pub fn is_plausible(&self) -> bool {
        self.commit_log_offset >= 0 && self.size > 0
    }

    /// The commitlog offset just past the unit.
    fn commit_log_end(&self) -> i64 {
        self.commit_log_offset.saturating_add(i64::from(self.size))
    }
}

/// What reading entries at a queue offset found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntriesAt {
    /// The entries from the offset on, up to the end of its file or of the queue.
    Found(Vec<CqEntry>),
    /// No file holds the offset (it was deleted).
    FileMissing,
}

/// The consume queue of one (topic, queue id).
pub struct ConsumeQueue {
    topic: String,
    queue_id: i32,
    files: MappedFileQueue,
    entries_per_file: i64,
    min_offset: AtomicI64,
    /// Test seam: how many of the next appends fail (a consume-queue write error after the commitlog append).
    #[cfg(test)]
    failing_appends: std::sync::atomic::AtomicUsize,
}

impl fmt::Debug for ConsumeQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsumeQueue")
            .field("topic", &self.topic)
            .field("queue_id", &self.queue_id)
            .field("min_offset", &self.min_offset())
            .field("max_offset", &self.max_offset())
            .finish()
    }
}

impl ConsumeQueue {
    /// Opens the queue in `dir` (created if missing). Its end is unknown until [`recover`](Self::recover).
    ///
    /// A consume queue is derived data (recovery rebuilds it from the commitlog), so its files are created
    /// without fsync and made durable by their first flush ([`CreateSync::OnFirstFlush`]), and a file at its end
    /// that a power loss left with a wrong length is deleted on open. The entry of `dir` in its parent is not
    /// synced here: `ConsumeQueueTable` does that before a checkpoint counts on the queue.
    ///
    /// Page faults of its files do not read around ([`MappedFile::advise_no_read_around`]): a queue is written
    /// 20 bytes at a time and read mostly where just written, and a fault on a fresh file would otherwise
    /// zero-fill up to the whole file (6 MB by default) on the put path.
    ///
    /// [`MappedFile::advise_no_read_around`]: crate::MappedFile::advise_no_read_around
    pub fn open(dir: &Path, topic: &str, queue_id: i32, entries_per_file: usize) -> Result<ConsumeQueue> {
        Ok(ConsumeQueue {
            topic: topic.to_owned(),
            queue_id,
            files: MappedFileQueue::open(dir, entries_per_file * CQ_ENTRY_SIZE, CreateSync::OnFirstFlush)?
                .without_read_around(),
            entries_per_file: entries_per_file as i64,
            min_offset: AtomicI64::new(0),
            #[cfg(test)]
            failing_appends: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    /// Makes the next `count` entry writes fail with an I/O error (tests only).
    #[cfg(test)]
    pub(crate) fn fail_next_appends(&self, count: usize) {
        self.failing_appends.store(count, Ordering::Release);
    }

    /// The queue's directory.
    pub fn dir(&self) -> &Path {
        self.files.dir()
    }

    /// Lets the queue have its next file created ahead of time by the allocator thread.
    pub(crate) fn enable_preallocation(&self, requests: Arc<AllocationRequests>) {
        self.files.enable_preallocation(requests);
    }

    /// Shutdown: deletes the preallocated spare file, if any.
    pub(crate) fn close_spare(&self) {
        self.files.close_spare();
    }

    /// Recovery after an unclean stop: the next flush makes the creation of the files as loaded durable again
    /// (see [`MappedFileQueue::assume_creation_not_durable`]).
    pub(crate) fn assume_creation_not_durable(&self) {
        self.files.assume_creation_not_durable();
    }

    /// The mapped files (tests reach in to delete some).
    #[cfg(test)]
    pub(crate) fn files(&self) -> &MappedFileQueue {
        &self.files
    }

    /// The topic.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// The queue id.
    pub fn queue_id(&self) -> i32 {
        self.queue_id
    }

    /// The offset of the first real entry still stored.
    pub fn min_offset(&self) -> i64 {
        self.min_offset.load(Ordering::Acquire).min(self.max_offset())
    }

    /// One past the last entry: the queue offset the next message gets.
    pub fn max_offset(&self) -> i64 {
        (self.files.max_offset() / CQ_ENTRY_SIZE as u64) as i64
    }

    /// Makes every entry durable, and the queue's files (their lengths and names) too.
    pub fn flush(&self) -> Result<()> {
        self.files.flush().map(|_| ())
    }

    /// The queue offset where the file after the one holding `offset` starts.
    pub fn next_file_start(&self, offset: i64) -> i64 {
        offset + self.entries_per_file - offset.rem_euclid(self.entries_per_file)
    }

    /// Finds where the entries end and drops entries that point past `commit_log_max`.
    pub fn recover(&self, commit_log_max: u64) -> Result<()> {
        self.recover_end()?;
        self.drop_entries_past(commit_log_max)
    }

    /// Finds where the entries end (the first implausible entry of the last file; earlier files are full),
    /// erases whatever follows, and finds the first real entry. Empty files after the last written one (an
    /// unused preallocated spare) are deleted first.
    pub fn recover_end(&self) -> Result<()> {
        self.files.drop_empty_tail(CQ_ENTRY_SIZE)?;
        let files = self.files.files();
        let Some((last, full)) = files.split_last() else {
            self.min_offset.store(0, Ordering::Release);
            return Ok(());
        };
        for file in full {
            file.set_write_position(file.size());
            file.set_flushed_position(file.size());
        }
        let mut position = 0;
        while position + CQ_ENTRY_SIZE <= last.size() {
            let entry = last
                .with_raw_bytes(position, CQ_ENTRY_SIZE, read_entry)
                .unwrap_or(None);
            if !entry.is_some_and(|entry| entry.is_plausible()) {
                break;
            }
            position += CQ_ENTRY_SIZE;
        }
        let tail_is_dirty = last
            .with_raw_bytes(position, CQ_ENTRY_SIZE, |bytes| {
                bytes.iter().any(|byte| *byte != 0)
            })
            .unwrap_or(false);
        if tail_is_dirty {
            last.zero_from(position);
        }
        last.set_write_position(position);
        self.files.set_flushed_offset(last.start_offset());
        self.min_offset.store(self.first_real_offset(), Ordering::Release);
        Ok(())
    }

    /// Drops the entries whose unit does not end by `commit_log_max` (it is not, or no longer, stored).
    pub fn drop_entries_past(&self, commit_log_max: u64) -> Result<()> {
        let commit_log_max = i64::try_from(commit_log_max).unwrap_or(i64::MAX);
        let keep = self.partition_point(|entry| entry.commit_log_end() <= commit_log_max);
        if keep < self.max_offset() {
            tracing::info!(
                topic = %self.topic, queue_id = self.queue_id, from = keep,
                "dropping consume-queue entries past the end of the commitlog"
            );
            self.truncate_to(keep)?;
        }
        Ok(())
    }

    /// The offset of the first entry that is not a filler, scanning the first file.
    fn first_real_offset(&self) -> i64 {
        let max = self.max_offset();
        let Some(first) = self.files.first_file() else {
            return max;
        };
        let mut offset = (first.start_offset() / CQ_ENTRY_SIZE as u64) as i64;
        while offset < max {
            match self.entry(offset) {
                Some(entry) if entry.is_filler() => offset += 1,
                _ => break,
            }
        }
        offset
    }

    /// The first offset in `min..max` whose entry fails `keep` (entries must be ordered so that `keep` holds for
    /// a prefix, as commitlog offsets are); `max` if all pass. Unreadable entries count as failing.
    pub fn partition_point(&self, keep: impl Fn(&CqEntry) -> bool) -> i64 {
        let (mut low, mut high) = (self.min_offset(), self.max_offset());
        while low < high {
            let middle = low + (high - low) / 2;
            if self.entry(middle).is_some_and(|entry| keep(&entry)) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    /// Retention (Java's `ConsumeQueue#deleteExpiredFile`): deletes the files, never the last, whose last entry
    /// points below `commit_log_min` (the oldest commitlog byte still stored), then moves the min offset past
    /// the entries that still point below it ([`correct_min_offset`](Self::correct_min_offset)). Returns how
    /// many files were deleted.
    pub fn delete_expired(&self, commit_log_min: u64) -> Result<usize> {
        let min = i64::try_from(commit_log_min).unwrap_or(i64::MAX);
        let deleted = self
            .files
            .delete_expired_files(usize::MAX, std::time::Duration::ZERO, |file| {
                file.read_array::<CQ_ENTRY_SIZE>(file.size() - CQ_ENTRY_SIZE)
                    .map(CqEntry::from_bytes)
                    .is_some_and(|last| last.commit_log_offset < min)
            })?;
        if deleted > 0 {
            tracing::info!(topic = %self.topic, queue_id = self.queue_id, deleted, "deleted expired consume-queue files");
        }
        self.correct_min_offset(commit_log_min);
        Ok(deleted)
    }

    /// Moves the min offset to the first entry that points at or after `commit_log_min` (Java's
    /// `correctMinOffset`): entries below it name deleted commitlog data and are no longer served. If even the
    /// last entry points below it, the min offset becomes the max offset (the queue holds nothing valid). The
    /// min offset never moves back.
    pub fn correct_min_offset(&self, commit_log_min: u64) {
        let min = i64::try_from(commit_log_min).unwrap_or(i64::MAX);
        let first_stored = (self.files.min_offset() / CQ_ENTRY_SIZE as u64) as i64;
        self.min_offset.fetch_max(first_stored, Ordering::AcqRel);
        let first_valid = self.partition_point(|entry| entry.commit_log_offset < min);
        let previous = self.min_offset.fetch_max(first_valid, Ordering::AcqRel);
        if first_valid > previous {
            tracing::info!(
                topic = %self.topic, queue_id = self.queue_id, min_offset = first_valid,
                "the consume queue's min offset follows the commitlog"
            );
        }
    }

    /// Drops every entry from `offset` on.
    pub fn truncate_to(&self, offset: i64) -> Result<()> {
        let offset = offset.max(0);
        self.files.truncate_from(offset as u64 * CQ_ENTRY_SIZE as u64)?;
        self.min_offset.fetch_min(offset, Ordering::AcqRel);
        Ok(())
    }

    /// Drops every entry that points at or after `commit_log_offset` (recovery rebuilds them).
    pub fn truncate_from_commit_log_offset(&self, commit_log_offset: u64) -> Result<()> {
        let limit = i64::try_from(commit_log_offset).unwrap_or(i64::MAX);
        let first_dropped = self.partition_point(|entry| entry.commit_log_offset < limit);
        if first_dropped < self.max_offset() {
            self.truncate_to(first_dropped)?;
        }
        Ok(())
    }

    /// Writes the entry of queue offset `offset`, which must be the queue's next offset (its
    /// [`max_offset`](Self::max_offset)). An offset below it is already stored and is skipped; any other is
    /// refused, so that a queue never gets a gap. Only the first entry of an empty queue may start anywhere: the
    /// queue then starts there, with filler entries from the start of its first file.
    pub fn put(&self, offset: i64, entry: CqEntry) -> Result<CqPut> {
        let max = self.max_offset();
        if !(0..=MAX_QUEUE_OFFSET).contains(&offset) {
            return Ok(CqPut::OutOfOrder { next: max });
        }
        if offset < max {
            return Ok(CqPut::AlreadyStored);
        }
        if offset > max {
            if !self.files.is_empty() {
                return Ok(CqPut::OutOfOrder { next: max });
            }
            let file_start = offset - offset.rem_euclid(self.entries_per_file);
            self.files.create_file(file_start as u64 * CQ_ENTRY_SIZE as u64)?;
            self.min_offset.store(offset, Ordering::Release);
            while self.max_offset() < offset {
                self.append(CqEntry::FILLER)?;
            }
        }
        self.append(entry)?;
        Ok(CqPut::Written)
    }

    fn append(&self, entry: CqEntry) -> Result<()> {
        #[cfg(test)]
        if self
            .failing_appends
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| left.checked_sub(1))
            .is_ok()
        {
            return Err(StoreError::io(
                "append to consume queue",
                self.dir(),
                std::io::Error::other("injected failure"),
            ));
        }
        let file = match self.files.last_file() {
            Some(file) if !file.is_full() => file,
            _ => self.files.create_next_file()?,
        };
        file.append(&entry.to_bytes())?;
        self.files.note_append(&file);
        Ok(())
    }

    /// The entry at queue offset `offset`, if stored.
    pub fn entry(&self, offset: i64) -> Option<CqEntry> {
        let byte_offset = u64::try_from(offset).ok()? * CQ_ENTRY_SIZE as u64;
        let file = self.files.find(byte_offset)?;
        let position = (byte_offset - file.start_offset()) as usize;
        file.read_array::<CQ_ENTRY_SIZE>(position)
            .map(CqEntry::from_bytes)
    }

    /// Up to `max_count` entries from queue offset `offset`, stopping at the end of the file that holds it.
    pub fn entries_from(&self, offset: i64, max_count: usize) -> Result<EntriesAt> {
        let Ok(byte_offset) = u64::try_from(offset).map(|offset| offset * CQ_ENTRY_SIZE as u64) else {
            return Ok(EntriesAt::FileMissing);
        };
        let Some(file) = self.files.find(byte_offset) else {
            return Ok(EntriesAt::FileMissing);
        };
        let position = (byte_offset - file.start_offset()) as usize;
        let available = file.write_position().saturating_sub(position) / CQ_ENTRY_SIZE;
        let count = available.min(max_count);
        let mut raw = Vec::with_capacity(count * CQ_ENTRY_SIZE);
        if !file.read_into(position, count * CQ_ENTRY_SIZE, &mut raw) {
            return Err(StoreError::corrupt(
                file.path(),
                position as u64,
                "consume-queue entries vanished while being read",
            ));
        }
        Ok(EntriesAt::Found(
            raw.chunks_exact(CQ_ENTRY_SIZE)
                .filter_map(|chunk| chunk.try_into().ok().map(CqEntry::from_bytes))
                .collect(),
        ))
    }
}

fn read_entry(bytes: &[u8]) -> Option<CqEntry> {
    bytes.try_into().ok().map(CqEntry::from_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(offset: i64) -> CqEntry {
        CqEntry {
            commit_log_offset: offset * 100,
            size: 100,
            tags_code: offset,
        }
    }

    #[test]
    fn put_read_recover_and_truncate() {
        let dir = tempfile::tempdir().unwrap();
        let queue = ConsumeQueue::open(dir.path(), "T", 0, 4).unwrap();
        for offset in 0..10 {
            assert_eq!(queue.put(offset, entry(offset)).unwrap(), CqPut::Written);
        }
        assert_eq!(queue.put(3, entry(3)).unwrap(), CqPut::AlreadyStored);
        assert_eq!(
            queue.put(12, entry(12)).unwrap(),
            CqPut::OutOfOrder { next: 10 },
            "no gap in a queue that has entries"
        );
        assert_eq!(queue.put(-1, entry(0)).unwrap(), CqPut::OutOfOrder { next: 10 });
        assert_eq!(queue.max_offset(), 10, "nothing written for refused entries");
        assert_eq!(queue.max_offset(), 10);
        assert_eq!(queue.entry(5), Some(entry(5)));
        assert_eq!(
            queue.entries_from(5, 10).unwrap(),
            EntriesAt::Found(vec![entry(5), entry(6), entry(7)])
        );
        assert_eq!(queue.next_file_start(5), 8);
        drop(queue);
        let queue = ConsumeQueue::open(dir.path(), "T", 0, 4).unwrap();
        queue.recover(750).unwrap();
        assert_eq!(
            queue.max_offset(),
            7,
            "entries past the commitlog end are dropped"
        );
        queue.truncate_from_commit_log_offset(450).unwrap();
        assert_eq!(queue.max_offset(), 5);
        assert_eq!(queue.min_offset(), 0);
    }

    #[test]
    fn a_queue_starting_late_gets_fillers() {
        let dir = tempfile::tempdir().unwrap();
        let queue = ConsumeQueue::open(dir.path(), "T", 1, 4).unwrap();
        queue.put(6, entry(6)).unwrap();
        assert_eq!((queue.min_offset(), queue.max_offset()), (6, 7));
        assert_eq!(queue.entry(4), Some(CqEntry::FILLER));
        drop(queue);
        let queue = ConsumeQueue::open(dir.path(), "T", 1, 4).unwrap();
        queue.recover(10_000).unwrap();
        assert_eq!((queue.min_offset(), queue.max_offset()), (6, 7));
        assert_eq!(queue.entries_from(0, 4).unwrap(), EntriesAt::FileMissing);
    }
}
