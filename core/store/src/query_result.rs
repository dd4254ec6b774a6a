//! Query by key: the index lookup plus the commitlog reads behind QUERY_MESSAGE (Java's
//! `DefaultMessageStore#queryMessage` and `QueryMessageResult`).

use bytes::Bytes;

use crate::commit_log::CommitLog;
use crate::index_service::IndexService;

/// What a query by key found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryMessageResult {
    /// The commitlog offsets of the messages returned, ascending.
    pub physical_offsets: Vec<i64>,
    /// The raw stored units (each starting with its TOTALSIZE), in the order of `physical_offsets`.
    pub messages: Vec<Bytes>,
    /// The end timestamp of the newest index file (0 when nothing matched).
    pub index_last_update_timestamp: i64,
    /// The end commitlog offset of the newest index file (0 when nothing matched).
    pub index_last_update_phy_offset: i64,
}

impl QueryMessageResult {
    /// The total size of the units, the body of a QUERY_MESSAGE response.
    pub fn buffer_total_size(&self) -> usize {
        self.messages.iter().map(Bytes::len).sum()
    }
}

/// Java's `queryMessage`: up to three lookups, each with the range's end moved to the store time of the oldest
/// message the previous one found; the first lookup that yields readable messages wins. Offsets are sorted
/// ascending. As in Java, the key is not compared again: entries match on the key's hash and time only, so a
/// hash collision returns extra messages (clients filter them). `max_num` is capped at `max_msgs_num_batch`.
pub(crate) fn query_message(
    index: &IndexService,
    commit_log: &CommitLog,
    (topic, key): (&str, &str),
    max_num: usize,
    max_msgs_num_batch: usize,
    (begin, end): (i64, i64),
) -> QueryMessageResult {
    let max_num = max_num.min(max_msgs_num_batch);
    let mut result = QueryMessageResult::default();
    let mut last_query_time = end;
    for _ in 0..3 {
        let mut found = index.query_offsets(topic, key, max_num, begin, last_query_time);
        if found.phy_offsets.is_empty() {
            break;
        }
        found.phy_offsets.sort_unstable();
        result.index_last_update_timestamp = found.index_last_update_timestamp;
        result.index_last_update_phy_offset = found.index_last_update_phy_offset;
        for (position, offset) in found.phy_offsets.iter().enumerate() {
            let Ok(at) = u64::try_from(*offset) else {
                continue;
            };
            if position == 0
                && let Some(store_timestamp) = commit_log.store_timestamp_at(at)
            {
                last_query_time = store_timestamp;
            }
            if let Some(unit) = commit_log.unit_at(at) {
                result.physical_offsets.push(*offset);
                result.messages.push(unit);
            }
        }
        if result.buffer_total_size() > 0 || last_query_time < begin {
            break;
        }
    }
    result
}
