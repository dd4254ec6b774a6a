//! `SpareSlot`: the next file of one `MappedFileQueue`, created ahead of time by the allocator thread
//! (`allocate.rs`) so that the writer, when its file is full, only has to take it (Apache's
//! `AllocateMappedFileService`).
//!
//! A spare is created under its final name, the start offset it will have, like Apache's: taking it is then a
//! matter of memory, with no file system call on the put path. A crash can therefore leave an empty file after
//! the last written one; recovery drops such files (`MappedFileQueue::drop_empty_tail`). A clean shutdown
//! deletes the spare ([`SpareSlot::close`]). A spare is created the way its queue creates files
//! ([`CreateSync`]): a consume queue's without any fsync, so that after a power loss it may also come back with a
//! wrong length, which loading drops (`queue_files.rs`).
//!
//! Two creators of one file name would share its temporary file and race on the rename, so there is only ever
//! one: the allocator creates a file only while it is `wanted` and marks it `creating`; the writer, before
//! creating a file itself, waits for a creation in progress to end and withdraws the request otherwise.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::mapped_file::{CreateSync, MappedFile};

/// The spare file of one directory: requested, being created, ready, or none.
pub(crate) struct SpareSlot {
    dir: PathBuf,
    file_size: usize,
    /// How the spare's creation is made durable: as the queue's own files are.
    sync: CreateSync,
    state: Mutex<SlotState>,
    changed: Condvar,
}

#[derive(Default)]
struct SlotState {
    /// The start offset of the file requested next; `None` once taken, withdrawn or discarded.
    wanted: Option<u64>,
    /// Whether the allocator is creating the wanted file right now.
    creating: bool,
    /// The created file, not yet taken.
    ready: Option<Arc<MappedFile>>,
    /// After shutdown: no more spares.
    closed: bool,
}

impl fmt::Debug for SpareSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("SpareSlot")
            .field("dir", &self.dir)
            .field("wanted", &state.wanted)
            .field("creating", &state.creating)
            .field("ready", &state.ready.as_ref().map(|file| file.start_offset()))
            .field("closed", &state.closed)
            .finish()
    }
}

impl SpareSlot {
    /// An empty slot for files of `file_size` bytes in `dir`, created with `sync`.
    pub(crate) fn new(dir: &Path, file_size: usize, sync: CreateSync) -> SpareSlot {
        SpareSlot {
            dir: dir.to_path_buf(),
            file_size,
            sync,
            state: Mutex::new(SlotState::default()),
            changed: Condvar::new(),
        }
    }

    /// Asks for the file that starts at `start`. Returns whether the allocator must be given the slot (`false`
    /// when that file is already requested or ready, or the slot is closed). A ready spare for another offset is
    /// deleted.
    pub(crate) fn want(&self, start: u64) -> bool {
        let mut state = self.lock();
        if state.closed || state.wanted == Some(start) {
            return false;
        }
        if let Some(stale) = state.ready.take() {
            delete_spare(&stale);
        }
        state.wanted = Some(start);
        true
    }

    /// The allocator's job: creates the wanted file, unless it is already there, being created, or no longer
    /// wanted. The file is kept only if it is still wanted when complete; otherwise it is deleted.
    pub(crate) fn create_wanted(&self) {
        let start = {
            let mut state = self.lock();
            match state.wanted {
                Some(start) if !state.closed && !state.creating && state.ready.is_none() => {
                    state.creating = true;
                    start
                }
                _ => return,
            }
        };
        let created = MappedFile::create(&self.dir, start, self.file_size, self.sync);
        let mut state = self.lock();
        state.creating = false;
        match created {
            Ok(file) if state.wanted == Some(start) && !state.closed => {
                tracing::debug!(file = %file.path().display(), "spare file ready");
                state.ready = Some(Arc::new(file));
            }
            Ok(file) => delete_spare(&file),
            Err(error) => {
                // The writer creates the file itself when it needs it, and reports the error then.
                tracing::warn!(%error, "preallocating the next file failed");
                state.wanted = None;
            }
        }
        drop(state);
        self.changed.notify_all();
    }

    /// The writer: the spare that starts at `start`, if it is ready. Waits while a creation is in progress (it
    /// ends soon, and creating the same file meanwhile is not allowed); otherwise withdraws the request, so that
    /// the caller can create the file itself.
    pub(crate) fn take(&self, start: u64) -> Option<Arc<MappedFile>> {
        let mut state = self.lock();
        while state.creating {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        state.wanted = None;
        let ready = state.ready.take()?;
        if ready.start_offset() == start {
            Some(ready)
        } else {
            delete_spare(&ready);
            None
        }
    }

    /// Withdraws any request and deletes a ready spare (the queue was truncated: the spare may no longer follow
    /// its last file). A creation in progress deletes its file when it ends.
    pub(crate) fn discard(&self) {
        let mut state = self.lock();
        state.wanted = None;
        if let Some(ready) = state.ready.take() {
            delete_spare(&ready);
        }
    }

    /// Shutdown: no more spares. Waits for a creation in progress, then deletes a ready spare, so that no
    /// never-written file is left behind.
    pub(crate) fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        while state.creating {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        state.wanted = None;
        if let Some(ready) = state.ready.take() {
            delete_spare(&ready);
        }
    }

    /// The start offset of the ready spare, if any.
    #[cfg(test)]
    pub(crate) fn ready_start(&self) -> Option<u64> {
        self.lock().ready.as_ref().map(|file| file.start_offset())
    }

    fn lock(&self) -> MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Deletes an unused spare. A failure is only logged: an empty file after the last one is dropped by recovery.
fn delete_spare(file: &MappedFile) {
    if let Err(error) = file.delete() {
        tracing::warn!(%error, "deleting an unused spare file failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spare_is_created_once_taken_once_and_deleted_when_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let slot = SpareSlot::new(dir.path(), 100, CreateSync::Now);
        assert!(slot.want(200));
        assert!(!slot.want(200), "already requested");
        slot.create_wanted();
        slot.create_wanted();
        assert_eq!(slot.ready_start(), Some(200));
        assert!(dir.path().join("00000000000000000200").exists());
        assert!(slot.take(100).is_none(), "another offset: the spare is stale");
        assert!(!dir.path().join("00000000000000000200").exists());

        assert!(slot.want(300));
        slot.create_wanted();
        let taken = slot.take(300).unwrap();
        assert_eq!((taken.start_offset(), taken.size()), (300, 100));
        assert!(slot.take(300).is_none(), "taken once");

        assert!(slot.want(400));
        assert!(slot.take(400).is_none(), "not created yet: withdrawn");
        slot.create_wanted();
        assert_eq!(slot.ready_start(), None, "a withdrawn request creates nothing");
        assert!(!dir.path().join("00000000000000000400").exists());

        assert!(slot.want(400));
        slot.create_wanted();
        slot.discard();
        assert!(!dir.path().join("00000000000000000400").exists());
        assert!(slot.want(400));
        slot.create_wanted();
        slot.close();
        assert!(!dir.path().join("00000000000000000400").exists());
        assert!(!slot.want(500), "closed");
        assert!(taken.path().exists(), "a taken file is the queue's");
    }

    #[test]
    fn a_spare_is_created_as_the_queue_creates_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let slot = SpareSlot::new(dir.path(), 100, CreateSync::OnFirstFlush);
        assert!(slot.want(100));
        slot.create_wanted();
        let spare = slot.take(100).unwrap();
        assert!(!spare.creation_is_durable(), "no fsync for a consume-queue spare");
        spare.flush().unwrap();
        assert!(spare.creation_is_durable());
    }
}
