//! Op records: the note that a half message is finished (committed or rolled back). Each is a message in
//! `RMQ_SYS_TRANS_OP_HALF_TOPIC`, in the queue with the half message's queue id, tagged `d`, whose body lists
//! half-queue offsets each followed by a comma (`"12,"`, or `"12,13,14,"` when batched). Java's
//! `TransactionalMessageServiceImpl#deletePrepareMessage` / `getOpMessage`, `TransactionalMessageBridge#writeOp` /
//! `makeOpMessageInner`, and the parsing of `fillOpRemoveMap`.
//!
//! Difference from Java: Java buffers the offsets per queue and writes them in batches (at 4096 bytes or every
//! `transactionOpBatchInterval`, 3 s); Fulmen writes one op record per finished half message at once, which is
//! the format Java itself falls back to. Readers accept both.

use fulmen_protocol::message::{MessageExt, Properties, keys};
use fulmen_store::MessageToStore;

use super::ensure_system_topic;
use crate::state::BrokerState;
use crate::time::now_millis;
use crate::topic_validator::TRANS_OP_HALF_TOPIC;

/// The tag of op records (`TransactionalMessageUtil.REMOVE_TAG`).
pub(crate) const REMOVE_TAG: &str = "d";

/// Writes the op record saying the half message at `half_queue_offset` of half queue `queue_id` is finished.
/// Returns whether it was stored.
pub(crate) async fn record_finished(state: &BrokerState, queue_id: i32, half_queue_offset: i64) -> bool {
    ensure_system_topic(state, TRANS_OP_HALF_TOPIC).await;
    let mut properties = Properties::new();
    properties.insert(keys::TAGS, REMOVE_TAG);
    let now = now_millis();
    properties.insert(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX, state.msg_ids.next_id(now));
    let record = MessageToStore {
        topic: TRANS_OP_HALF_TOPIC.to_owned(),
        queue_id,
        body: format!("{half_queue_offset},").into_bytes().into(),
        properties,
        born_timestamp: now,
        born_host: state.advertised_addr,
        store_host: state.advertised_addr,
        ..MessageToStore::default()
    };
    let result = state.put_message(record).await;
    if !result.is_ok() {
        tracing::error!(
            queue_id,
            half_queue_offset,
            status = result.status.as_str(),
            "could not write a transaction op record"
        );
    }
    result.is_ok()
}

/// The half-queue offsets an op record names: its body split on commas, empty pieces skipped and pieces that do
/// not parse read as -1 (which every reader ignores, as Java's `getLong` does). Records not tagged `d` name
/// nothing.
pub(crate) fn finished_offsets(record: &MessageExt) -> Vec<i64> {
    if record.tags() != Some(REMOVE_TAG) {
        tracing::error!(
            offset = record.queue_offset,
            "a transaction op record without the tag d"
        );
        return Vec::new();
    }
    String::from_utf8_lossy(&record.body)
        .split(',')
        .filter(|piece| !piece.is_empty())
        .map(|piece| piece.parse().unwrap_or(-1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::test_support::stored;
    use bytes::Bytes;

    fn record(tag: &str, body: &'static str) -> MessageExt {
        let mut properties = Properties::new();
        properties.insert(keys::TAGS, tag);
        stored(
            TRANS_OP_HALF_TOPIC,
            0,
            properties,
            Bytes::from_static(body.as_bytes()),
        )
    }

    #[test]
    fn reads_single_and_batched_bodies_and_ignores_other_tags() {
        assert_eq!(finished_offsets(&record("d", "12,")), [12]);
        assert_eq!(finished_offsets(&record("d", "1,2,,x,3")), [1, 2, -1, 3]);
        assert!(finished_offsets(&record("e", "5,")).is_empty());
        assert!(finished_offsets(&record("d", "")).is_empty());
    }
}
