//! What a pull returns: Java's `GetMessageStatus`, the units' bytes and the offsets of REMOTING.md §3.3.

use std::fmt;

use bytes::Bytes;

/// The outcome of [`get_messages`](crate::MessageStore::get_messages), with Java's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GetMessageStatus {
    /// At least one message was returned. `nextBeginOffset`: after the last scanned entry.
    Found,
    /// Entries were scanned and none matched the filter. `nextBeginOffset`: after the scanned entries.
    NoMatchedMessage,
    /// Matching entries pointed at commitlog data already deleted. `nextBeginOffset`: after the scanned entries.
    MessageWasRemoving,
    /// No consume-queue file holds the offset. `nextBeginOffset`: the start of the next file.
    OffsetFoundNull,
    /// The offset is past the end. `nextBeginOffset`: the max offset.
    OffsetOverflowBadly,
    /// The offset is the end (nothing new yet; the broker long-polls). `nextBeginOffset`: the offset.
    OffsetOverflowOne,
    /// The offset is below the min offset. `nextBeginOffset`: the min offset.
    OffsetTooSmall,
    /// The queue does not exist (kept for completeness: like Java, an unknown queue reports
    /// [`NoMessageInQueue`](Self::NoMessageInQueue)).
    NoMatchedLogicQueue,
    /// The queue has never had a message (max offset 0). `nextBeginOffset`: 0.
    NoMessageInQueue,
}

impl GetMessageStatus {
    /// Java's constant name, e.g. `FOUND` (the broker sends it as the response remark).
    pub const fn as_str(self) -> &'static str {
        match self {
            GetMessageStatus::Found => "FOUND",
            GetMessageStatus::NoMatchedMessage => "NO_MATCHED_MESSAGE",
            GetMessageStatus::MessageWasRemoving => "MESSAGE_WAS_REMOVING",
            GetMessageStatus::OffsetFoundNull => "OFFSET_FOUND_NULL",
            GetMessageStatus::OffsetOverflowBadly => "OFFSET_OVERFLOW_BADLY",
            GetMessageStatus::OffsetOverflowOne => "OFFSET_OVERFLOW_ONE",
            GetMessageStatus::OffsetTooSmall => "OFFSET_TOO_SMALL",
            GetMessageStatus::NoMatchedLogicQueue => "NO_MATCHED_LOGIC_QUEUE",
            GetMessageStatus::NoMessageInQueue => "NO_MESSAGE_IN_QUEUE",
        }
    }
}

impl fmt::Display for GetMessageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of a pull.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetMessageResult {
    /// The outcome.
    pub status: GetMessageStatus,
    /// Where the consumer should pull next (REMOTING.md §3.3).
    pub next_begin_offset: i64,
    /// The queue's min offset.
    pub min_offset: i64,
    /// The queue's max offset (one past the last message).
    pub max_offset: i64,
    /// The stored units, back to back, exactly as in the commitlog: the PULL_MESSAGE response body.
    pub messages: Bytes,
    /// The queue offset of each returned unit.
    pub queue_offsets: Vec<i64>,
}

impl GetMessageResult {
    /// The number of returned units.
    pub fn message_count(&self) -> usize {
        self.queue_offsets.len()
    }

    pub(crate) fn empty(
        status: GetMessageStatus,
        next_begin_offset: i64,
        min_offset: i64,
        max_offset: i64,
    ) -> Self {
        GetMessageResult {
            status,
            next_begin_offset,
            min_offset,
            max_offset,
            messages: Bytes::new(),
            queue_offsets: Vec::new(),
        }
    }
}
