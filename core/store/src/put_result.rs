//! What a put returns: Java's `PutMessageStatus` and the offsets and ids of the stored units.

use std::fmt;

/// The outcome of a put, with Java's names (`PutMessageStatus`); the broker maps them to response codes
/// (REMOTING.md §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PutMessageStatus {
    /// Stored (and durable under sync flush).
    PutOk,
    /// Stored, but the flush did not complete (sync flush): it failed, or the store stopped first.
    FlushDiskTimeout,
    /// Stored, a slave did not acknowledge in time (no replication yet: never returned).
    FlushSlaveTimeout,
    /// Stored, no slave available (no replication yet: never returned).
    SlaveNotAvailable,
    /// The store is shut down.
    ServiceNotAvailable,
    /// A new commitlog file could not be created (disk full, permissions...).
    CreateMappedFileFailed,
    /// The message cannot be stored: body too large, bad topic, encoding failed, transactional batch...
    MessageIllegal,
    /// The properties string is longer than 32767 bytes.
    PropertiesSizeExceeded,
    /// The page cache is busy (never returned: kept for the broker's mapping).
    OsPageCacheBusy,
    /// Anything else, e.g. a consume-queue write failed after the commitlog append.
    UnknownError,
    /// A timer message (`TIMER_*` properties) arrived while the timer is off (`timerWheelEnable=false`);
    /// returned by the broker's put hook, never by the store itself.
    WheelTimerNotEnable,
    /// A timer message's deliver time does not parse or lies beyond `timerMaxDelaySec`; returned by the
    /// broker's put hook, never by the store itself.
    WheelTimerMsgIllegal,
}

impl PutMessageStatus {
    /// Java's constant name, e.g. `PUT_OK`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PutMessageStatus::PutOk => "PUT_OK",
            PutMessageStatus::FlushDiskTimeout => "FLUSH_DISK_TIMEOUT",
            PutMessageStatus::FlushSlaveTimeout => "FLUSH_SLAVE_TIMEOUT",
            PutMessageStatus::SlaveNotAvailable => "SLAVE_NOT_AVAILABLE",
            PutMessageStatus::ServiceNotAvailable => "SERVICE_NOT_AVAILABLE",
            PutMessageStatus::CreateMappedFileFailed => "CREATE_MAPPED_FILE_FAILED",
            PutMessageStatus::MessageIllegal => "MESSAGE_ILLEGAL",
            PutMessageStatus::PropertiesSizeExceeded => "PROPERTIES_SIZE_EXCEEDED",
            PutMessageStatus::OsPageCacheBusy => "OS_PAGE_CACHE_BUSY",
            PutMessageStatus::UnknownError => "UNKNOWN_ERROR",
            PutMessageStatus::WheelTimerNotEnable => "WHEEL_TIMER_NOT_ENABLE",
            PutMessageStatus::WheelTimerMsgIllegal => "WHEEL_TIMER_MSG_ILLEGAL",
        }
    }

    /// Whether the message is stored: `PUT_OK` and the statuses that report a late flush or replica
    /// (Java's `PutMessageResult.isOk` is only `PUT_OK`; this is the weaker "appended" test).
    pub const fn is_stored(self) -> bool {
        matches!(
            self,
            PutMessageStatus::PutOk
                | PutMessageStatus::FlushDiskTimeout
                | PutMessageStatus::FlushSlaveTimeout
                | PutMessageStatus::SlaveNotAvailable
        )
    }
}

impl fmt::Display for PutMessageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the units of a put were stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendResult {
    /// The commitlog offset of each unit, in order.
    pub physical_offsets: Vec<i64>,
    /// The offset message id of each unit (store host + commitlog offset, REMOTING.md §6.2).
    pub msg_ids: Vec<String>,
    /// The queue offset of the first unit; the others follow consecutively. 0 for half and rollback messages,
    /// which are not indexed.
    pub queue_offset: i64,
    /// The STORETIMESTAMP written into every unit.
    pub store_timestamp: i64,
    /// The total size of the units.
    pub wrote_bytes: usize,
    /// The commitlog offset just past the last unit.
    pub end_offset: i64,
}

impl AppendResult {
    /// The number of units.
    pub fn message_count(&self) -> usize {
        self.physical_offsets.len()
    }

    /// The commitlog offset of the first unit.
    pub fn physical_offset(&self) -> i64 {
        self.physical_offsets.first().copied().unwrap_or_default()
    }

    /// The `msgId` of a send response: the offset message ids joined by commas (one id for a single message).
    pub fn joined_msg_id(&self) -> String {
        self.msg_ids.join(",")
    }
}

/// The result of [`put_message`](crate::MessageStore::put_message) and
/// [`put_messages`](crate::MessageStore::put_messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutMessageResult {
    /// The outcome.
    pub status: PutMessageStatus,
    /// Where the units went, when they were stored.
    pub append: Option<AppendResult>,
    /// Why, for failures.
    pub remark: Option<String>,
}

impl PutMessageResult {
    /// A failure without stored units.
    pub fn failed(status: PutMessageStatus, remark: impl Into<String>) -> Self {
        PutMessageResult {
            status,
            append: None,
            remark: Some(remark.into()),
        }
    }

    /// Whether the status is `PUT_OK`.
    pub fn is_ok(&self) -> bool {
        self.status == PutMessageStatus::PutOk
    }
}
