//! [`PullResult`] and [`PullStatus`]: what one pull returns.

use crate::message_view::MessageView;

/// The outcome of a pull, as Java's `PullStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PullStatus {
    /// Messages were found (`SUCCESS`).
    Found,
    /// No message at or after the offset yet (`PULL_NOT_FOUND`).
    NoNewMsg,
    /// Messages were scanned but none matched the expression (`PULL_RETRY_IMMEDIATELY`).
    NoMatchedMsg,
    /// The offset is outside the queue; continue from `next_begin_offset` (`PULL_OFFSET_MOVED`).
    OffsetIllegal,
}

/// What one pull returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullResult {
    /// The outcome.
    pub status: PullStatus,
    /// The offset to pull from next.
    pub next_begin_offset: i64,
    /// The smallest offset in the queue.
    pub min_offset: i64,
    /// One past the last offset in the queue.
    pub max_offset: i64,
    /// The messages (only with [`PullStatus::Found`]), filtered by tag string.
    pub messages: Vec<MessageView>,
}
