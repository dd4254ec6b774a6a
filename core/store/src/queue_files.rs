//! Loading the files of one `MappedFileQueue` directory on open: list the 20-digit names, remove what a cut-short
//! creation left, check that the files follow each other, and map them.
//!
//! The size rule depends on how the queue creates its files ([`CreateSync`]):
//!
//! * [`CreateSync::Now`] (the commitlog): every file must have the configured size; any other size fails the
//!   open, since such a file cannot come from the store itself.
//! * [`CreateSync::OnFirstFlush`] (consume queues): a file is durable only from its first flush, so after a
//!   power loss the files created since the last flush may be missing or have a wrong length (0 bytes, for
//!   instance). Files are flushed in order, so those are the last ones: files with a wrong size at the end of
//!   the queue are deleted with a warning. Nothing the checkpoint counts on was in them (the checkpoint is
//!   written only after the consume queues are flushed), and recovery rebuilds their entries from the
//!   commitlog. Files of the right size that hold only zeros may follow them (a spare, which is never flushed)
//!   and are deleted with them. A wrong size before a file of the right size that holds data is still an
//!   error. So is a queue whose files all have the same wrong, non-zero size: that is what changing
//!   `consume_queue_entries_per_file` leaves, and deleting the files would lose the queue. (Apache deletes a
//!   0-byte last file of any queue, and fails on any other wrong size.)

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{IoContext, Result, StoreError};
use crate::fs_util::{file_name_to_offset, offset_to_file_name, sync_dir};
use crate::mapped_file::{CreateSync, MappedFile};

/// Maps the files of `dir` in offset order; see the module documentation.
pub(crate) fn load_files(dir: &Path, file_size: usize, sync: CreateSync) -> Result<Vec<Arc<MappedFile>>> {
    let mut starts = list_starts(dir)?;
    if sync == CreateSync::OnFirstFlush && drop_wrong_sized_tail(dir, &mut starts, file_size)? > 0 {
        sync_dir(dir)?;
    }
    let mut files = Vec::with_capacity(starts.len());
    let mut expected = None;
    for start in starts {
        let path = dir.join(offset_to_file_name(start));
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
    Ok(files)
}

/// The start offsets of the files in `dir`, sorted. Leftover `*.tmp` files (a creation cut short) are removed;
/// other names that are not 20 digits are ignored.
fn list_starts(dir: &Path) -> Result<Vec<u64>> {
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
            None => tracing::debug!(dir = %dir.display(), name, "ignoring a file that is not a mapped file"),
        }
    }
    starts.sort_unstable();
    Ok(starts)
}

/// Deletes the files at the end of `starts` that a power loss can leave wrong-sized (and removes them from
/// `starts`); returns how many were deleted.
///
/// The tail is a run of wrong-sized files, followed only by files of the right size that hold nothing but zeros
/// (a spare, created later and never written). It is deleted whole, or not at all when a non-empty file in it may
/// have the size that is right, rather than the configuration: that takes an earlier file of the right size.
fn drop_wrong_sized_tail(dir: &Path, starts: &mut Vec<u64>, file_size: usize) -> Result<usize> {
    let paths: Vec<PathBuf> = starts
        .iter()
        .map(|start| dir.join(offset_to_file_name(*start)))
        .collect();
    let mut lens = Vec::with_capacity(paths.len());
    for path in &paths {
        lens.push(std::fs::metadata(path).with_path("stat mapped file", path)?.len());
    }
    let file_size = file_size as u64;
    let mut zeros_start = paths.len();
    while zeros_start > 0 && lens[zeros_start - 1] == file_size && holds_only_zeros(&paths[zeros_start - 1])?
    {
        zeros_start -= 1;
    }
    let wrong_start = lens[..zeros_start]
        .iter()
        .rposition(|len| *len == file_size)
        .map_or(0, |last_good| last_good + 1);
    if wrong_start == zeros_start {
        return Ok(0);
    }
    // An earlier file of the right size confirms the configured size.
    let size_confirmed = wrong_start > 0;
    if !size_confirmed && lens[wrong_start..zeros_start].iter().any(|len| *len != 0) {
        return Ok(0);
    }
    for (path, len) in paths[wrong_start..].iter().zip(&lens[wrong_start..]).rev() {
        tracing::warn!(
            file = %path.display(), len, file_size,
            "deleting a consume-queue file at the end of its queue that was created but never flushed before a \
             power loss (a wrong size, or nothing written after one); its entries are rebuilt from the commitlog"
        );
        std::fs::remove_file(path).with_path("delete unflushed file", path)?;
    }
    starts.truncate(wrong_start);
    Ok(paths.len() - wrong_start)
}

/// Whether every byte of the file at `path` is zero.
fn holds_only_zeros(path: &Path) -> Result<bool> {
    let mut file = std::fs::File::open(path).with_path("read mapped file", path)?;
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer).with_path("read mapped file", path)?;
        if read == 0 {
            return Ok(true);
        }
        if buffer[..read].iter().any(|byte| *byte != 0) {
            return Ok(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, start: u64, len: usize) {
        std::fs::write(dir.join(offset_to_file_name(start)), vec![1u8; len]).unwrap();
    }

    #[test]
    fn wrong_sized_files_at_the_end_are_dropped_only_for_queues_created_on_first_flush() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), 0, 100);
        write(dir.path(), 100, 100);
        write(dir.path(), 200, 0);
        write(dir.path(), 300, 40);
        assert!(
            load_files(dir.path(), 100, CreateSync::Now).is_err(),
            "the commitlog refuses a wrong size"
        );
        assert!(dir.path().join(offset_to_file_name(300)).exists());

        let files = load_files(dir.path(), 100, CreateSync::OnFirstFlush).unwrap();
        assert_eq!(
            files.iter().map(|file| file.start_offset()).collect::<Vec<_>>(),
            [0, 100]
        );
        assert!(!dir.path().join(offset_to_file_name(200)).exists());
        assert!(!dir.path().join(offset_to_file_name(300)).exists());
        drop(files);

        write(dir.path(), 0, 50);
        assert!(
            load_files(dir.path(), 100, CreateSync::OnFirstFlush).is_err(),
            "a wrong size before a good file is an error"
        );
        assert!(
            dir.path().join(offset_to_file_name(0)).exists(),
            "and nothing is deleted"
        );

        let only = tempfile::tempdir().unwrap();
        write(only.path(), 600, 0);
        assert!(
            load_files(only.path(), 100, CreateSync::OnFirstFlush)
                .unwrap()
                .is_empty(),
            "an empty file is never what a configuration change leaves"
        );
    }

    #[test]
    fn an_unwritten_spare_after_a_wrong_sized_file_goes_with_it() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), 0, 100);
        write(dir.path(), 100, 0);
        std::fs::write(dir.path().join(offset_to_file_name(200)), [0u8; 100]).unwrap();
        let files = load_files(dir.path(), 100, CreateSync::OnFirstFlush).unwrap();
        assert_eq!(files.len(), 1);
        assert!(!dir.path().join(offset_to_file_name(200)).exists());
        drop(files);

        std::fs::write(dir.path().join(offset_to_file_name(100)), [0u8; 100]).unwrap();
        assert_eq!(
            load_files(dir.path(), 100, CreateSync::OnFirstFlush)
                .unwrap()
                .len(),
            2,
            "without a wrong size, an empty file is recovery's to drop"
        );

        write(dir.path(), 200, 7);
        write(dir.path(), 300, 100);
        assert!(
            load_files(dir.path(), 100, CreateSync::OnFirstFlush).is_err(),
            "a file with data after a wrong size"
        );
        assert!(dir.path().join(offset_to_file_name(200)).exists());
    }

    #[test]
    fn files_that_all_have_another_size_are_an_error_not_deleted() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), 0, 200);
        write(dir.path(), 200, 200);
        write(dir.path(), 400, 0);
        assert!(
            load_files(dir.path(), 100, CreateSync::OnFirstFlush).is_err(),
            "the file size was changed: not a power loss"
        );
        for start in [0, 200, 400] {
            assert!(dir.path().join(offset_to_file_name(start)).exists());
        }
    }
}
