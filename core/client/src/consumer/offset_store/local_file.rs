//! The offset store of a broadcasting consumer: offsets live in a local file (Java's `LocalFileOffsetStore`):
//! `<dir>/<clientId>/<group>/offsets.json`, the previous content kept as `offsets.json.bak`.
//!
//! The file holds Java's `OffsetSerializeWrapper`, `{"offsetTable":{{"brokerName":…,"queueId":…,"topic":…}:123}}`,
//! written compact where Java pretty-prints it (both parse either form).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use fulmen_protocol::body::{JsonBody, MessageQueue, ResetOffsetBody};

use super::ReadOffsetType;
use super::table::OffsetTable;
use crate::error::{Error, ErrorKind, Result};

/// The default directory (Java's `rocketmq.client.localOffsetStoreDir`: `~/.rocketmq_offsets`).
pub(crate) fn default_dir() -> PathBuf {
    std::env::var_os("HOME")
        .map_or_else(|| PathBuf::from("."), PathBuf::from)
        .join(".rocketmq_offsets")
}

/// Offsets of one group kept in memory and in a local file.
#[derive(Debug)]
pub(crate) struct LocalFileOffsetStore {
    path: PathBuf,
    pub(super) table: OffsetTable,
}

impl LocalFileOffsetStore {
    /// The store of `group` for `client_id` under `dir`.
    pub(crate) fn new(dir: &Path, client_id: &str, group: &str) -> Self {
        LocalFileOffsetStore {
            path: dir.join(client_id).join(group).join("offsets.json"),
            table: OffsetTable::default(),
        }
    }

    /// The file path.
    #[cfg(test)]
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the file (or its `.bak`) into memory.
    pub(super) fn load(&self) -> Result<()> {
        for (queue, offset) in self.read_file()? {
            self.table.update(&queue, offset, false);
        }
        Ok(())
    }

    pub(super) fn read(&self, queue: &MessageQueue, read: ReadOffsetType) -> i64 {
        if read == ReadOffsetType::ReadFromMemory {
            return self.table.get(queue).unwrap_or(-1);
        }
        match self.read_file() {
            Ok(offsets) => match offsets.get(queue) {
                Some(offset) => {
                    self.table.update(queue, *offset, false);
                    *offset
                }
                None => -1,
            },
            Err(error) => {
                tracing::warn!(%error, "reading the local offset file failed");
                -1
            }
        }
    }

    /// Writes the offsets of `queues` into the file, keeping the other entries the file has.
    pub(super) fn persist_all(&self, queues: &[MessageQueue]) -> Result<()> {
        let mut offsets = self.read_file().unwrap_or_default();
        let memory = self.table.snapshot();
        for queue in queues {
            if let Some(offset) = memory.get(queue) {
                offsets.insert(queue.clone(), *offset);
            }
        }
        let mut body = ResetOffsetBody::default();
        let mut sorted: Vec<_> = offsets.into_iter().collect();
        sorted.sort();
        body.offset_table.extend(sorted);
        self.write_file(&body.encode()?)
    }

    fn read_file(&self) -> Result<HashMap<MessageQueue, i64>> {
        for path in [self.path.clone(), bak_path(&self.path)] {
            match std::fs::read(&path) {
                Ok(bytes) if !bytes.is_empty() => {
                    let body = ResetOffsetBody::decode(&bytes)?;
                    return Ok(body.offset_table.into_iter().collect());
                }
                Ok(_) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(io_error(&path, &error)),
            }
        }
        Ok(HashMap::new())
    }

    /// Java's `MixAll.string2File`: write `<file>.tmp`, copy the old file to `.bak`, rename the new one in place.
    fn write_file(&self, content: &[u8]) -> Result<()> {
        let path = &self.path;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, content).map_err(|e| io_error(&tmp, &e))?;
        if path.exists() {
            std::fs::copy(path, bak_path(path)).map_err(|e| io_error(path, &e))?;
        }
        std::fs::rename(&tmp, path).map_err(|e| io_error(path, &e))
    }
}

fn bak_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".bak");
    PathBuf::from(name)
}

fn io_error(path: &Path, error: &std::io::Error) -> Error {
    Error::new(
        ErrorKind::Internal,
        format!("offset file {}: {error}", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persists_reloads_and_falls_back_to_bak() {
        let dir = std::env::temp_dir().join(format!("fulmen-offsets-{}", fastrand::u64(..)));
        let store = LocalFileOffsetStore::new(&dir, "127.0.0.1@DEFAULT", "G");
        let queue = MessageQueue::new("T", "b", 1);
        store.table.update(&queue, 12, false);
        store.persist_all(std::slice::from_ref(&queue)).unwrap();
        let text = std::fs::read_to_string(store.path()).unwrap();
        assert_eq!(
            text,
            r#"{"offsetTable":{{"brokerName":"b","queueId":1,"topic":"T"}:12}}"#
        );
        store.table.update(&queue, 13, false);
        store.persist_all(std::slice::from_ref(&queue)).unwrap();
        assert!(bak_path(store.path()).exists());
        let reloaded = LocalFileOffsetStore::new(&dir, "127.0.0.1@DEFAULT", "G");
        reloaded.load().unwrap();
        assert_eq!(reloaded.read(&queue, ReadOffsetType::ReadFromMemory), 13);
        std::fs::remove_file(reloaded.path()).unwrap();
        let from_bak = LocalFileOffsetStore::new(&dir, "127.0.0.1@DEFAULT", "G");
        assert_eq!(from_bak.read(&queue, ReadOffsetType::ReadFromStore), 12);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
