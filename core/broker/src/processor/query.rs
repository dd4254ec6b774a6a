//! QUERY_MESSAGE (12): the messages stored under a key or a unique key, from the store's index files (Java's
//! `QueryMessageProcessor#queryMessage`, REMOTING.md §3, design note §6.3).

use bytes::{Bytes, BytesMut};
use fulmen_protocol::header::{QueryMessageRequestHeader, QueryMessageResponseHeader};
use fulmen_protocol::{RemotingCommand, ResponseCode};

use super::{Reply, decode, reply, success};
use crate::state::BrokerState;

/// The ext field with which a client asks for a lookup by unique key (Java's `MixAll.UNIQUE_MSG_QUERY_FLAG`).
const UNIQUE_MSG_QUERY_FLAG: &str = "_UNIQUE_KEY_QUERY";

/// Java's `queryMessage`: with `_UNIQUE_KEY_QUERY` exactly `"true"`, `maxNum` becomes the store's
/// `defaultQueryMaxNum`; the store caps it at `maxMsgsNumBatch`. The response header carries where the index
/// stood (0 and 0 when nothing matched), the body the stored units back to back. Nothing found (or only
/// messages no longer stored): QUERY_NOT_FOUND with Java's remark, and the header. A negative `maxNum` finds
/// nothing (Java fails on it with an exception).
pub(super) fn query_message(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: QueryMessageRequestHeader = decode(request)?;
    let max_num = if request.ext_field(UNIQUE_MSG_QUERY_FLAG) == Some("true") {
        state.store.config().default_query_max_num
    } else {
        usize::try_from(header.max_num).unwrap_or(0)
    };
    let result = state.store.query_message(
        &header.topic,
        &header.key,
        max_num,
        header.begin_timestamp,
        header.end_timestamp,
    );
    let response_header = QueryMessageResponseHeader {
        index_last_update_timestamp: result.index_last_update_timestamp,
        index_last_update_phyoffset: result.index_last_update_phy_offset,
    };
    let total = result.buffer_total_size();
    if total == 0 {
        return Err(reply(
            ResponseCode::QUERY_NOT_FOUND,
            "can not find message, maybe time range not correct",
        )
        .with_header(&response_header));
    }
    let mut body = BytesMut::with_capacity(total);
    for unit in &result.messages {
        body.extend_from_slice(unit);
    }
    Ok(success()
        .with_header(&response_header)
        .with_body(Bytes::from(body)))
}
