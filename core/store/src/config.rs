//! `StoreConfig`: where the store lives, how big its files are and how it flushes, with Apache's defaults.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Result, StoreError};
use crate::index_file::IndexFileGeometry;
use crate::retention_config::RetentionConfig;
use crate::tags_code::{TagHashResolver, TagsCodeResolver};

/// The default commitlog file size: 1 GiB (`mappedFileSizeCommitLog`).
pub const DEFAULT_COMMIT_LOG_FILE_SIZE: usize = 1024 * 1024 * 1024;
/// The default number of entries per consume-queue file: 300,000 (`mappedFileSizeConsumeQueue` / 20).
pub const DEFAULT_CONSUME_QUEUE_ENTRIES_PER_FILE: usize = 300_000;
/// The default largest body (or batch body) accepted: 4 MiB (`maxMessageSize`).
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

/// When a put is acknowledged relative to the data reaching the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushMode {
    /// The default (`ASYNC_FLUSH`): a background thread flushes the commitlog every `interval` (Java's
    /// `flushIntervalCommitLog`, 500 ms); a put returns once the data is in the page cache, so a process crash
    /// loses nothing but a power loss may lose the last interval.
    Async {
        /// How often the commitlog is flushed.
        interval: Duration,
    },
    /// `SYNC_FLUSH`: a put returns only after its data is durable. Concurrent puts share one fsync (group
    /// commit).
    Sync,
}

impl Default for FlushMode {
    fn default() -> Self {
        FlushMode::Async {
            interval: Duration::from_millis(500),
        }
    }
}

/// The configuration of a [`MessageStore`](crate::MessageStore).
#[derive(Clone)]
pub struct StoreConfig {
    /// The store's root directory (`storePathRootDir`): `commitlog/`, `consumequeue/`, `config/`, `checkpoint`,
    /// `abort` and `lock` live under it.
    pub root_dir: PathBuf,
    /// The size of each commitlog file, at most 2 GiB − 1 (an `int` holds file positions). Default 1 GiB; tests
    /// use e.g. 64 KiB.
    pub commit_log_file_size: usize,
    /// The number of 20-byte entries in each consume-queue file. Default 300,000.
    pub consume_queue_entries_per_file: usize,
    /// How puts wait for the disk.
    pub flush_mode: FlushMode,
    /// How often consume queues are flushed and the checkpoint is written (`flushIntervalConsumeQueue`, 1 s).
    pub consume_queue_flush_interval: Duration,
    /// The largest body, or sum of a batch's bodies, accepted (`maxMessageSize`, 4 MiB).
    pub max_message_size: usize,
    /// The most bytes one [`get_messages`](crate::MessageStore::get_messages) returns
    /// (`maxTransferBytesOnMessageInMemory`, 256 KiB); a pull always returns at least one message.
    pub max_transfer_bytes: usize,
    /// The most messages one pull returns (`maxTransferCountOnMessageInMemory`, 32).
    pub max_transfer_count: usize,
    /// Whether recovery after an unclean stop checks each unit's body CRC (`checkCRCOnRecover`, true).
    pub check_crc_on_recover: bool,
    /// Computes the consume-queue tag code of each message; the default hashes the `TAGS` property. A broker
    /// that implements delay levels supplies one that returns the deliver time for `SCHEDULE_TOPIC_XXXX`.
    pub tags_code_resolver: Arc<dyn TagsCodeResolver>,
    /// Whether stored messages are indexed by key and unique key (`messageIndexEnable`, true).
    pub message_index_enable: bool,
    /// The shape of each index file (`maxHashSlotNum` 5,000,000, `maxIndexNum` 20,000,000); tests use tiny ones.
    pub index_geometry: IndexFileGeometry,
    /// The most offsets one query by key returns (`maxMsgsNumBatch`, 64).
    pub max_msgs_num_batch: usize,
    /// The `maxNum` a broker uses for a query by unique key (`defaultQueryMaxNum`, 32).
    pub default_query_max_num: usize,
    /// When old files are deleted and when the disk counts as full (`retention_config.rs`).
    pub retention: RetentionConfig,
}

impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreConfig")
            .field("root_dir", &self.root_dir)
            .field("commit_log_file_size", &self.commit_log_file_size)
            .field(
                "consume_queue_entries_per_file",
                &self.consume_queue_entries_per_file,
            )
            .field("flush_mode", &self.flush_mode)
            .field("consume_queue_flush_interval", &self.consume_queue_flush_interval)
            .field("max_message_size", &self.max_message_size)
            .field("max_transfer_bytes", &self.max_transfer_bytes)
            .field("max_transfer_count", &self.max_transfer_count)
            .field("check_crc_on_recover", &self.check_crc_on_recover)
            .field("tags_code_resolver", &self.tags_code_resolver)
            .field("message_index_enable", &self.message_index_enable)
            .field("index_geometry", &self.index_geometry)
            .field("max_msgs_num_batch", &self.max_msgs_num_batch)
            .field("default_query_max_num", &self.default_query_max_num)
            .field("retention", &self.retention)
            .finish()
    }
}

impl StoreConfig {
    /// Apache's defaults, rooted at `root_dir`.
    pub fn new(root_dir: impl Into<PathBuf>) -> Self {
        StoreConfig {
            root_dir: root_dir.into(),
            commit_log_file_size: DEFAULT_COMMIT_LOG_FILE_SIZE,
            consume_queue_entries_per_file: DEFAULT_CONSUME_QUEUE_ENTRIES_PER_FILE,
            flush_mode: FlushMode::default(),
            consume_queue_flush_interval: Duration::from_secs(1),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            max_transfer_bytes: 256 * 1024,
            max_transfer_count: 32,
            check_crc_on_recover: true,
            tags_code_resolver: Arc::new(TagHashResolver),
            message_index_enable: true,
            index_geometry: IndexFileGeometry::default(),
            max_msgs_num_batch: 64,
            default_query_max_num: 32,
            retention: RetentionConfig::default(),
        }
    }

    /// The commitlog directory.
    pub fn commit_log_dir(&self) -> PathBuf {
        self.root_dir.join("commitlog")
    }

    /// The consume-queue directory.
    pub fn consume_queue_dir(&self) -> PathBuf {
        self.root_dir.join("consumequeue")
    }

    /// The index-file directory.
    pub fn index_dir(&self) -> PathBuf {
        self.root_dir.join("index")
    }

    /// The directory of the broker's JSON config files.
    pub fn config_dir(&self) -> PathBuf {
        self.root_dir.join("config")
    }

    /// Checks every value's range.
    pub fn validate(&self) -> Result<()> {
        let invalid = |reason: String| Err(StoreError::InvalidConfig(reason));
        if self.commit_log_file_size < 4096 || self.commit_log_file_size > i32::MAX as usize {
            return invalid(format!(
                "commit_log_file_size {} is outside 4096..=2147483647",
                self.commit_log_file_size
            ));
        }
        if self.consume_queue_entries_per_file == 0
            || self.consume_queue_entries_per_file > (i32::MAX as usize) / crate::consume_queue::CQ_ENTRY_SIZE
        {
            return invalid(format!(
                "consume_queue_entries_per_file {} is outside 1..=107374182",
                self.consume_queue_entries_per_file
            ));
        }
        if self.max_message_size == 0 {
            return invalid("max_message_size is 0".into());
        }
        if self.max_transfer_count == 0 {
            return invalid("max_transfer_count is 0".into());
        }
        if let FlushMode::Async { interval } = self.flush_mode
            && interval.is_zero()
        {
            return invalid("the async flush interval is 0".into());
        }
        self.index_geometry.file_size()?;
        if self.index_geometry.index_num < 2 {
            return invalid("index_geometry.index_num must be at least 2 (entry 0 is never used)".into());
        }
        if self.retention.clean_resource_interval.is_zero() {
            return invalid("retention.clean_resource_interval is 0".into());
        }
        if self.consume_queue_flush_interval.is_zero() {
            return invalid("consume_queue_flush_interval is 0".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_apaches_and_valid() {
        let config = StoreConfig::new("/tmp/x");
        assert_eq!(config.commit_log_file_size, 1 << 30);
        assert_eq!(config.consume_queue_entries_per_file, 300_000);
        assert!(config.validate().is_ok());
        assert_eq!(config.commit_log_dir(), PathBuf::from("/tmp/x/commitlog"));
        let small = StoreConfig {
            commit_log_file_size: 100,
            ..config
        };
        assert!(small.validate().is_err());
    }
}
