//! Stored messages built in memory for the unit tests of this module.

use bytes::Bytes;
use fulmen_protocol::message::{MessageExt, Properties};

/// A message of `topic` as the store would return it at `queue_offset`, with `properties` and `body`.
pub(crate) fn stored(topic: &str, queue_offset: i64, properties: Properties, body: Bytes) -> MessageExt {
    let host = "127.0.0.1:10911".parse().expect("a valid address");
    MessageExt {
        store_size: 0,
        version: Default::default(),
        body_crc: 0,
        queue_id: 0,
        flag: 0,
        queue_offset,
        commit_log_offset: 0,
        sys_flag: 0,
        born_timestamp: 0,
        born_host: host,
        store_timestamp: 0,
        store_host: host,
        reconsume_times: 0,
        prepared_transaction_offset: 0,
        body,
        topic: topic.to_owned(),
        properties,
    }
}
