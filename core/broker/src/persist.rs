//! Writing a broker config file (`config/*.json`) off the tokio workers, one write at a time per file, so that
//! the newest content always lands last.

use std::path::PathBuf;

use fulmen_protocol::body::JsonBody;
use tokio::sync::Mutex;

use crate::error::{BrokerError, Result};

/// One config file and the lock that orders its writes.
#[derive(Debug)]
pub(crate) struct ConfigFile {
    path: PathBuf,
    write_lock: Mutex<()>,
}

impl ConfigFile {
    /// The config file at `path`.
    pub(crate) fn new(path: PathBuf) -> Self {
        ConfigFile {
            path,
            write_lock: Mutex::new(()),
        }
    }

    /// Reads the file (or its backup) if it exists and `is_valid` accepts it. Blocking: call at start only.
    pub(crate) fn read(&self, is_valid: impl Fn(&[u8]) -> bool) -> Result<Option<Vec<u8>>> {
        Ok(fulmen_store::config_file::read_config(&self.path, is_valid)?)
    }

    /// Reads the file (or its backup) as `T`, or `T::default()` when neither exists. Blocking: call at start only.
    pub(crate) fn read_json<T: JsonBody + Default>(&self) -> Result<T> {
        match self.read(|bytes| T::decode(bytes).is_ok())? {
            Some(bytes) => Ok(T::decode(&bytes)?),
            None => Ok(T::default()),
        }
    }

    /// Writes the content `encode` produces. `encode` runs once the previous write finished, so the snapshot
    /// it takes is never overwritten by an older one; the write itself (fsync) runs on the blocking pool.
    pub(crate) async fn write_with(&self, encode: impl FnOnce() -> Result<Vec<u8>>) -> Result<()> {
        let _ordered = self.write_lock.lock().await;
        let content = encode()?;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || fulmen_store::config_file::write_config(&path, &content))
            .await
            .map_err(|error| BrokerError::Task(error.to_string()))??;
        Ok(())
    }
}
