//! `MappedFileQueue`: the ordered mapped files of one directory, which together form one contiguous offset space
//! (a commitlog, or one consume queue). Each file is named by its start offset and has the same size.
//!
//! The queue knows nothing about what the bytes mean: rolling over with a filler, recovery scans and dispatch
//! belong to its users. Appends go to the last file, one writer at a time (the user serialises them).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::error::{IoContext, Result, StoreError};
use crate::fs_util::{create_dir_all, file_name_to_offset, sync_dir};
use crate::mapped_file::MappedFile;

/// The mapped files of one directory, in offset order, without gaps.
pub struct MappedFileQueue {
    dir: PathBuf,
    file_size: usize,
    files: RwLock<Vec<Arc<MappedFile>>>,
    flushed_where: AtomicU64,
}

impl fmt::Debug for MappedFileQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MappedFileQueue")
            .field("dir", &self.dir)
            .field("file_size", &self.file_size)
            .field("files", &self.read_files().len())
            .field("min_offset", &self.min_offset())
            .field("max_offset", &self.max_offset())
            .finish()
    }
}

impl MappedFileQueue {
    /// Opens the queue in `dir` (created if missing) and maps its files, each of which must be `file_size` bytes.
    ///
    /// Leftover `*.tmp` files (a file creation cut short by a crash) are removed; other names that are not 20
    /// digits are ignored. Files must follow each other without gaps. Every write position starts at 0: the
    /// user's recovery decides where the data ends.
    pub fn open(dir: &Path, file_size: usize) -> Result<MappedFileQueue> {
        if file_size == 0 {
            return Err(StoreError::InvalidConfig("mapped file size 0".into()));
        }
        create_dir_all(dir)?;
        let mut starts = Vec::new();
        for entry in std::fs::read_dir(dir).with_path("list directory", dir)? {
            let entry = entry.with_path("list directory", dir)?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.ends_with(".tmp") {
                let path = entry.path();
                std::fs::remove_file(&path).with_path("remove unfinished file", &path)?;
                continue;
            }
            match file_name_to_offset(name) {
                Some(start) => starts.push(start),
                None => {
                    tracing::debug!(dir = %dir.display(), name, "ignoring a file that is not a mapped file")
                }
            }
        }
        starts.sort_unstable();
        let mut files = Vec::with_capacity(starts.len());
        let mut expected = None;
        for start in starts {
            let path = dir.join(crate::fs_util::offset_to_file_name(start));
            if let Some(expected) = expected
                && start != expected
            {
                return Err(StoreError::corrupt(
                    &path,
                    0,
                    format!("a gap in the files: expected a file starting at {expected}"),
                ));
            }
            files.push(Arc::new(MappedFile::open(&path, start, file_size)?));
            expected = Some(start + file_size as u64);
        }
        Ok(MappedFileQueue {
            dir: dir.to_path_buf(),
            file_size,
            files: RwLock::new(files),
            flushed_where: AtomicU64::new(0),
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

    /// Creates the file that starts at `start_offset` and adds it at the end. When the queue has files, the new
    /// one must start where the last one ends.
    pub fn create_file(&self, start_offset: u64) -> Result<Arc<MappedFile>> {
        let mut files = self.write_files();
        if let Some(last) = files.last()
            && last.end_offset() != start_offset
        {
            return Err(StoreError::corrupt(
                &self.dir,
                start_offset,
                format!("a new file must start at {}", last.end_offset()),
            ));
        }
        let file = Arc::new(MappedFile::create(&self.dir, start_offset, self.file_size)?);
        files.push(file.clone());
        Ok(file)
    }

    /// Creates the file after the last one (or the file at 0 in an empty queue).
    pub fn create_next_file(&self) -> Result<Arc<MappedFile>> {
        let start = self.last_file().map_or(0, |last| last.end_offset());
        self.create_file(start)
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

    /// Makes every written byte durable, fsyncing only the files with unflushed data, and returns the new flushed
    /// offset. Meant for one flushing thread at a time; appends may continue meanwhile.
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

    /// Deletes every file (used when a queue must restart at another offset).
    pub fn delete_all(&self) -> Result<()> {
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
        let queue = MappedFileQueue::open(dir.path(), 100).unwrap();
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
        let queue = MappedFileQueue::open(dir.path(), 100).unwrap();
        assert_eq!(queue.files().len(), 2);
        assert!(!dir.path().join("00000000000000000200.tmp").exists());
        assert_eq!(queue.delete_files_before(1000).unwrap(), 1);
        assert_eq!(queue.min_offset(), 100);
        std::fs::write(dir.path().join("00000000000000000300"), [0u8; 100]).unwrap();
        drop(queue);
        assert!(
            MappedFileQueue::open(dir.path(), 100).is_err(),
            "gap between 100 and 300"
        );
    }
}
