//! `MappedFileQueue`: the ordered mapped files of one directory, which together form one contiguous offset space
//! (a commitlog, or one consume queue). Each file is named by its start offset and has the same size.
//!
//! The queue knows nothing about what the bytes mean: rolling over with a filler, recovery scans and dispatch
//! belong to its users. Appends go to the last file, one writer at a time (the user serialises them).
//!
//! Once the store enables preallocation, the queue asks the allocator thread for its next file when the last
//! file is half written ([`note_append`](MappedFileQueue::note_append)), and
//! [`create_next_file`](MappedFileQueue::create_next_file) takes that spare when it is ready, so the writer
//! rarely creates a file itself (`spare_file.rs`).
//!
//! The queue is told how its files, spares included, become durable ([`CreateSync`]): the commitlog's as they
//! are created, a consume queue's with their first flush, which keeps fsync off the put path when a new queue
//! gets its first file.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::allocate::AllocationRequests;
use crate::error::{Result, StoreError};
use crate::fs_util::{create_dir_all, create_dir_all_durable, sync_dir};
use crate::mapped_file::{CreateSync, MappedFile};
use crate::queue_files::load_files;
use crate::spare_file::SpareSlot;

/// `spare_requested_for` when no spare is requested.
const NO_SPARE: u64 = u64::MAX;

/// The mapped files of one directory, in offset order, without gaps.
pub struct MappedFileQueue {
    dir: PathBuf,
    file_size: usize,
    sync: CreateSync,
    /// Whether page faults of the files may read around (see [`MappedFile::advise_no_read_around`]).
    read_around: bool,
    files: RwLock<Vec<Arc<MappedFile>>>,
    flushed_where: AtomicU64,
    spare: Arc<SpareSlot>,
    allocator: OnceLock<Arc<AllocationRequests>>,
    /// The start offset of the spare last requested (a cheap check for the writer after each append).
    spare_requested_for: AtomicU64,
}

impl fmt::Debug for MappedFileQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MappedFileQueue")
            .field("dir", &self.dir)
            .field("file_size", &self.file_size)
            .field("sync", &self.sync)
            .field("read_around", &self.read_around)
            .field("files", &self.read_files().len())
            .field("min_offset", &self.min_offset())
            .field("max_offset", &self.max_offset())
            .finish()
    }
}

impl MappedFileQueue {
    /// Opens the queue in `dir` (created if missing) and maps its files (`queue_files.rs`: leftovers of a
    /// creation cut short are removed, files must follow each other and have `file_size` bytes, except that a
    /// queue created with [`CreateSync::OnFirstFlush`] drops wrong-sized files at its end). Every write position
    /// starts at 0: the user's recovery decides where the data ends.
    ///
    /// `sync` also decides how the queue creates its files, spares included. With [`CreateSync::Now`] a
    /// directory created here is made durable at once; with [`CreateSync::OnFirstFlush`] the entries of
    /// directories created here are the owner's to sync before it counts on the queue's data (the files' own
    /// names are synced by their first flush).
    pub fn open(dir: &Path, file_size: usize, sync: CreateSync) -> Result<MappedFileQueue> {
        if file_size == 0 {
            return Err(StoreError::InvalidConfig("mapped file size 0".into()));
        }
        match sync {
            CreateSync::Now => create_dir_all_durable(dir)?,
            CreateSync::OnFirstFlush => create_dir_all(dir)?,
        }
        let files = load_files(dir, file_size, sync)?;
        Ok(MappedFileQueue {
            dir: dir.to_path_buf(),
            file_size,
            sync,
            read_around: true,
            files: RwLock::new(files),
            flushed_where: AtomicU64::new(0),
            spare: Arc::new(SpareSlot::new(dir, file_size, sync)),
            allocator: OnceLock::new(),
            spare_requested_for: AtomicU64::new(NO_SPARE),
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The size of every file.
    pub fn file_size(&self) -> usize {
        self.file_size
    }

    /// The queue with every file, loaded or added later, advised not to read around page faults
    /// ([`MappedFile::advise_no_read_around`]).
    pub fn without_read_around(mut self) -> MappedFileQueue {
        self.read_around = false;
        for file in self.read_files().iter() {
            file.advise_no_read_around();
        }
        self
    }

    /// How the queue makes the creation of its files durable.
    pub fn create_sync(&self) -> CreateSync {
        self.sync
    }

    /// Recovery after an unclean stop: the files as loaded may have been created and never flushed (only the page
    /// cache holds them), so the next flush of each makes its length and name durable again. Flushes skip the
    /// files that are full and flushed, which recovery trusts as durable.
    pub(crate) fn assume_creation_not_durable(&self) {
        for file in self.read_files().iter() {
            file.assume_creation_not_durable();
        }
    }

    /// A snapshot of the files, in order.
    pub fn files(&self) -> Vec<Arc<MappedFile>> {
        self.read_files().clone()
    }

    /// Whether the queue has no file.
    pub fn is_empty(&self) -> bool {
        self.read_files().is_empty()
    }

    /// The first file.
    pub fn first_file(&self) -> Option<Arc<MappedFile>> {
        self.read_files().first().cloned()
    }

    /// The last file, where appends go.
    pub fn last_file(&self) -> Option<Arc<MappedFile>> {
        self.read_files().last().cloned()
    }

    /// Adds the file that starts at `start_offset` at the end: the preallocated spare if it is ready (or being
    /// created: then this waits for it), otherwise a file created now. When the queue has files, the new one
    /// must start where the last one ends.
    pub fn create_file(&self, start_offset: u64) -> Result<Arc<MappedFile>> {
        self.check_next_start(start_offset)?;
        // No lock is held while a file is created, so readers are not held up by the file system.
        let file = match self.spare.take(start_offset) {
            Some(spare) => spare,
            None => Arc::new(MappedFile::create(
                &self.dir,
                start_offset,
                self.file_size,
                self.sync,
            )?),
        };
        if !self.read_around {
            file.advise_no_read_around();
        }
        let mut files = self.write_files();
        let expected = files.last().map(|last| last.end_offset());
        if expected.is_some_and(|expected| expected != start_offset) {
            // Only the single writer adds files, so this is a caller's bug; do not leave the file behind.
            drop(files);
            let _ = file.delete();
            return Err(self.not_next(start_offset, expected));
        }
        files.push(file.clone());
        Ok(file)
    }

    /// Adds the file after the last one (or the file at 0 in an empty queue); see
    /// [`create_file`](Self::create_file).
    pub fn create_next_file(&self) -> Result<Arc<MappedFile>> {
        let start = self.last_file().map_or(0, |last| last.end_offset());
        self.create_file(start)
    }

    fn check_next_start(&self, start_offset: u64) -> Result<()> {
        let expected = self.last_file().map(|last| last.end_offset());
        if expected.is_some_and(|expected| expected != start_offset) {
            return Err(self.not_next(start_offset, expected));
        }
        Ok(())
    }

    fn not_next(&self, start_offset: u64, expected: Option<u64>) -> StoreError {
        StoreError::corrupt(
            &self.dir,
            start_offset,
            format!("a new file must start at {}", expected.unwrap_or(0)),
        )
    }

    /// Lets the queue ask `requests` (the allocator thread) for its next file ahead of time, from now on.
    pub(crate) fn enable_preallocation(&self, requests: Arc<AllocationRequests>) {
        if self.allocator.set(requests).is_ok()
            && let Some(last) = self.last_file()
        {
            self.note_append(&last);
        }
    }

    /// Tells the queue that `file`, its last file, was written to: once it is half written, the next file is
    /// requested from the allocator (once). Costs two atomic loads on the common path, and never does I/O.
    pub(crate) fn note_append(&self, file: &MappedFile) {
        if file.write_position() < self.file_size / 2 {
            return;
        }
        let next = file.end_offset();
        if self.spare_requested_for.load(Ordering::Acquire) == next {
            return;
        }
        let Some(requests) = self.allocator.get() else {
            return;
        };
        self.spare_requested_for.store(next, Ordering::Release);
        if self.spare.want(next) {
            requests.submit(self.spare.clone());
        }
    }

    /// Shutdown: deletes the spare (waiting for its creation if in progress) and asks for no more.
    pub(crate) fn close_spare(&self) {
        self.spare.close();
    }

    /// The start offset of the spare file, if one is ready.
    #[cfg(test)]
    pub(crate) fn spare_ready_start(&self) -> Option<u64> {
        self.spare.ready_start()
    }

    fn forget_spare(&self) {
        self.spare.discard();
        self.spare_requested_for.store(NO_SPARE, Ordering::Release);
    }

    /// The file whose range holds `offset`.
    pub fn find(&self, offset: u64) -> Option<Arc<MappedFile>> {
        let files = self.read_files();
        let first = files.first()?;
        let index = offset.checked_sub(first.start_offset())? / self.file_size as u64;
        let file = files.get(usize::try_from(index).ok()?)?;
        (file.start_offset() <= offset && offset < file.end_offset()).then(|| file.clone())
    }

    /// The start of the first file (0 without files).
    pub fn min_offset(&self) -> u64 {
        self.first_file().map_or(0, |file| file.start_offset())
    }

    /// The offset just past the last written byte (0 without files).
    pub fn max_offset(&self) -> u64 {
        self.last_file()
            .map_or(0, |file| file.start_offset() + file.write_position() as u64)
    }

    /// The offset below which every written byte is durable, as of the last [`flush`](Self::flush).
    pub fn flushed_offset(&self) -> u64 {
        self.flushed_where.load(Ordering::Acquire)
    }

    /// Recovery: records that everything below `offset` is already durable.
    pub fn set_flushed_offset(&self, offset: u64) {
        self.flushed_where.store(offset, Ordering::Release);
    }

    /// Makes every written byte durable, fsyncing only the files with unflushed data (or whose creation is not
    /// durable yet, see [`MappedFile::flush`]), and returns the new flushed offset. Meant for one flushing thread
    /// at a time; appends may continue meanwhile.
    pub fn flush(&self) -> Result<u64> {
        let files = self.files();
        let from = self.flushed_offset();
        let mut flushed = from;
        for file in &files {
            if file.end_offset() <= from && file.flushed_position() >= file.write_position() {
                continue;
            }
            let position = file.flush()?;
            flushed = file.start_offset() + position as u64;
            if position < file.size() {
                break;
            }
        }
        self.flushed_where.fetch_max(flushed, Ordering::AcqRel);
        Ok(self.flushed_offset())
    }

    /// Recovery and repair: drops everything from `offset` on. The file holding `offset` keeps its bytes before
    /// it and is zeroed after it; files that start at or after `offset` are deleted, except that a file starting
    /// exactly at `offset` is kept, empty.
    pub fn truncate_from(&self, offset: u64) -> Result<()> {
        self.forget_spare();
        let mut files = self.write_files();
        let mut deleted = false;
        let mut kept = Vec::with_capacity(files.len());
        for file in files.drain(..) {
            if file.end_offset() <= offset {
                kept.push(file);
            } else if file.start_offset() <= offset {
                file.zero_from((offset - file.start_offset()) as usize);
                kept.push(file);
            } else {
                file.delete()?;
                deleted = true;
            }
        }
        *files = kept;
        drop(files);
        self.flushed_where.fetch_min(offset, Ordering::AcqRel);
        if deleted {
            sync_dir(&self.dir)?;
        }
        Ok(())
    }

    /// Recovery: deletes the files at the end of the queue whose first `probe_len` bytes are zero, but never the
    /// first file; returns how many were deleted. Such a file holds nothing readable (the users of a queue never
    /// write a record that starts with `probe_len` zero bytes, and records follow each other from the start of a
    /// file): it is a spare that was preallocated but not used, or a file created just before a crash. Left in
    /// place, it would pass for the last file, and the file before it for a full one.
    pub fn drop_empty_tail(&self, probe_len: usize) -> Result<usize> {
        let mut files = self.write_files();
        let mut count = 0;
        while files.len() > 1 {
            let Some(last) = files.last() else { break };
            let empty = last
                .with_raw_bytes(0, probe_len, |bytes| bytes.iter().all(|byte| *byte == 0))
                .unwrap_or(false);
            if !empty {
                break;
            }
            tracing::info!(file = %last.path().display(), "deleting an empty file after the last written one");
            last.delete()?;
            files.pop();
            count += 1;
        }
        drop(files);
        if count > 0 {
            sync_dir(&self.dir)?;
        }
        Ok(count)
    }

    /// Deletes the whole files that end at or before `offset`, oldest first, never the last file; returns how
    /// many were deleted. (Retention builds on this.)
    pub fn delete_files_before(&self, offset: u64) -> Result<usize> {
        let mut files = self.write_files();
        let mut count = 0;
        while files.len() > 1 && files.first().is_some_and(|file| file.end_offset() <= offset) {
            let file = files.remove(0);
            file.delete()?;
            count += 1;
        }
        drop(files);
        if count > 0 {
            sync_dir(&self.dir)?;
        }
        Ok(count)
    }

    /// Retention (Java's `deleteExpiredFileByTime` / `deleteExpiredFileByOffset`): deletes files from the oldest
    /// while `expired` says so, never the last (active) file, at most `max` files, pausing `pause` between two
    /// deletions; stops at the first file that is not expired, so the queue never gets a hole. Returns how many
    /// were deleted. Readers that still hold a deleted file keep a valid mapping until they drop it.
    pub fn delete_expired_files(
        &self,
        max: usize,
        pause: std::time::Duration,
        expired: impl Fn(&MappedFile) -> bool,
    ) -> Result<usize> {
        let mut count = 0;
        while count < max {
            let Some(first) = ({
                let files = self.read_files();
                (files.len() > 1).then(|| files[0].clone())
            }) else {
                break;
            };
            if !expired(&first) {
                break;
            }
            {
                let mut files = self.write_files();
                if files.len() < 2 || !Arc::ptr_eq(&files[0], &first) {
                    break;
                }
                files.remove(0);
            }
            tracing::info!(file = %first.path().display(), "deleting an expired file");
            first.delete()?;
            count += 1;
            if count < max && !pause.is_zero() {
                std::thread::sleep(pause);
            }
        }
        if count > 0 {
            sync_dir(&self.dir)?;
        }
        Ok(count)
    }

    /// Deletes every file (used when a queue must restart at another offset).
    pub fn delete_all(&self) -> Result<()> {
        self.forget_spare();
        let mut files = self.write_files();
        for file in files.drain(..) {
            file.delete()?;
        }
        drop(files);
        self.flushed_where.store(0, Ordering::Release);
        sync_dir(&self.dir)
    }

    fn read_files(&self) -> RwLockReadGuard<'_, Vec<Arc<MappedFile>>> {
        self.files.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write_files(&self) -> RwLockWriteGuard<'_, Vec<Arc<MappedFile>>> {
        self.files
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_roll_find_truncate_and_reload() {
        let dir = tempfile::tempdir().unwrap();
        let queue = MappedFileQueue::open(dir.path(), 100, CreateSync::Now).unwrap();
        assert_eq!(queue.max_offset(), 0);
        assert!(queue.find(0).is_none());
        for _ in 0..3 {
            let file = queue.create_next_file().unwrap();
            file.append(&[1u8; 100]).unwrap();
        }
        assert_eq!(queue.max_offset(), 300);
        assert_eq!(queue.find(250).unwrap().start_offset(), 200);
        assert!(queue.find(300).is_none());
        assert_eq!(queue.flush().unwrap(), 300);
        assert!(queue.create_file(500).is_err(), "gap");
        queue.truncate_from(150).unwrap();
        assert_eq!(queue.files().len(), 2);
        assert_eq!(queue.max_offset(), 150);
        assert_eq!(queue.flushed_offset(), 150);
        std::fs::write(dir.path().join("00000000000000000200.tmp"), b"x").unwrap();
        std::fs::write(dir.path().join("README"), b"x").unwrap();
        drop(queue);
        let queue = MappedFileQueue::open(dir.path(), 100, CreateSync::Now).unwrap();
        assert_eq!(queue.files().len(), 2);
        assert!(!dir.path().join("00000000000000000200.tmp").exists());
        assert_eq!(queue.delete_files_before(1000).unwrap(), 1);
        assert_eq!(queue.min_offset(), 100);
        std::fs::write(dir.path().join("00000000000000000300"), [0u8; 100]).unwrap();
        drop(queue);
        assert!(
            MappedFileQueue::open(dir.path(), 100, CreateSync::Now).is_err(),
            "gap between 100 and 300"
        );
    }

    /// Waits (bounded) until the queue has a ready spare.
    fn wait_for_spare(queue: &MappedFileQueue) -> u64 {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(start) = queue.spare_ready_start() {
                return start;
            }
            assert!(std::time::Instant::now() < deadline, "no spare was created");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[test]
    fn the_next_file_is_preallocated_once_the_last_is_half_written_and_then_taken() {
        let dir = tempfile::tempdir().unwrap();
        let mut allocator = crate::allocate::FileAllocator::start().unwrap();
        let queue = MappedFileQueue::open(dir.path(), 100, CreateSync::Now).unwrap();
        let first = queue.create_next_file().unwrap();
        queue.enable_preallocation(allocator.requests());
        first.append(&[1u8; 49]).unwrap();
        queue.note_append(&first);
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(
            queue.spare_ready_start(),
            None,
            "less than half written: nothing requested"
        );
        first.append(&[1u8; 1]).unwrap();
        queue.note_append(&first);
        assert_eq!(wait_for_spare(&queue), 100);
        assert!(dir.path().join("00000000000000000100").exists());
        assert_eq!(queue.files().len(), 1, "a spare is not part of the queue");
        assert_eq!(queue.max_offset(), 50, "nor of its offsets");

        first.append(&[1u8; 50]).unwrap();
        let second = queue.create_next_file().unwrap();
        assert_eq!(second.start_offset(), 100);
        assert_eq!(queue.spare_ready_start(), None, "taken");
        second.append(&[2u8; 60]).unwrap();
        queue.note_append(&second);
        assert_eq!(wait_for_spare(&queue), 200);

        // Truncation discards the spare: it may no longer follow the last file.
        queue.truncate_from(150).unwrap();
        assert_eq!(queue.spare_ready_start(), None);
        assert!(!dir.path().join("00000000000000000200").exists());
        second.append(&[2u8; 10]).unwrap();
        queue.note_append(&second);
        assert_eq!(wait_for_spare(&queue), 200, "requested again");
        queue.close_spare();
        assert!(
            !dir.path().join("00000000000000000200").exists(),
            "shutdown deletes it"
        );
        allocator.stop();
        second.append(&[2u8; 40]).unwrap();
        assert_eq!(
            queue.create_next_file().unwrap().start_offset(),
            200,
            "created by the writer"
        );
    }

    #[test]
    fn empty_files_at_the_end_are_dropped_but_never_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let queue = MappedFileQueue::open(dir.path(), 100, CreateSync::Now).unwrap();
        queue.create_next_file().unwrap().append(&[1u8; 30]).unwrap();
        let second = queue.create_next_file().unwrap();
        second.append(&[0u8; 8]).unwrap();
        second.append(&[9u8; 8]).unwrap();
        queue.create_next_file().unwrap();
        drop((queue, second));
        let queue = MappedFileQueue::open(dir.path(), 100, CreateSync::Now).unwrap();
        assert_eq!(
            queue.drop_empty_tail(8).unwrap(),
            2,
            "a file that starts with zeros holds nothing readable"
        );
        assert_eq!(queue.files().len(), 1);
        assert!(!dir.path().join("00000000000000000100").exists());
        assert_eq!(queue.drop_empty_tail(8).unwrap(), 0);

        let empty_dir = tempfile::tempdir().unwrap();
        let queue = MappedFileQueue::open(empty_dir.path(), 100, CreateSync::Now).unwrap();
        queue.create_file(300).unwrap();
        queue.create_next_file().unwrap();
        assert_eq!(queue.drop_empty_tail(8).unwrap(), 1);
        assert_eq!(
            (queue.files().len(), queue.min_offset(), queue.max_offset()),
            (1, 300, 300)
        );
    }

    #[test]
    fn a_queue_created_on_first_flush_makes_its_files_durable_when_it_flushes() {
        let dir = tempfile::tempdir().unwrap();
        let queue = MappedFileQueue::open(dir.path(), 100, CreateSync::OnFirstFlush).unwrap();
        assert_eq!(queue.create_sync(), CreateSync::OnFirstFlush);
        queue.create_next_file().unwrap().append(&[1u8; 100]).unwrap();
        let second = queue.create_next_file().unwrap();
        second.append(&[2u8; 30]).unwrap();
        let durable = |queue: &MappedFileQueue| {
            queue
                .files()
                .iter()
                .map(|file| file.creation_is_durable())
                .collect::<Vec<_>>()
        };
        assert_eq!(durable(&queue), [false, false]);
        assert_eq!(queue.flush().unwrap(), 130);
        assert_eq!(durable(&queue), [true, true]);
        let third = queue.create_next_file().unwrap();
        second.append(&[2u8; 70]).unwrap();
        assert_eq!(queue.flush().unwrap(), 200);
        assert!(third.creation_is_durable(), "an empty last file too");

        // As recovery after an unclean stop does: full, flushed files are trusted and not synced again.
        for file in &queue.files()[..2] {
            file.set_flushed_position(file.size());
        }
        queue.assume_creation_not_durable();
        assert_eq!(queue.flush().unwrap(), 200);
        assert_eq!(durable(&queue), [false, false, true]);
    }

    /// The `VmFlags` of this process's mapping of `path` (Linux's `/proc/self/smaps`).
    #[cfg(target_os = "linux")]
    fn vm_flags(path: &Path) -> Vec<String> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut lines = smaps
            .lines()
            .skip_while(|line| !line.ends_with(path.to_str().unwrap()));
        lines
            .find_map(|line| line.strip_prefix("VmFlags:"))
            .unwrap()
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn files_of_a_queue_without_read_around_are_advised_random() {
        let dir = tempfile::tempdir().unwrap();
        let queue = MappedFileQueue::open(dir.path(), 4096, CreateSync::OnFirstFlush).unwrap();
        let normal = queue.create_next_file().unwrap();
        assert!(!vm_flags(normal.path()).contains(&"rr".to_owned()));
        drop((queue, normal));

        let queue = MappedFileQueue::open(dir.path(), 4096, CreateSync::OnFirstFlush)
            .unwrap()
            .without_read_around();
        let loaded = queue.first_file().unwrap();
        assert!(vm_flags(loaded.path()).contains(&"rr".to_owned()), "loaded");
        loaded.append(&[1u8; 4096]).unwrap();
        let created = queue.create_next_file().unwrap();
        assert!(vm_flags(created.path()).contains(&"rr".to_owned()), "created");
    }
}
