//! How the broker learns that messages arrived on a queue, to wake long polls (Java's
//! `MessageArrivingListener`, which feeds `PullRequestHoldService`).

use std::fmt;

/// New messages on one queue, reported right after they became readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageArrival<'a> {
    /// The topic.
    pub topic: &'a str,
    /// The queue.
    pub queue_id: i32,
    /// The queue offset of the first new message.
    pub queue_offset: i64,
    /// The queue's new max offset (one past the last new message).
    pub max_offset: i64,
    /// The tag code of the last new message.
    pub tags_code: i64,
    /// Their store timestamp.
    pub store_timestamp: i64,
}

/// Called by the store after each put that added consume-queue entries, outside the store's locks, on the
/// thread that made the put. It must be quick and must not block (e.g. wake a `tokio::sync::Notify`).
pub trait MessageArrivalListener: Send + Sync + fmt::Debug {
    /// Messages arrived.
    fn message_arrived(&self, arrival: &MessageArrival<'_>);
}
