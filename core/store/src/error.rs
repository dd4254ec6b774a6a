//! The one error type of the store: I/O failures name the file, corrupt data names its offset.

use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// What went wrong in the store.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A file system operation failed.
    #[error("{operation} {path}: {source}")]
    Io {
        /// What was being done, e.g. "create mapped file".
        operation: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// A file holds data that cannot be what the store wrote.
    #[error("corrupt {path} at offset {offset}: {reason}")]
    Corrupt {
        /// The file or directory concerned.
        path: PathBuf,
        /// The byte offset (in the file, or the logical offset named in the reason).
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// Another store (in this process or another one) holds the store directory's lock file.
    #[error("the store at {path} is in use: its lock file is held by another store")]
    LockHeld {
        /// The lock file.
        path: PathBuf,
    },
    /// A configuration file and its backup are both missing, empty or rejected.
    #[error("invalid config file {path}: {reason}")]
    ConfigInvalid {
        /// The config file.
        path: PathBuf,
        /// Why it was rejected.
        reason: String,
    },
    /// A [`StoreConfig`](crate::StoreConfig) value is out of range.
    #[error("invalid store configuration: {0}")]
    InvalidConfig(String),
    /// An operation needs room the file does not have (a bug in the caller, never a data problem).
    #[error("{path}: cannot write {needed} bytes at position {position}, the file has {size}")]
    NoSpace {
        /// The mapped file.
        path: PathBuf,
        /// Where the write would start.
        position: usize,
        /// How many bytes were to be written.
        needed: usize,
        /// The file size.
        size: usize,
    },
    /// The store was shut down.
    #[error("the store is shut down")]
    Closed,
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// An I/O error on `path` while doing `operation`.
    pub fn io(operation: &'static str, path: impl AsRef<Path>, source: io::Error) -> Self {
        StoreError::Io {
            operation,
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// Corrupt data in `path` at `offset`.
    pub fn corrupt(path: impl AsRef<Path>, offset: u64, reason: impl Into<String>) -> Self {
        StoreError::Corrupt {
            path: path.as_ref().to_path_buf(),
            offset,
            reason: reason.into(),
        }
    }
}

/// Adds the operation and path to an [`io::Result`].
pub(crate) trait IoContext<T> {
    /// Wraps the error as [`StoreError::Io`].
    fn with_path(self, operation: &'static str, path: &Path) -> Result<T>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn with_path(self, operation: &'static str, path: &Path) -> Result<T> {
        self.map_err(|source| StoreError::io(operation, path, source))
    }
}
