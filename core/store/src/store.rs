//! `MessageStore`: the facade the broker uses. It opens (and recovers) a store directory, appends messages to the
//! commitlog and indexes them in consume queues and index files (by key) in the same step, serves pulls and offset queries, and runs the
//! flush thread.
//!
//! How async meets blocking I/O: appends and reads only copy bytes to or from memory-mapped files, so they are
//! plain synchronous methods that are fine to call from async code (a read of cold data may page-fault; a
//! broker that expects much cold reading can move pulls to `spawn_blocking`). Every fsync happens on the
//! store's own `fulmen-store-flush` thread, and new store files are created ahead of time on the
//! `fulmen-store-alloc` thread (`allocate.rs`). A put is an `async fn` only to await, under sync flush, the
//! completion of its group commit; it never blocks a tokio worker and needs no particular runtime. The store
//! never builds a runtime and depends on no timer: a caller that wants a deadline on a sync-flush put wraps
//! the future in its own timeout.

use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use bytes::Bytes;
use fulmen_protocol::message::MessageExt;
use fulmen_protocol::msgid::OffsetMessageId;

use crate::allocate::FileAllocator;
use crate::arrival::{MessageArrival, MessageArrivalListener};
use crate::checkpoint::{Checkpoint, CheckpointFile};
use crate::clean_service::{CleanService, CleanTarget};
use crate::commit_log::CommitLog;
use crate::config::{FlushMode, StoreConfig};
use crate::consume_queue::CqEntry;
use crate::consume_queue_table::ConsumeQueueTable;
use crate::error::{Result, StoreError};
use crate::filter::MessageFilter;
use crate::flush::{FlushRequests, FlushService, FlushTarget};
use crate::fs_util::create_dir_all_durable;
use crate::get_result::GetMessageResult;
use crate::index_service::IndexService;
use crate::local_time::local_hour_now;
use crate::markers::{StoreLock, abort_marker_exists, create_abort_marker, remove_abort_marker};
use crate::message_to_store::{
    BatchToStore, MessageToStore, PreparedPut, PutLimits, Refusal, prepare_batch, prepare_message,
};
use crate::pull::{PullLimits, get_messages};
use crate::put_result::{AppendResult, PutMessageResult, PutMessageStatus};
use crate::put_state::PutState;
use crate::query_result::{QueryMessageResult, query_message};
use crate::recovery::{RecoveryMode, recover};
use crate::retention::{CleanClock, CleanReport, CleanScope, Retention};
use crate::retention_config::RetentionConfig;
use crate::time_search::{BoundaryType, offset_by_time};

/// The name of the checkpoint file in the store root.
pub const CHECKPOINT_FILE_NAME: &str = "checkpoint";

/// A message store on one directory. Share it behind an `Arc`; every method takes `&self`.
pub struct MessageStore {
    inner: Arc<StoreInner>,
    flush_requests: Arc<FlushRequests>,
    flush_service: Mutex<Option<FlushService>>,
    allocator: Mutex<Option<FileAllocator>>,
    clean_service: Mutex<Option<CleanService>>,
    last_stop_was_clean: bool,
}

impl fmt::Debug for MessageStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageStore")
            .field("root_dir", &self.inner.config.root_dir)
            .field("commit_log", &self.inner.commit_log)
            .field("closed", &self.inner.closed.load(Ordering::Relaxed))
            .finish()
    }
}

/// What the flush thread shares with the facade.
struct StoreInner {
    config: StoreConfig,
    commit_log: CommitLog,
    queues: ConsumeQueueTable,
    index: IndexService,
    checkpoint: CheckpointFile,
    put_state: Mutex<PutState>,
    /// Every unit below this commitlog offset has its consume-queue entry written (in memory). It stays below a
    /// unit whose entry failed until that entry is written (`put_state.rs`).
    dispatched_offset: AtomicU64,
    last_store_timestamp: AtomicI64,
    listener: RwLock<Option<Arc<dyn MessageArrivalListener>>>,
    /// Retention state: the manual delete request and the disk-full flag (`retention.rs`).
    retention: Retention,
    /// The retention settings, which UPDATE_BROKER_CONFIG may change while the store runs (the clean thread's
    /// initial delay and interval stay as they were at open, as Java's schedule does).
    retention_config: RwLock<RetentionConfig>,
    closed: AtomicBool,
    _lock: StoreLock,
}

impl MessageStore {
    /// Opens the store at `config.root_dir` (created if missing): takes its lock, recovers, marks it running
    /// (`abort`) and starts the flush thread. Fails with [`StoreError::LockHeld`] if another store has it open.
    pub fn open(config: StoreConfig) -> Result<MessageStore> {
        config.validate()?;
        let root = config.root_dir.clone();
        create_dir_all_durable(&root)?;
        let lock = StoreLock::acquire(&root)?;
        let unclean = abort_marker_exists(&root);
        let (checkpoint_file, checkpoint) = CheckpointFile::open(&root.join(CHECKPOINT_FILE_NAME))?;
        let commit_log = CommitLog::open(&config.commit_log_dir(), config.commit_log_file_size)?;
        let queues =
            ConsumeQueueTable::load(&config.consume_queue_dir(), config.consume_queue_entries_per_file)?;
        if unclean {
            // What the last run created but never flushed may be in the page cache only.
            queues.assume_creation_not_durable();
        }
        let index = IndexService::load(
            &config.index_dir(),
            config.index_geometry,
            config.message_index_enable,
        )?;
        let recovered = recover(
            &commit_log,
            &queues,
            &index,
            &config.tags_code_resolver,
            RecoveryMode {
                unclean,
                checkpoint: checkpoint.as_ref(),
                check_crc: config.check_crc_on_recover,
            },
        )?;
        tracing::info!(
            root = %root.display(), clean = !unclean, commit_log_end = recovered.commit_log_end,
            redispatched = recovered.redispatched, "store recovered"
        );
        create_abort_marker(&root)?;
        let timestamp_floor = recovered
            .last_store_timestamp
            .unwrap_or_default()
            .max(checkpoint.map_or(0, |checkpoint| checkpoint.physic_msg_timestamp));
        let inner = Arc::new(StoreInner {
            commit_log,
            queues,
            index,
            checkpoint: checkpoint_file,
            put_state: Mutex::new(PutState::new(timestamp_floor)),
            dispatched_offset: AtomicU64::new(recovered.commit_log_end),
            last_store_timestamp: AtomicI64::new(timestamp_floor),
            listener: RwLock::new(None),
            retention: Retention::default(),
            retention_config: RwLock::new(config.retention.clone()),
            closed: AtomicBool::new(false),
            _lock: lock,
            config,
        });
        if unclean {
            // Persist the rebuilt state now, so that another crash does not scan the same files again.
            inner.flush_commit_log()?;
            inner.flush_consume_queues_and_checkpoint()?;
        }
        // Only now: recovery may still truncate and delete files, and it creates files synchronously.
        let allocator = FileAllocator::start()?;
        inner
            .commit_log
            .files()
            .enable_preallocation(allocator.requests());
        inner.queues.enable_preallocation(allocator.requests());
        let service = FlushService::start(
            inner.clone(),
            inner.config.flush_mode,
            inner.config.consume_queue_flush_interval,
        )?;
        let retention = &inner.config.retention;
        let clean_service = CleanService::start(
            inner.clone(),
            retention.clean_initial_delay,
            retention.clean_resource_interval,
        )?;
        Ok(MessageStore {
            inner,
            flush_requests: service.requests(),
            flush_service: Mutex::new(Some(service)),
            allocator: Mutex::new(Some(allocator)),
            clean_service: Mutex::new(Some(clean_service)),
            last_stop_was_clean: !unclean,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &StoreConfig {
        &self.inner.config
    }

    /// The root directory.
    pub fn root_dir(&self) -> &Path {
        &self.inner.config.root_dir
    }

    /// Whether the previous run shut down cleanly (no `abort` marker was found at open).
    pub fn last_stop_was_clean(&self) -> bool {
        self.last_stop_was_clean
    }

    /// Registers the listener told about new messages (replacing any previous one).
    pub fn set_arrival_listener(&self, listener: Arc<dyn MessageArrivalListener>) {
        *self
            .inner
            .listener
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(listener);
    }

    /// Stores one message. Under sync flush, returns once it is durable (`FLUSH_DISK_TIMEOUT` if the flush
    /// fails or the store stops first), unless its `WAIT` property is `false`.
    pub async fn put_message(&self, message: MessageToStore) -> PutMessageResult {
        let prepared = prepare_message(message, self.limits());
        self.put_prepared(prepared).await
    }

    /// Stores a batch as consecutive units with consecutive queue offsets, all in one commitlog file.
    pub async fn put_messages(&self, batch: BatchToStore) -> PutMessageResult {
        let prepared = prepare_batch(batch, self.limits());
        self.put_prepared(prepared).await
    }

    fn limits(&self) -> PutLimits {
        PutLimits {
            max_message_size: self.inner.config.max_message_size,
            max_append_len: self.inner.commit_log.max_append_len(),
        }
    }

    async fn put_prepared(&self, prepared: Result<PreparedPut, Refusal>) -> PutMessageResult {
        let prepared = match prepared {
            Ok(prepared) => prepared,
            Err((status, remark)) => return PutMessageResult::failed(status, remark),
        };
        let wait_for_flush = prepared.wait_for_flush;
        let result = self.inner.append(prepared);
        let end_offset = match &result.append {
            Some(append) if result.is_ok() => append.end_offset as u64,
            _ => return result,
        };
        if self.inner.config.flush_mode != FlushMode::Sync {
            return result;
        }
        let flushed = self.flush_requests.request(end_offset);
        if !wait_for_flush {
            return result;
        }
        match flushed.await {
            Ok(true) => result,
            Ok(false) | Err(_) => PutMessageResult {
                status: PutMessageStatus::FlushDiskTimeout,
                remark: Some("the commitlog flush did not complete".into()),
                ..result
            },
        }
    }

    /// Reads up to `max_count` messages (and about `max_bytes`, both capped by the configuration) of a queue
    /// from `offset`, keeping those whose tag code `filter` accepts, with the status and offsets of a pull.
    pub fn get_messages(
        &self,
        topic: &str,
        queue_id: i32,
        offset: i64,
        max_count: usize,
        max_bytes: usize,
        filter: Option<&dyn MessageFilter>,
    ) -> Result<GetMessageResult> {
        self.ensure_open()?;
        let config = &self.inner.config;
        let limits = PullLimits {
            max_count: max_count.min(config.max_transfer_count),
            max_bytes: max_bytes.min(config.max_transfer_bytes),
        };
        let queue = self.inner.queues.get(topic, queue_id);
        get_messages(&self.inner.commit_log, queue.as_deref(), offset, limits, filter)
    }

    /// The message stored at a commitlog offset (VIEW_MESSAGE_BY_ID), if a valid unit starts there.
    pub fn message_at(&self, physical_offset: i64) -> Option<MessageExt> {
        self.inner
            .commit_log
            .message_at(u64::try_from(physical_offset).ok()?)
    }

    /// The raw unit stored at a commitlog offset, if a unit starts there.
    pub fn unit_at(&self, physical_offset: i64) -> Option<Bytes> {
        self.inner
            .commit_log
            .unit_at(u64::try_from(physical_offset).ok()?)
    }

    /// The messages indexed under `key` of `topic` (a `KEYS` token or the `UNIQ_KEY`) stored within
    /// `begin..=end` ms, at most `max_num` (capped at `max_msgs_num_batch`): QUERY_MESSAGE, Java's
    /// `DefaultMessageStore#queryMessage` (see `query_result.rs`).
    pub fn query_message(
        &self,
        topic: &str,
        key: &str,
        max_num: usize,
        begin: i64,
        end: i64,
    ) -> QueryMessageResult {
        query_message(
            &self.inner.index,
            &self.inner.commit_log,
            (topic, key),
            max_num,
            self.inner.config.max_msgs_num_batch,
            (begin, end),
        )
    }

    /// The index service (index files and lookups).
    pub fn index_service(&self) -> &IndexService {
        &self.inner.index
    }

    /// The min offset of a queue (GET_MIN_OFFSET); 0 for an unknown queue.
    pub fn min_offset(&self, topic: &str, queue_id: i32) -> i64 {
        self.inner
            .queues
            .get(topic, queue_id)
            .map_or(0, |queue| queue.min_offset())
    }

    /// The max offset of a queue, one past its last message (GET_MAX_OFFSET); 0 for an unknown queue.
    pub fn max_offset(&self, topic: &str, queue_id: i32) -> i64 {
        self.inner
            .queues
            .get(topic, queue_id)
            .map_or(0, |queue| queue.max_offset())
    }

    /// The queue offset of the message stored at `timestamp` (SEARCH_OFFSET_BY_TIMESTAMP); 0 for an unknown
    /// queue.
    pub fn offset_by_time(&self, topic: &str, queue_id: i32, timestamp: i64, boundary: BoundaryType) -> i64 {
        self.inner.queues.get(topic, queue_id).map_or(0, |queue| {
            offset_by_time(&self.inner.commit_log, &queue, timestamp, boundary)
        })
    }

    /// The consume-queue entry at `queue_offset` of a queue (its commitlog offset, size and tag code), if stored
    /// and not a filler. The broker's schedule and timer services read the deliver time from its tag code.
    pub fn queue_entry(&self, topic: &str, queue_id: i32, queue_offset: i64) -> Option<CqEntry> {
        let entry = self.inner.queues.get(topic, queue_id)?.entry(queue_offset)?;
        (!entry.is_filler()).then_some(entry)
    }

    /// The store timestamp of the message at `queue_offset` of a queue.
    pub fn store_time_at(&self, topic: &str, queue_id: i32, queue_offset: i64) -> Option<i64> {
        let entry = self.inner.queues.get(topic, queue_id)?.entry(queue_offset)?;
        if entry.is_filler() {
            return None;
        }
        self.inner
            .commit_log
            .store_timestamp_at(u64::try_from(entry.commit_log_offset).ok()?)
    }

    /// The store timestamp of a queue's oldest message (GET_EARLIEST_MSG_STORETIME).
    pub fn earliest_store_time(&self, topic: &str, queue_id: i32) -> Option<i64> {
        self.store_time_at(topic, queue_id, self.min_offset(topic, queue_id))
    }

    /// Every (topic, queue id) that has a consume queue.
    pub fn queues(&self) -> Vec<(String, i32)> {
        self.inner
            .queues
            .all()
            .iter()
            .map(|queue| (queue.topic().to_owned(), queue.queue_id()))
            .collect()
    }

    /// The offset of the oldest commitlog byte still stored.
    pub fn commit_log_min_offset(&self) -> i64 {
        self.inner.commit_log.min_offset() as i64
    }

    /// The commitlog offset just past the last unit.
    pub fn commit_log_max_offset(&self) -> i64 {
        self.inner.commit_log.max_offset() as i64
    }

    /// The commitlog offset below which everything is durable.
    pub fn commit_log_flushed_offset(&self) -> i64 {
        self.inner.commit_log.flushed_offset() as i64
    }

    /// Runs one retention pass now, as the clean thread does every `cleanResourceInterval`
    /// (`retention.rs`): deletes expired commitlog files if it is a `deleteWhen` hour, the disk is over a
    /// ratio or a manual delete was requested, then the consume-queue and index files that point only below the
    /// new commitlog minimum.
    pub fn clean_expired_files_now(&self) -> Result<CleanReport> {
        self.ensure_open()?;
        self.inner.run_clean_pass()
    }

    /// Makes the next 20 retention passes delete expired commitlog files whatever the hour (admin
    /// DELETE_EXPIRED_COMMITLOG, Java's `executeDeleteFilesManually`).
    pub fn execute_delete_files_manually(&self) {
        self.inner.retention.request_manual_delete();
    }

    /// The retention settings in force.
    pub fn retention_config(&self) -> RetentionConfig {
        self.inner.retention_config()
    }

    /// Replaces the retention settings; the next pass uses them (Java's live `MessageStoreConfig` update).
    pub fn set_retention_config(&self, config: RetentionConfig) {
        *self
            .inner
            .retention_config
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = config;
    }

    /// Whether the last retention pass found the disk over `diskSpaceWarningLevelRatio`; puts then fail with
    /// `SERVICE_NOT_AVAILABLE`.
    pub fn is_disk_full(&self) -> bool {
        self.inner.retention.is_disk_full()
    }

    /// The used fraction of the disks under the commitlog, the consume queues and the index (Java's
    /// `diskUtil`), each `None` if unreadable.
    pub fn disk_used_ratios(&self) -> [Option<f64>; 3] {
        let config = &self.inner.config;
        let usage = self.inner.retention_config().disk_usage;
        [
            usage.used_ratio(&config.commit_log_dir()),
            usage.used_ratio(&config.consume_queue_dir()),
            usage.used_ratio(&config.index_dir()),
        ]
    }

    /// Stops the store cleanly: refuses new puts, waits for the append in progress, writes the consume-queue
    /// entries that had failed, stops the background threads, deletes the preallocated spare files, flushes the
    /// commitlog, the consume queues and the checkpoint, and removes the `abort` marker. Idempotent. Dropping a
    /// store without calling this leaves the marker, and the next open recovers as after a crash.
    ///
    /// If failed consume-queue entries still cannot be written, everything else is done but the marker stays
    /// (so the next open rebuilds them from the commitlog), and the error is returned.
    pub fn shutdown(&self) -> Result<()> {
        if self.inner.closed.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        // Appends in progress finish first (they hold the put lock).
        let caught_up = {
            let mut state = self.inner.lock_put_state();
            let caught_up = state.catch_up_all();
            self.inner
                .publish_dispatched(&state, self.inner.commit_log.max_offset());
            caught_up
        };
        if let Some(mut clean_service) = take_service(&self.clean_service) {
            clean_service.stop();
        }
        if let Some(mut service) = take_service(&self.flush_service) {
            service.stop(true);
        }
        if let Some(mut allocator) = take_service(&self.allocator) {
            allocator.stop();
        }
        self.inner.commit_log.files().close_spare();
        self.inner.queues.close_spares();
        self.inner.flush_commit_log()?;
        self.inner.flush_consume_queues_and_checkpoint()?;
        if let Err(error) = caught_up {
            tracing::error!(
                %error,
                "consume-queue entries are still missing: keeping the abort marker, the next start rebuilds them"
            );
            return Err(error);
        }
        remove_abort_marker(&self.inner.config.root_dir)
    }

    fn ensure_open(&self) -> Result<()> {
        if self.inner.closed.load(Ordering::Acquire) {
            Err(StoreError::Closed)
        } else {
            Ok(())
        }
    }
}

impl StoreInner {
    fn lock_put_state(&self) -> MutexGuard<'_, PutState> {
        self.put_state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Appends a prepared put and indexes it, under the writer lock.
    fn append(&self, mut put: PreparedPut) -> PutMessageResult {
        if self.closed.load(Ordering::Acquire) {
            return PutMessageResult::failed(PutMessageStatus::ServiceNotAvailable, "the store is shut down");
        }
        let queue = if put.indexed {
            match self.queues.get_or_create(&put.topic, put.queue_id) {
                Ok(queue) => Some(queue),
                Err(error) => {
                    return PutMessageResult::failed(PutMessageStatus::UnknownError, error.to_string());
                }
            }
        } else {
            None
        };
        if self.retention.is_disk_full() {
            return PutMessageResult::failed(
                PutMessageStatus::ServiceNotAvailable,
                "the broker's disk is full",
            );
        }
        let mut state = self.lock_put_state();
        if self.closed.load(Ordering::Acquire) {
            return PutMessageResult::failed(PutMessageStatus::ServiceNotAvailable, "the store is shut down");
        }
        if let Some(queue) = queue.as_deref()
            && let Err(error) = state.catch_up(queue)
        {
            // Refused before anything is stored: no unit of this queue may follow one without an entry.
            tracing::error!(%error, topic = %put.topic, queue_id = put.queue_id, "the consume queue is still behind");
            return PutMessageResult::failed(
                PutMessageStatus::UnknownError,
                format!("not stored: earlier messages of this queue cannot be indexed: {error}"),
            );
        }
        let first_queue_offset = queue.as_deref().map(|queue| state.next_queue_offset(queue));
        let store_timestamp = state.next_timestamp();
        let appended = match self
            .commit_log
            .append(&mut put.units, first_queue_offset, store_timestamp)
        {
            Ok(appended) => appended,
            Err(error) => {
                tracing::error!(%error, "appending to the commitlog failed");
                self.publish_dispatched(&state, self.commit_log.max_offset());
                let status = match error {
                    StoreError::Io { .. } => PutMessageStatus::CreateMappedFileFailed,
                    _ => PutMessageStatus::UnknownError,
                };
                return PutMessageResult::failed(status, error.to_string());
            }
        };
        for (properties, physical) in put.properties.iter().zip(&appended.physical_offsets) {
            if let Err(error) = self.index.build_index(
                &put.topic,
                put.sys_flag,
                properties,
                *physical as i64,
                store_timestamp,
            ) {
                // Java marks the index broken and keeps storing; the message is stored, only its keys are not.
                tracing::error!(%error, topic = %put.topic, offset = physical, "indexing a message's keys failed");
            }
        }
        let mut status = PutMessageStatus::PutOk;
        let mut remark = None;
        let mut last_tags_code = 0;
        if let (Some(queue), Some(first)) = (queue.as_ref(), first_queue_offset) {
            let resolver = &self.config.tags_code_resolver;
            let mut entries = Vec::with_capacity(put.units.units.len());
            for (index, (slot, physical)) in
                put.units.units.iter().zip(&appended.physical_offsets).enumerate()
            {
                let properties = put.properties.get(index).cloned().unwrap_or_default();
                last_tags_code = resolver.tags_code(&put.topic, &properties, store_timestamp);
                entries.push(CqEntry {
                    commit_log_offset: *physical as i64,
                    size: slot.len as i32,
                    tags_code: last_tags_code,
                });
            }
            if let Err(error) = state.index(queue, first, entries) {
                tracing::error!(%error, topic = %put.topic, queue_id = put.queue_id, "indexing a message failed");
                status = PutMessageStatus::UnknownError;
                remark = Some(format!(
                    "stored but not indexed yet (indexed before the queue's next message, or rebuilt at the next \
                     start): {error}"
                ));
            }
        }
        self.publish_dispatched(&state, appended.end_offset);
        self.last_store_timestamp
            .store(store_timestamp, Ordering::Release);
        drop(state);
        let first_queue_offset = first_queue_offset.unwrap_or(0);
        if let Some(queue) = queue.as_deref() {
            self.notify_arrival(&MessageArrival {
                topic: &put.topic,
                queue_id: put.queue_id,
                queue_offset: first_queue_offset,
                max_offset: queue.max_offset(),
                tags_code: last_tags_code,
                store_timestamp,
            });
        }
        let physical_offsets: Vec<i64> = appended
            .physical_offsets
            .iter()
            .map(|offset| *offset as i64)
            .collect();
        PutMessageResult {
            status,
            remark,
            append: Some(AppendResult {
                msg_ids: physical_offsets
                    .iter()
                    .map(|offset| OffsetMessageId::new(put.store_host, *offset).to_string())
                    .collect(),
                physical_offsets,
                queue_offset: first_queue_offset,
                store_timestamp,
                wrote_bytes: put.units.len(),
                end_offset: appended.end_offset as i64,
            }),
        }
    }

    /// Publishes how far the consume queues are complete: up to `end` (the commitlog's end after the append
    /// just made), or below the first unit whose entry is still missing.
    fn publish_dispatched(&self, state: &PutState, end: u64) {
        let dispatched = state.unindexed_floor().map_or(end, |floor| floor.min(end));
        self.dispatched_offset.store(dispatched, Ordering::Release);
    }

    fn notify_arrival(&self, arrival: &MessageArrival<'_>) {
        let listener = self
            .listener
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        if let Some(listener) = listener {
            listener.message_arrived(arrival);
        }
    }
}

/// Takes the background service a slot holds (only the first shutdown finds it).
fn take_service<T>(slot: &Mutex<Option<T>>) -> Option<T> {
    slot.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .take()
}

impl StoreInner {
    fn retention_config(&self) -> RetentionConfig {
        self.retention_config
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn run_clean_pass(&self) -> Result<CleanReport> {
        let config = &self.config;
        let retention = self.retention_config();
        let scope = CleanScope {
            config: &retention,
            commit_log: &self.commit_log,
            queues: &self.queues,
            index: &self.index,
            consume_queue_dir: &config.consume_queue_dir(),
        };
        let clock = CleanClock {
            now_millis: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| {
                    i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
                }),
            hour: local_hour_now(),
        };
        self.retention.run_pass(&scope, clock)
    }
}

impl CleanTarget for StoreInner {
    fn clean_pass(&self) {
        match self.run_clean_pass() {
            Ok(report) if report != CleanReport::default() => {
                tracing::info!(
                    ?report,
                    min_offset = self.commit_log.min_offset(),
                    "deleted expired store files"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "a retention pass failed"),
        }
    }
}

impl FlushTarget for StoreInner {
    fn flush_commit_log(&self) -> Result<u64> {
        self.commit_log.flush()
    }

    fn flush_consume_queues_and_checkpoint(&self) -> Result<()> {
        // Sampled first: every entry for units below it is already written, so flushing the queues makes it
        // a safe recovery point.
        let dispatched = self.dispatched_offset.load(Ordering::Acquire) as i64;
        let timestamp = self.last_store_timestamp.load(Ordering::Acquire);
        let flushed = self.commit_log.flush()? as i64;
        self.queues.flush_all()?;
        // Index entries are written with the consume-queue entries, so they too are complete below `dispatched`.
        let index_timestamp = self.index.flush()?;
        self.checkpoint.store(&Checkpoint {
            physic_msg_timestamp: timestamp,
            logics_msg_timestamp: timestamp,
            index_msg_timestamp: index_timestamp,
            master_flushed_offset: flushed,
            confirm_phy_offset: flushed,
            logics_flushed_offset: dispatched,
        })
    }
}

#[cfg(test)]
mod tests;
