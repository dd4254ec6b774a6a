//! GET_ALL_DELAY_OFFSET (45): the content of `config/delayOffset.json` as the body (Java's
//! `AdminBrokerProcessor.getAllDelayOffset`; `mqadmin` reads it for the schedule progress).

use fulmen_protocol::ResponseCode;

use super::{Reply, reply, success};
use crate::state::BrokerState;

/// Answers GET_ALL_DELAY_OFFSET.
pub(super) fn all_delay_offset(state: &BrokerState) -> Reply {
    let body = state
        .schedule
        .delay_offsets
        .encode()
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    Ok(success().with_body(body))
}
