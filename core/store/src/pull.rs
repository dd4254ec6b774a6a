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

#[cfg(test)]
mod tests {
    use fulmen_protocol::message::MessageExt;

    use super::*;
    use crate::commit_log::EncodedUnits;
    use crate::consume_queue::CqEntry;

    const LIMITS: PullLimits = PullLimits {
        max_count: 32,
        max_bytes: usize::MAX,
    };

    /// A commitlog of 4 KiB files and a queue of 10 entries per file with `count` messages of ~200 bytes.
    fn fixture(dir: &std::path::Path, count: i64) -> (CommitLog, ConsumeQueue) {
        let commit_log = CommitLog::open(&dir.join("commitlog"), 4096).unwrap();
        let queue = ConsumeQueue::open(&dir.join("cq"), "T", 0, 10).unwrap();
        for offset in 0..count {
            let mut units = EncodedUnits::default();
            let message = MessageExt {
                topic: "T".into(),
                body: vec![b'x'; 150].into(),
                ..MessageExt::default()
            };
            units.push(&message).unwrap();
            let appended = commit_log.append(&mut units, Some(offset), 1).unwrap();
            let entry = CqEntry {
                commit_log_offset: appended.physical_offsets[0] as i64,
                size: units.units[0].len as i32,
                tags_code: 0,
            };
            queue.put(offset, entry).unwrap();
        }
        (commit_log, queue)
    }

    #[test]
    fn a_missing_consume_queue_file_is_offset_found_null() {
        let dir = tempfile::tempdir().unwrap();
        let (commit_log, queue) = fixture(dir.path(), 25);
        queue.files().delete_files_before(200).unwrap();
        let result = get_messages(&commit_log, Some(&queue), 3, LIMITS, None).unwrap();
        assert_eq!(result.status, GetMessageStatus::OffsetFoundNull);
        assert_eq!(result.next_begin_offset, 10, "the next consume-queue file");
    }

    #[test]
    fn a_deleted_commit_log_file_is_message_was_removing() {
        let dir = tempfile::tempdir().unwrap();
        let (commit_log, queue) = fixture(dir.path(), 25);
        commit_log.files().delete_files_before(4096).unwrap();
        let result = get_messages(&commit_log, Some(&queue), 0, LIMITS, None).unwrap();
        assert_eq!(result.status, GetMessageStatus::MessageWasRemoving);
        assert_eq!(result.next_begin_offset, 10);
        assert!(result.messages.is_empty());
        // From the second file on, messages are there again.
        let later = get_messages(&commit_log, Some(&queue), 20, LIMITS, None).unwrap();
        assert_eq!(later.status, GetMessageStatus::Found);
    }

    #[test]
    fn a_queue_starting_late_and_an_empty_queue() {
        let dir = tempfile::tempdir().unwrap();
        let (commit_log, _) = fixture(dir.path(), 1);
        let late = ConsumeQueue::open(&dir.path().join("late"), "T", 1, 10).unwrap();
        let entry = CqEntry {
            commit_log_offset: 0,
            size: commit_log.max_offset() as i32,
            tags_code: 0,
        };
        late.put(13, entry).unwrap();
        let result = get_messages(&commit_log, Some(&late), 11, LIMITS, None).unwrap();
        assert_eq!(result.status, GetMessageStatus::OffsetTooSmall);
        assert_eq!(
            (result.next_begin_offset, result.min_offset, result.max_offset),
            (13, 13, 14)
        );
        let found = get_messages(&commit_log, Some(&late), 13, LIMITS, None).unwrap();
        assert_eq!(found.queue_offsets, vec![13]);
        let empty = ConsumeQueue::open(&dir.path().join("empty"), "T", 2, 10).unwrap();
        let result = get_messages(&commit_log, Some(&empty), 5, LIMITS, None).unwrap();
        assert_eq!(result.status, GetMessageStatus::NoMessageInQueue);
        assert_eq!(result.next_begin_offset, 0);
    }
}
