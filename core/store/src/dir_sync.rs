//! `PendingDirSyncs`: directories whose entries changed (a consume queue's directory, or its topic's, was
//! created) and are not yet durable. Creating them on the put path costs no fsync; the flush that precedes a
//! checkpoint syncs each of them once, however many queues were created in it, before the checkpoint counts on
//! the entries of those queues.

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use crate::error::Result;
use crate::fs_util::sync_dir;

/// Directories to sync before the next checkpoint.
#[derive(Default)]
pub(crate) struct PendingDirSyncs {
    dirs: Mutex<BTreeSet<PathBuf>>,
}

impl fmt::Debug for PendingDirSyncs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingDirSyncs")
            .field("pending", &self.lock().len())
            .finish()
    }
}

impl PendingDirSyncs {
    /// Records directories whose entries changed.
    pub(crate) fn add(&self, dirs: impl IntoIterator<Item = PathBuf>) {
        self.lock().extend(dirs);
    }

    /// Syncs every directory recorded so far (those recorded meanwhile wait for the next call). On an error, the
    /// directories not synced yet stay recorded.
    pub(crate) fn sync(&self) -> Result<()> {
        let mut taken = std::mem::take(&mut *self.lock());
        while let Some(dir) = taken.pop_first() {
            if let Err(error) = sync_dir(&dir) {
                taken.insert(dir);
                self.lock().append(&mut taken);
                return Err(error);
            }
        }
        Ok(())
    }

    /// The directories waiting for a sync.
    #[cfg(test)]
    pub(crate) fn pending(&self) -> Vec<PathBuf> {
        self.lock().iter().cloned().collect()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeSet<PathBuf>> {
        self.dirs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_directory_is_synced_once_and_a_failure_keeps_the_rest() {
        let root = tempfile::tempdir().unwrap();
        let pending = PendingDirSyncs::default();
        pending.add([root.path().to_path_buf(), root.path().to_path_buf()]);
        assert_eq!(pending.pending(), [root.path().to_path_buf()]);
        pending.sync().unwrap();
        assert!(pending.pending().is_empty());

        let missing = root.path().join("missing");
        pending.add([missing.clone(), root.path().to_path_buf()]);
        assert!(pending.sync().is_err());
        assert_eq!(pending.pending(), [missing], "the synced one is done");
    }
}
