//! Searching a queue by store time (SEARCH_OFFSET_BY_TIMESTAMP, REMOTING.md §3.4), with Java's answer
//! (`ConsumeQueue#getOffsetInQueueByTime`): when messages were stored at exactly that time, the first
//! (`LOWER`) or last (`UPPER`) of them; otherwise the closer of the two neighbours (the earlier on a tie).
//!
//! Store timestamps are read from the commitlog; the store keeps them non-decreasing, so a binary search over
//! the queue is exact.

use crate::commit_log::CommitLog;
use crate::consume_queue::{ConsumeQueue, CqEntry};

/// Which of several messages stored at the searched time to answer with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum BoundaryType {
    /// The first (the default).
    #[default]
    Lower,
    /// The last.
    Upper,
}

impl BoundaryType {
    /// Parses `LOWER` / `UPPER` in any case (the request header's `boundaryType`); anything else is `Lower`.
    pub fn parse(text: &str) -> BoundaryType {
        if text.eq_ignore_ascii_case("upper") {
            BoundaryType::Upper
        } else {
            BoundaryType::Lower
        }
    }
}

/// The queue offset for `timestamp`; the max offset of an empty queue.
pub(crate) fn offset_by_time(
    commit_log: &CommitLog,
    queue: &ConsumeQueue,
    timestamp: i64,
    boundary: BoundaryType,
) -> i64 {
    let (min, max) = (queue.min_offset(), queue.max_offset());
    if min >= max {
        return max;
    }
    // An unreadable unit (deleted) counts as older than anything.
    let time_of = |entry: &CqEntry| {
        u64::try_from(entry.commit_log_offset)
            .ok()
            .and_then(|physical| commit_log.store_timestamp_at(physical))
            .unwrap_or(i64::MIN)
    };
    let time_at = |offset: i64| queue.entry(offset).map_or(i64::MIN, |entry| time_of(&entry));
    let first_not_before = queue.partition_point(|entry| time_of(entry) < timestamp);
    let first_after = queue.partition_point(|entry| time_of(entry) <= timestamp);
    if first_not_before < first_after {
        return match boundary {
            BoundaryType::Lower => first_not_before,
            BoundaryType::Upper => first_after - 1,
        };
    }
    let left = (first_not_before > min).then(|| first_not_before - 1);
    let right = (first_not_before < max).then_some(first_not_before);
    match (left, right) {
        (Some(left), Some(right)) => {
            let left_gap = timestamp.saturating_sub(time_at(left));
            let right_gap = time_at(right).saturating_sub(timestamp);
            if left_gap > right_gap { right } else { left }
        }
        (Some(left), None) => left,
        (None, Some(right)) => right,
        (None, None) => min,
    }
}
