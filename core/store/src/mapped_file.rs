//! `MappedFile`: one preallocated store file of fixed size, mapped into memory, written at a write position and
//! flushed up to a flushed position (RocketMQ's `MappedFile`, agatedb's `wal.rs`).
//!
//! Concurrency: the mapping sits behind a `RwLock`. A writer holds the write lock only while copying bytes in,
//! a reader holds the read lock only while copying bytes out, so neither blocks the other for long; cold reads
//! happen on older files, which writers no longer touch. Flushing does not take the lock at all: it fsyncs the
//! file descriptor, which on Linux is what `msync(MS_SYNC)` does for a shared mapping (dirty mapped pages are
//! page-cache pages of the file). Positions are atomics: bytes below the write position are complete and visible
//! to any thread that reads the position with `Acquire`.
//!
//! Durability of the file itself (its size and its name in the directory) depends on [`CreateSync`]: either
//! made durable when the file is created (commitlog files), or with the file's first flush (consume-queue
//! files, which are derived data: creating one on the put path then costs no fsync, as in Apache's broker).

use std::fmt;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use memmap2::{Advice, MmapMut};

use crate::error::{IoContext, Result, StoreError};
use crate::fs_util::{offset_to_file_name, sync_dir};
use crate::mmap::map_file;

/// The granularity at which [`MappedFile::zero_from`] checks for data to erase.
const PAGE_SIZE: usize = 4096;

/// When the creation of a file (its length and its name) is made durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateSync {
    /// At creation: the file is fsynced before it is renamed to its real name, and the directory after. For
    /// files whose loss is not recoverable (the commitlog), created off the put path by the allocator thread.
    Now,
    /// At the file's first [`flush`](MappedFile::flush), which fsyncs the file and its directory before it
    /// reports any position as flushed. Creation itself does no fsync. For files that can be rebuilt (consume
    /// queues): after a power loss, a file that was never flushed may be missing or have a wrong length, and
    /// its owner must accept that (`MappedFileQueue::open` deletes such a file at the end of a queue).
    OnFirstFlush,
}

/// A fixed-size file mapped into memory, named by its 20-digit start offset.
pub struct MappedFile {
    path: PathBuf,
    file: File,
    start_offset: u64,
    size: usize,
    map: RwLock<MmapMut>,
    write_position: AtomicUsize,
    flushed_position: AtomicUsize,
    /// Whether the file's length and name are known to be durable; if not, the next flush makes them so.
    creation_durable: AtomicBool,
}

impl fmt::Debug for MappedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MappedFile")
            .field("path", &self.path)
            .field("start_offset", &self.start_offset)
            .field("size", &self.size)
            .field("write_position", &self.write_position())
            .field("flushed_position", &self.flushed_position())
            .field("creation_durable", &self.creation_is_durable())
            .finish()
    }
}

impl MappedFile {
    /// Creates the file for `start_offset` in `dir` with `size` bytes (all zero) and maps it.
    ///
    /// The file is first prepared under a temporary name and renamed when complete. With [`CreateSync::Now`] the
    /// file is fsynced before the rename and the directory after it, so that no crash, not even a power loss,
    /// leaves a short file under a real name. With [`CreateSync::OnFirstFlush`] both fsyncs wait for the first
    /// flush; until then a power loss may leave the file missing or with a wrong length (a process crash
    /// cannot: the page cache survives it).
    pub fn create(dir: &Path, start_offset: u64, size: usize, sync: CreateSync) -> Result<MappedFile> {
        let name = offset_to_file_name(start_offset);
        let path = dir.join(&name);
        if path.exists() {
            return Err(StoreError::io(
                "create mapped file",
                &path,
                std::io::Error::from(std::io::ErrorKind::AlreadyExists),
            ));
        }
        let temp_path = dir.join(format!("{name}.tmp"));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp_path)
            .with_path("create mapped file", &temp_path)?;
        file.set_len(size as u64)
            .with_path("preallocate mapped file", &temp_path)?;
        if sync == CreateSync::Now {
            file.sync_all().with_path("sync mapped file", &temp_path)?;
        }
        std::fs::rename(&temp_path, &path).with_path("rename mapped file", &path)?;
        if sync == CreateSync::Now {
            sync_dir(dir)?;
        }
        let mapped = Self::map(path, file, start_offset, size)?;
        mapped
            .creation_durable
            .store(sync == CreateSync::Now, Ordering::Release);
        Ok(mapped)
    }

    /// Opens and maps an existing file that must be exactly `size` bytes long. The write position starts at 0;
    /// recovery sets it. The file's creation counts as durable (recovery after an unclean stop says otherwise:
    /// the file may then be in the page cache only).
    pub fn open(path: &Path, start_offset: u64, size: usize) -> Result<MappedFile> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .with_path("open mapped file", path)?;
        let len = file.metadata().with_path("stat mapped file", path)?.len();
        if len != size as u64 {
            return Err(StoreError::corrupt(
                path,
                0,
                format!("the file has {len} bytes, the configured file size is {size}"),
            ));
        }
        Self::map(path.to_path_buf(), file, start_offset, size)
    }

    fn map(path: PathBuf, file: File, start_offset: u64, size: usize) -> Result<MappedFile> {
        let map = map_file(&file, size).with_path("map file", &path)?;
        Ok(MappedFile {
            path,
            file,
            start_offset,
            size,
            map: RwLock::new(map),
            write_position: AtomicUsize::new(0),
            flushed_position: AtomicUsize::new(0),
            creation_durable: AtomicBool::new(true),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The offset of the file's first byte in its queue's offset space (the file's name).
    pub fn start_offset(&self) -> u64 {
        self.start_offset
    }

    /// The offset just past the file's last byte.
    pub fn end_offset(&self) -> u64 {
        self.start_offset + self.size as u64
    }

    /// The file size in bytes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Where the next append goes; bytes before it are written.
    pub fn write_position(&self) -> usize {
        self.write_position.load(Ordering::Acquire)
    }

    /// Bytes before this position are durable.
    pub fn flushed_position(&self) -> usize {
        self.flushed_position.load(Ordering::Acquire)
    }

    /// Bytes left after the write position.
    pub fn remaining(&self) -> usize {
        self.size - self.write_position()
    }

    /// Whether no byte is left after the write position.
    pub fn is_full(&self) -> bool {
        self.write_position() >= self.size
    }

    /// Appends `data` at the write position and returns the position it starts at.
    pub fn append(&self, data: &[u8]) -> Result<usize> {
        let mut map = self.write_map();
        let position = self.write_position.load(Ordering::Acquire);
        let end = position
            .checked_add(data.len())
            .filter(|end| *end <= self.size)
            .ok_or_else(|| StoreError::NoSpace {
                path: self.path.clone(),
                position,
                needed: data.len(),
                size: self.size,
            })?;
        map[position..end].copy_from_slice(data);
        self.write_position.store(end, Ordering::Release);
        Ok(position)
    }

    /// Moves the write position to the end of the file without writing (the rest of the file is unused).
    pub fn mark_full(&self) {
        let _map = self.write_map();
        self.write_position.store(self.size, Ordering::Release);
    }

    /// Calls `read` with the written bytes `position..position + len`, or returns `None` if they are not all
    /// below the write position.
    pub fn with_bytes<R>(&self, position: usize, len: usize, read: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let end = position.checked_add(len)?;
        if end > self.write_position() {
            return None;
        }
        let map = self.read_map();
        map.get(position..end).map(read)
    }

    /// Copies the written bytes `position..position + len` to the end of `out`; `false` if they are not all
    /// below the write position.
    pub fn read_into(&self, position: usize, len: usize, out: &mut Vec<u8>) -> bool {
        self.with_bytes(position, len, |bytes| out.extend_from_slice(bytes))
            .is_some()
    }

    /// The `N` written bytes at `position`.
    pub fn read_array<const N: usize>(&self, position: usize) -> Option<[u8; N]> {
        self.with_bytes(position, N, |bytes| {
            let mut array = [0u8; N];
            array.copy_from_slice(bytes);
            array
        })
    }

    /// Calls `read` with bytes `position..position + len` of the file, written or not (recovery reads what a
    /// previous run left behind).
    pub fn with_raw_bytes<R>(&self, position: usize, len: usize, read: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let end = position.checked_add(len)?;
        let map = self.read_map();
        map.get(position..end).map(read)
    }

    /// Whether the file's length and name are known to be durable: always for [`CreateSync::Now`], and after
    /// the first flush for [`CreateSync::OnFirstFlush`].
    pub fn creation_is_durable(&self) -> bool {
        self.creation_durable.load(Ordering::Acquire)
    }

    /// Tells the kernel not to read around a page fault of the mapping (`MADV_RANDOM`). A fault on a page not
    /// in the page cache otherwise reads the pages around it, up to the device's `read_ahead_kb`: on a fresh
    /// file (a hole) that zero-fills, on the put path, as much page cache as the window holds (several MiB
    /// with a large `read_ahead_kb`, i.e. the whole of a consume-queue file). With the advice a fault reads one
    /// page. For files written by small appends and mostly read where just written (consume queues).
    pub fn advise_no_read_around(&self) {
        if let Err(error) = self.read_map().advise(Advice::Random) {
            // Only a hint: the file works the same without it.
            tracing::debug!(%error, file = %self.path.display(), "madvise(MADV_RANDOM) failed");
        }
    }

    /// Recovery after an unclean stop: the file, opened as it was left, may have been created with
    /// [`CreateSync::OnFirstFlush`] and never flushed, so that only the page cache holds its length and name.
    /// Its next flush makes them durable again, however little is written.
    pub(crate) fn assume_creation_not_durable(&self) {
        self.creation_durable.store(false, Ordering::Release);
    }

    /// Makes everything written durable (fsync of the file) and returns the new flushed position. The first
    /// flush of a file whose creation is not durable yet also makes its length (fsync of the file, metadata
    /// included) and its name (fsync of its directory) durable, even with nothing written, before any position
    /// counts as flushed.
    pub fn flush(&self) -> Result<usize> {
        let target = self.write_position();
        if !self.creation_is_durable() {
            self.file.sync_all().with_path("flush mapped file", &self.path)?;
            if let Some(dir) = self.path.parent() {
                sync_dir(dir)?;
            }
            self.creation_durable.store(true, Ordering::Release);
            self.flushed_position.fetch_max(target, Ordering::AcqRel);
        } else if target > self.flushed_position() {
            self.file.sync_data().with_path("flush mapped file", &self.path)?;
            self.flushed_position.fetch_max(target, Ordering::AcqRel);
        }
        Ok(self.flushed_position())
    }

    /// Recovery: sets the write position to `position` (clamped to the size), keeping the bytes.
    pub fn set_write_position(&self, position: usize) {
        let _map = self.write_map();
        self.write_position
            .store(position.min(self.size), Ordering::Release);
    }

    /// Recovery: records that bytes before `position` are already durable.
    pub fn set_flushed_position(&self, position: usize) {
        self.flushed_position
            .store(position.min(self.size), Ordering::Release);
    }

    /// Truncates logically at `position`: every non-zero byte from there to the end of the file becomes zero and
    /// the write and flushed positions move back to `position`. Pages that hold only zeros (including the holes
    /// of a fresh file) are read but not written, so this costs little on a mostly empty file.
    pub fn zero_from(&self, position: usize) {
        let position = position.min(self.size);
        let mut map = self.write_map();
        let mut start = position;
        while start < self.size {
            let end = ((start / PAGE_SIZE) + 1) * PAGE_SIZE;
            let end = end.min(self.size);
            let chunk = &mut map[start..end];
            if chunk.iter().any(|byte| *byte != 0) {
                chunk.fill(0);
            }
            start = end;
        }
        self.write_position.store(position, Ordering::Release);
        self.flushed_position.fetch_min(position, Ordering::AcqRel);
    }

    /// When the file was last written, in ms since the Unix epoch (its modification time, as Java's
    /// `getLastModifiedTimestamp`), or `None` if it cannot be read (a file already deleted).
    pub fn last_modified_millis(&self) -> Option<i64> {
        let modified = self.file.metadata().ok()?.modified().ok()?;
        let elapsed = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        i64::try_from(elapsed.as_millis()).ok()
    }

    /// Deletes the file from disk. The mapping stays valid until the last reference is dropped.
    pub fn delete(&self) -> Result<()> {
        std::fs::remove_file(&self.path).with_path("delete mapped file", &self.path)
    }

    fn read_map(&self) -> RwLockReadGuard<'_, MmapMut> {
        // A poisoned lock only means a thread panicked while holding it; the bytes are still the file's bytes.
        self.map.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write_map(&self) -> RwLockWriteGuard<'_, MmapMut> {
        self.map.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_read_flush_and_zero() {
        let dir = tempfile::tempdir().unwrap();
        let file = MappedFile::create(dir.path(), 8192, 10_000, CreateSync::Now).unwrap();
        assert!(file.creation_is_durable());
        assert_eq!(file.path().file_name().unwrap(), "00000000000000008192");
        assert_eq!(file.append(b"hello").unwrap(), 0);
        assert_eq!(file.append(b" world").unwrap(), 5);
        assert_eq!(file.write_position(), 11);
        assert_eq!(file.read_array::<5>(6), Some(*b"world"));
        assert_eq!(file.read_array::<5>(7), None, "past the write position");
        assert_eq!(file.flush().unwrap(), 11);
        assert!(file.append(&vec![1u8; 10_000]).is_err());
        file.append(&vec![7u8; 5000]).unwrap();
        file.zero_from(3);
        assert_eq!(file.write_position(), 3);
        assert_eq!(file.flushed_position(), 3);
        assert_eq!(
            file.with_raw_bytes(0, 10_000, |b| b.iter().filter(|x| **x != 0).count()),
            Some(3)
        );
        drop(file);
        let reopened = MappedFile::open(&dir.path().join("00000000000000008192"), 8192, 10_000).unwrap();
        assert_eq!(reopened.with_raw_bytes(0, 3, |b| b.to_vec()).unwrap(), b"hel");
        assert!(MappedFile::open(&dir.path().join("00000000000000008192"), 8192, 4096).is_err());
        assert!(
            MappedFile::create(dir.path(), 8192, 10_000, CreateSync::Now).is_err(),
            "exists"
        );
    }

    #[test]
    fn a_file_created_on_first_flush_is_made_durable_by_its_first_flush() {
        let dir = tempfile::tempdir().unwrap();
        let file = MappedFile::create(dir.path(), 0, 4096, CreateSync::OnFirstFlush).unwrap();
        assert!(!file.creation_is_durable());
        assert!(!dir.path().join("00000000000000000000.tmp").exists());
        assert_eq!(
            std::fs::metadata(file.path()).unwrap().len(),
            4096,
            "complete under its real name"
        );
        file.append(b"entry").unwrap();
        assert!(!file.creation_is_durable(), "appending does not sync");
        assert_eq!(file.flush().unwrap(), 5);
        assert!(file.creation_is_durable());
        file.append(b"more").unwrap();
        assert_eq!(file.flush().unwrap(), 9);
        assert!(file.creation_is_durable());

        let empty = MappedFile::create(dir.path(), 4096, 4096, CreateSync::OnFirstFlush).unwrap();
        assert_eq!(empty.flush().unwrap(), 0, "nothing written: nothing flushed");
        assert!(empty.creation_is_durable(), "but its creation is durable");

        let reopened = MappedFile::open(file.path(), 0, 4096).unwrap();
        assert!(reopened.creation_is_durable());
        reopened.set_write_position(9);
        reopened.set_flushed_position(9);
        reopened.assume_creation_not_durable();
        assert_eq!(reopened.flush().unwrap(), 9);
        assert!(reopened.creation_is_durable());
    }
}
