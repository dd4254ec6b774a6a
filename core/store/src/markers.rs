//! The `lock` file, held for the store's lifetime so that a second store on the same directory fails, and the
//! `abort` marker, present while the store runs so that the next start knows whether the last stop was clean
//! (REMOTING.md §7.4).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{IoContext, Result, StoreError};
use crate::fs_util::sync_dir;

/// The name of the lock file in the store root.
pub const LOCK_FILE_NAME: &str = "lock";
/// The name of the abort marker in the store root.
pub const ABORT_FILE_NAME: &str = "abort";

/// An exclusive lock on a store directory, released when dropped (or when the process dies).
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
    path: PathBuf,
}

impl StoreLock {
    /// Takes the lock of the store at `root`, failing with [`StoreError::LockHeld`] if another store (in this
    /// process or another) holds it.
    pub fn acquire(root: &Path) -> Result<StoreLock> {
        let path = root.join(LOCK_FILE_NAME);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_path("open lock file", &path)?;
        match file.try_lock() {
            Ok(()) => Ok(StoreLock { _file: file, path }),
            Err(TryLockError::WouldBlock) => Err(StoreError::LockHeld { path }),
            Err(TryLockError::Error(error)) => Err(StoreError::io("lock", &path, error)),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Whether the store at `root` has an abort marker: its last run did not shut down cleanly.
pub fn abort_marker_exists(root: &Path) -> bool {
    root.join(ABORT_FILE_NAME).exists()
}

/// Creates the abort marker with this process's id in it, durably.
pub fn create_abort_marker(root: &Path) -> Result<()> {
    let path = root.join(ABORT_FILE_NAME);
    let mut file = File::create(&path).with_path("create abort marker", &path)?;
    file.write_all(std::process::id().to_string().as_bytes())
        .with_path("write abort marker", &path)?;
    file.sync_all().with_path("sync abort marker", &path)?;
    sync_dir(root)
}

/// Removes the abort marker, durably: the store stopped cleanly.
pub fn remove_abort_marker(root: &Path) -> Result<()> {
    let path = root.join(ABORT_FILE_NAME);
    match std::fs::remove_file(&path) {
        Ok(()) => sync_dir(root),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(StoreError::io("remove abort marker", &path, error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_is_exclusive_and_abort_marker_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let lock = StoreLock::acquire(dir.path()).unwrap();
        assert!(matches!(
            StoreLock::acquire(dir.path()),
            Err(StoreError::LockHeld { .. })
        ));
        drop(lock);
        StoreLock::acquire(dir.path()).unwrap();
        assert!(!abort_marker_exists(dir.path()));
        create_abort_marker(dir.path()).unwrap();
        assert!(abort_marker_exists(dir.path()));
        let pid = std::fs::read_to_string(dir.path().join(ABORT_FILE_NAME)).unwrap();
        assert_eq!(pid, std::process::id().to_string());
        remove_abort_marker(dir.path()).unwrap();
        remove_abort_marker(dir.path()).unwrap();
        assert!(!abort_marker_exists(dir.path()));
    }
}
