//! Consumer offset stores (Java's `OffsetStore`): [`OffsetStore::Remote`] for clustering consumers (offsets on the
//! brokers) and [`OffsetStore::Local`] for broadcasting ones (a local file). Both keep an in-memory table that the
//! consume services raise; `persist_all` writes it out (every 5 s and at shutdown).
//!
//! Used by the push consumer and meant for the lite pull consumer: build one with [`OffsetStore::remote`] or
//! [`OffsetStore::local_file`], call [`OffsetStore::load`] once, then `update_offset` / `read_offset` /
//! `persist_all` / `remove_offset`.

mod local_file;
mod remote;
mod table;

use std::path::Path;

use fulmen_protocol::body::MessageQueue;

use crate::error::Result;
use crate::instance::ClientInstance;
use local_file::LocalFileOffsetStore;
pub(crate) use local_file::default_dir as default_local_offset_dir;
use remote::RemoteOffsetStore;

/// Where [`OffsetStore::read_offset`] looks (Java's `ReadOffsetType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadOffsetType {
    /// Memory only; −1 when unknown.
    ReadFromMemory,
    /// The broker or file; −1 when it has none, −2 when asking failed (remote only).
    ReadFromStore,
}

/// A consumer group's offsets.
#[derive(Debug)]
pub(crate) enum OffsetStore {
    /// On the brokers (clustering).
    Remote(RemoteOffsetStore),
    /// In a local file (broadcasting).
    Local(LocalFileOffsetStore),
}

impl OffsetStore {
    /// The broker-backed store of `group`.
    pub(crate) fn remote(instance: ClientInstance, group: &str) -> Self {
        OffsetStore::Remote(RemoteOffsetStore::new(instance, group.to_owned()))
    }

    /// The file-backed store of `group` for `client_id` under `dir`.
    pub(crate) fn local_file(dir: &Path, client_id: &str, group: &str) -> Self {
        OffsetStore::Local(LocalFileOffsetStore::new(dir, client_id, group))
    }

    fn table(&self) -> &table::OffsetTable {
        match self {
            OffsetStore::Remote(store) => &store.table,
            OffsetStore::Local(store) => &store.table,
        }
    }

    /// Loads persisted offsets (the local file; nothing for the remote store).
    pub(crate) fn load(&self) -> Result<()> {
        match self {
            OffsetStore::Remote(_) => Ok(()),
            OffsetStore::Local(store) => store.load(),
        }
    }

    /// Records `offset` for `queue` in memory; with `increase_only` a smaller value is ignored.
    pub(crate) fn update_offset(&self, queue: &MessageQueue, offset: i64, increase_only: bool) {
        self.table().update(queue, offset, increase_only);
    }

    /// Records `offset` and ignores later updates of `queue` until [`Self::remove_offset`].
    pub(crate) fn update_and_freeze(&self, queue: &MessageQueue, offset: i64) {
        self.table().update_and_freeze(queue, offset);
    }

    /// The offset of `queue`: ≥ 0, −1 when none is stored, −2 when the broker could not be asked.
    pub(crate) async fn read_offset(&self, queue: &MessageQueue, read: ReadOffsetType) -> i64 {
        match self {
            OffsetStore::Remote(store) => store.read(queue, read).await,
            OffsetStore::Local(store) => store.read(queue, read),
        }
    }

    /// Persists the offsets of `queues` (the remote store also forgets the others).
    pub(crate) async fn persist_all(&self, queues: &[MessageQueue]) {
        match self {
            OffsetStore::Remote(store) => store.persist_all(queues).await,
            OffsetStore::Local(store) => {
                if let Err(error) = store.persist_all(queues) {
                    tracing::warn!(%error, "persisting the local offsets failed");
                }
            }
        }
    }

    /// Persists the offset of one queue.
    pub(crate) async fn persist(&self, queue: &MessageQueue) {
        match self {
            OffsetStore::Remote(store) => store.persist(queue).await,
            OffsetStore::Local(_) => self.persist_all(std::slice::from_ref(queue)).await,
        }
    }

    /// Forgets `queue`.
    pub(crate) fn remove_offset(&self, queue: &MessageQueue) {
        self.table().remove(queue);
    }
}
