//! The index service: the index files under `<root>/index/` and the query by key across them (Apache
//! RocketMQ's `IndexService`, REMOTING.md §7.3, design note §6).
//!
//! * Dispatch ([`IndexService::build_index`], Java's `buildIndex`): for each stored unit that is not a
//!   transaction rollback, the entry `topic#UNIQ_KEY` (if the property is present), then `topic#k` for every
//!   non-empty `k` of `KEYS` split on spaces, with the stored topic. A unit below the last file's end offset is
//!   skipped (already indexed). Java dispatches from its reput thread; Fulmen does it inline, under the put lock,
//!   right after the append: each key is one write into a mapped file (no I/O, no fsync), and entries are then in
//!   commitlog order, which truncation after a crash relies on.
//! * Rotation (`getAndCreateLastIndexFile`): when the last file is full, a new one is created that continues the
//!   previous file's end offset and timestamp. Files are named by creation time, `yyyyMMddHHmmssSSS` in **UTC**
//!   (Java uses the JVM's zone; the names only need to sort by creation); a name already taken moves one
//!   millisecond later.
//! * Flush: with the consume queues (every file changed since the previous flush); the checkpoint's
//!   `indexMsgTimestamp` gets the index's end timestamp sampled before that flush. Java flushes a file when it
//!   is full and at shutdown only, and sets `indexMsgTimestamp` from full files only.
//! * Unclean stop: Java deletes every file whose end timestamp is after the checkpoint's `indexMsgTimestamp`,
//!   which, as it only records full files, loses the active file's entries for units it does not scan again.
//!   Fulmen instead makes the index agree with the recovery scan ([`IndexService::truncate_from`]): files that
//!   begin at or after the scan's first offset are deleted, the newest remaining one loses its entries from
//!   there, and the scan re-indexes every unit it dispatches. Entries below the scan start are durable because
//!   the index is flushed before the checkpoint that allows the scan to start there.
//! * Query ([`IndexService::query_offsets`], `queryOffset`): files newest first; a file whose time span overlaps
//!   the range is searched; the walk stops at a file that begins before the range or once `max_num` offsets
//!   are found.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use fulmen_protocol::message::{MessageSysFlag, Properties, keys};

use crate::error::{IoContext, Result, StoreError};
use crate::fs_util::create_dir_all_durable;
use crate::index_file::{IndexFile, IndexFileGeometry, build_key, index_file_name};

/// The separator of the `KEYS` property (Java's `MessageConst.KEY_SEPARATOR`).
const KEY_SEPARATOR: char = ' ';

/// What a lookup found in the index files (Java's `QueryOffsetResult`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryOffsetResult {
    /// The commitlog offsets of the matching entries, newest file first.
    pub phy_offsets: Vec<i64>,
    /// The end timestamp of the newest index file.
    pub index_last_update_timestamp: i64,
    /// The end commitlog offset of the newest index file.
    pub index_last_update_phy_offset: i64,
}

struct Files {
    list: Vec<Arc<IndexFile>>,
    /// Files from this position on changed since the last flush.
    unflushed_from: usize,
    /// The creation time in the newest file name.
    last_name_millis: i64,
}

/// The index files of one store.
pub struct IndexService {
    dir: PathBuf,
    geometry: IndexFileGeometry,
    enabled: bool,
    files: RwLock<Files>,
}

impl std::fmt::Debug for IndexService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexService")
            .field("dir", &self.dir)
            .field("geometry", &self.geometry)
            .field("enabled", &self.enabled)
            .field("files", &self.read_files().list.len())
            .finish()
    }
}

impl IndexService {
    /// Opens every index file in `dir` (created if missing), oldest (smallest name) first. With `enabled` false
    /// nothing is indexed, but existing files are still searched.
    pub fn load(dir: &Path, geometry: IndexFileGeometry, enabled: bool) -> Result<IndexService> {
        geometry.file_size()?;
        create_dir_all_durable(dir)?;
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).with_path("list index files", dir)? {
            let entry = entry.with_path("list index files", dir)?;
            let name = entry.file_name();
            let is_index_name = name
                .to_str()
                .is_some_and(|name| name.len() == 17 && name.bytes().all(|byte| byte.is_ascii_digit()));
            if is_index_name && entry.path().is_file() {
                paths.push(entry.path());
            }
        }
        paths.sort();
        let mut list = Vec::with_capacity(paths.len());
        for path in &paths {
            list.push(Arc::new(IndexFile::open(path, geometry)?));
        }
        let last_name_millis = 0;
        Ok(IndexService {
            dir: dir.to_path_buf(),
            geometry,
            enabled,
            files: RwLock::new(Files {
                unflushed_from: list.len(),
                list,
                last_name_millis,
            }),
        })
    }

    /// The index files, oldest first.
    pub fn files(&self) -> Vec<Arc<IndexFile>> {
        self.read_files().list.clone()
    }

    /// Indexes the unit at `phy_offset` (Java's `buildIndex`); see the module documentation.
    pub fn build_index(
        &self,
        topic: &str,
        sys_flag: i32,
        properties: &Properties,
        phy_offset: i64,
        store_timestamp: i64,
    ) -> Result<()> {
        if !self.enabled
            || MessageSysFlag::transaction_value(sys_flag) == MessageSysFlag::TRANSACTION_ROLLBACK_TYPE
        {
            return Ok(());
        }
        let unique = properties.get(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        let user_keys = properties
            .get(keys::KEYS)
            .into_iter()
            .flat_map(|keys| keys.split(KEY_SEPARATOR))
            .filter(|key| !key.is_empty());
        let mut file = self.last_writable_file()?;
        if phy_offset < file.end_phy_offset() {
            return Ok(());
        }
        for key in unique.into_iter().chain(user_keys) {
            let key = build_key(topic, key);
            let mut rotations = 0;
            while !file.put_key(&key, phy_offset, store_timestamp)? {
                rotations += 1;
                if rotations > 1 {
                    return Err(StoreError::InvalidConfig(format!(
                        "a new index file has no room for an entry ({:?})",
                        self.geometry
                    )));
                }
                file = self.last_writable_file()?;
            }
        }
        Ok(())
    }

    /// The last file if it has room, else a new one that continues it (Java's `getAndCreateLastIndexFile`).
    fn last_writable_file(&self) -> Result<Arc<IndexFile>> {
        if let Some(last) = self.read_files().list.last()
            && !last.is_write_full()
        {
            return Ok(last.clone());
        }
        let mut files = self.write_files();
        let (end_phy_offset, end_timestamp) = match files.list.last() {
            Some(last) if !last.is_write_full() => return Ok(last.clone()),
            Some(last) => (last.end_phy_offset(), last.end_timestamp()),
            None => (0, 0),
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
            });
        let mut millis = now.max(files.last_name_millis.saturating_add(1));
        let mut path = self.dir.join(index_file_name(millis, 0));
        while path.exists() {
            millis = millis.saturating_add(1);
            path = self.dir.join(index_file_name(millis, 0));
        }
        let file = Arc::new(IndexFile::create(
            &path,
            self.geometry,
            end_phy_offset,
            end_timestamp,
        )?);
        tracing::info!(file = %path.display(), end_phy_offset, "created an index file");
        files.last_name_millis = millis;
        files.list.push(file.clone());
        Ok(file)
    }

    /// The commitlog offsets indexed for `key` of `topic` with a store time within `begin..=end`, at most
    /// `max_num` (Java's `queryOffset`, where the caller caps `max_num` at `maxMsgsNumBatch`).
    pub fn query_offsets(
        &self,
        topic: &str,
        key: &str,
        max_num: usize,
        begin: i64,
        end: i64,
    ) -> QueryOffsetResult {
        let files = self.read_files();
        let mut result = QueryOffsetResult::default();
        if let Some(last) = files.list.last() {
            result.index_last_update_timestamp = last.end_timestamp();
            result.index_last_update_phy_offset = last.end_phy_offset();
        }
        let key = build_key(topic, key);
        for file in files.list.iter().rev() {
            if file.is_time_matched(begin, end) {
                file.select_phy_offsets_into(&mut result.phy_offsets, &key, max_num, begin, end);
            }
            if file.begin_timestamp() < begin || result.phy_offsets.len() >= max_num {
                break;
            }
        }
        result
    }

    /// Flushes every file changed since the last flush and returns the end timestamp of the newest file as
    /// sampled before (0 without files): every entry stored up to then is durable.
    pub fn flush(&self) -> Result<i64> {
        let (changed, end_timestamp) = {
            let mut files = self.write_files();
            let from = files.unflushed_from.min(files.list.len());
            let changed: Vec<_> = files.list[from..].to_vec();
            // The newest file keeps changing; older ones are full and need this one flush only.
            files.unflushed_from = files.list.len().saturating_sub(1);
            let end = files.list.last().map_or(0, |last| last.end_timestamp());
            (changed, end)
        };
        for file in changed {
            file.flush()?;
        }
        Ok(end_timestamp)
    }

    /// Makes the index agree with a recovery that rescans the commitlog from `cut` (or cut it there): deletes
    /// the newest files that begin at or after `cut`, then drops the entries at or after `cut` from the newest
    /// remaining file. `store_time` gives the store time of a unit still in the commitlog.
    pub fn truncate_from(&self, cut: i64, store_time: &dyn Fn(i64) -> Option<i64>) -> Result<()> {
        let mut files = self.write_files();
        while let Some(last) = files.list.last() {
            if last.header().begin_phy_offset < cut {
                break;
            }
            tracing::warn!(file = %last.path().display(), cut, "deleting an index file rebuilt by recovery");
            last.delete()?;
            files.list.pop();
        }
        if let Some(last) = files.list.last() {
            let dropped = last.truncate_from(cut, store_time)?;
            if dropped > 0 {
                tracing::warn!(file = %last.path().display(), cut, dropped, "dropped index entries rebuilt by recovery");
            }
        }
        files.unflushed_from = files.list.len().saturating_sub(1);
        Ok(())
    }

    /// Retention (Java's `IndexService#deleteExpiredFile`): deletes the files, never the last, whose end offset
    /// is below `commit_log_min`, oldest first; returns how many were deleted. A query still walking a deleted
    /// file keeps a valid mapping of it.
    pub fn delete_expired(&self, commit_log_min: i64) -> Result<usize> {
        let mut files = self.write_files();
        let mut count = 0;
        while files.list.len() > 1 && files.list[0].end_phy_offset() < commit_log_min {
            let file = files.list.remove(0);
            tracing::info!(file = %file.path().display(), commit_log_min, "deleting an expired index file");
            file.delete()?;
            count += 1;
        }
        files.unflushed_from = files.unflushed_from.saturating_sub(count);
        drop(files);
        if count > 0 {
            crate::fs_util::sync_dir(&self.dir)?;
        }
        Ok(count)
    }

    fn read_files(&self) -> RwLockReadGuard<'_, Files> {
        self.files.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write_files(&self) -> RwLockWriteGuard<'_, Files> {
        self.files
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
