//! Reading a queue for a pull (Java's `DefaultMessageStore#getMessage`): the status and offsets of REMOTING.md
//! §3.3, and the matching units copied into one buffer.
//!
//! Like Java with its default `travelCqFileNumWhenGetMessage = 1`, one pull reads entries from one
//! consume-queue file, scans at most `max(800, max_count)` entries, returns at most `max_count` messages and
//! `max_bytes` bytes (but always at least one message when one matches).

use bytes::Bytes;

use crate::commit_log::CommitLog;
use crate::consume_queue::{CQ_ENTRY_SIZE, ConsumeQueue, EntriesAt};
use crate::error::Result;
use crate::filter::MessageFilter;
use crate::get_result::{GetMessageResult, GetMessageStatus};

/// Java's `maxFilterMessageSize` floor: a pull scans at least this many bytes of entries.
const MIN_SCAN_BYTES: usize = 16_000;

/// The limits of one pull.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PullLimits {
    pub(crate) max_count: usize,
    pub(crate) max_bytes: usize,
}

/// Reads `queue` from `offset` (`None` queue: it does not exist).
pub(crate) fn get_messages(
    commit_log: &CommitLog,
    queue: Option<&ConsumeQueue>,
    offset: i64,
    limits: PullLimits,
    filter: Option<&dyn MessageFilter>,
) -> Result<GetMessageResult> {
    use GetMessageStatus::*;
    let Some(queue) = queue else {
        return Ok(GetMessageResult::empty(NoMessageInQueue, 0, 0, 0));
    };
    let (min, max) = (queue.min_offset(), queue.max_offset());
    let empty = |status, next| Ok(GetMessageResult::empty(status, next, min, max));
    if max == 0 {
        return empty(NoMessageInQueue, 0);
    }
    if offset < min {
        return empty(OffsetTooSmall, min);
    }
    if offset == max {
        return empty(OffsetOverflowOne, offset);
    }
    if offset > max {
        return empty(OffsetOverflowBadly, max);
    }
    let max_count = limits.max_count.max(1);
    let scan_count = (MIN_SCAN_BYTES / CQ_ENTRY_SIZE).max(max_count);
    let entries = match queue.entries_from(offset, scan_count)? {
        EntriesAt::Found(entries) => entries,
        EntriesAt::FileMissing => return empty(OffsetFoundNull, queue.next_file_start(offset)),
    };
    let mut status = NoMatchedMessage;
    let mut next_begin_offset = offset;
    let mut buffer = Vec::new();
    let mut queue_offsets = Vec::new();
    let mut skip_below: Option<u64> = None;
    for (queue_offset, entry) in (offset..max).zip(entries) {
        let size = usize::try_from(entry.size).unwrap_or(0);
        if !queue_offsets.is_empty()
            && (queue_offsets.len() >= max_count || buffer.len() + size > limits.max_bytes)
        {
            break;
        }
        next_begin_offset = queue_offset + 1;
        let Ok(physical) = u64::try_from(entry.commit_log_offset) else {
            continue;
        };
        if entry.is_filler() || skip_below.is_some_and(|start| physical < start) {
            continue;
        }
        if filter.is_some_and(|filter| !filter.is_matched_by_tags_code(entry.tags_code)) {
            continue;
        }
        if !commit_log.read_into(physical, size, &mut buffer) {
            if queue_offsets.is_empty() {
                status = MessageWasRemoving;
            }
            // The commitlog file is gone: skip the rest of it.
            let file_size = commit_log.file_size() as u64;
            skip_below = Some(physical + file_size - physical % file_size);
            continue;
        }
        queue_offsets.push(queue_offset);
        status = Found;
        skip_below = None;
    }
    Ok(GetMessageResult {
        status,
        next_begin_offset,
        min_offset: min,
        max_offset: max,
        messages: Bytes::from(buffer),
        queue_offsets,
    })
}
