//! Fulmen's message store: the storage engine of the embedded RocketMQ broker, with Apache RocketMQ's file
//! formats (REMOTING.md §5.1, §7).
//!
//! ```text
//! <root>/commitlog/00000000000000000000 …     every message unit, back to back (CommitLog, MappedFileQueue)
//! <root>/consumequeue/<topic>/<queueId>/…     20-byte entries per queue offset (ConsumeQueue)
//! <root>/index/<yyyyMMddHHmmssSSS>            hash index of message keys (IndexFile, IndexService)
//!                                             (old files of all three are deleted by retention.rs)
//! <root>/checkpoint  abort  lock              recovery point, unclean-stop marker, single-owner lock
//! <root>/config/*.json                        broker config files, written atomically (config_file)
//! ```
//!
//! [`MessageStore`] is the facade: [`MessageStore::put_message`], [`MessageStore::get_messages`], offsets, search
//! by time, query by key ([`MessageStore::query_message`]), recovery on open and a clean
//! [`MessageStore::shutdown`]. The building blocks are public for tools and tests. The only `unsafe` code maps
//! files into memory (`mmap.rs`).

mod allocate;
mod arrival;
mod checkpoint;
mod clean_service;
mod commit_log;
mod config;
pub mod config_file;
mod consume_queue;
mod consume_queue_table;
mod dir_sync;
mod disk_usage;
mod error;
mod filter;
mod flush;
mod fs_util;
mod get_result;
mod index_file;
mod index_header;
mod index_service;
mod local_time;
mod mapped_file;
mod mapped_file_queue;
mod markers;
mod message_to_store;
mod mmap;
mod pull;
mod put_result;
mod put_state;
mod query_result;
mod queue_files;
mod recovery;
mod retention;
mod retention_config;
mod spare_file;
mod store;
mod tags_code;
mod time_search;
mod unit_layout;

pub use arrival::{MessageArrival, MessageArrivalListener};
pub use checkpoint::{CHECKPOINT_FILE_SIZE, Checkpoint, CheckpointFile};
pub use commit_log::{Appended, CommitLog, EncodedUnits, UnitSlot};
pub use config::{
    DEFAULT_COMMIT_LOG_FILE_SIZE, DEFAULT_CONSUME_QUEUE_ENTRIES_PER_FILE, DEFAULT_MAX_MESSAGE_SIZE,
    FlushMode, StoreConfig,
};
pub use consume_queue::{CQ_ENTRY_SIZE, ConsumeQueue, CqEntry, CqPut, EntriesAt, FILLER_SIZE};
pub use consume_queue_table::ConsumeQueueTable;
pub use disk_usage::{DiskUsage, SimulatedDiskUsage, StatvfsDiskUsage};
pub use error::{Result, StoreError};
pub use filter::{MessageFilter, TagsCodeFilter};
pub use fs_util::{file_name_to_offset, offset_to_file_name};
pub use get_result::{GetMessageResult, GetMessageStatus};
pub use index_file::{
    DEFAULT_HASH_SLOT_NUM, DEFAULT_INDEX_NUM, HASH_SLOT_SIZE, INDEX_ENTRY_SIZE, IndexFile, IndexFileGeometry,
    build_key, index_file_name, index_key_hash,
};
pub use index_header::{INDEX_HEADER_SIZE, IndexHeader};
pub use index_service::{IndexService, QueryOffsetResult};
pub use mapped_file::{CreateSync, MappedFile};
pub use mapped_file_queue::MappedFileQueue;
pub use markers::{ABORT_FILE_NAME, LOCK_FILE_NAME, StoreLock};
pub use message_to_store::{BatchToStore, MessageToStore, is_indexed};
pub use put_result::{AppendResult, PutMessageResult, PutMessageStatus};
pub use query_result::QueryMessageResult;
pub use retention::CleanReport;
pub use retention_config::RetentionConfig;
pub use store::{CHECKPOINT_FILE_NAME, MessageStore};
pub use tags_code::{TagHashResolver, TagsCodeResolver};
pub use time_search::BoundaryType;
