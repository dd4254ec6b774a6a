//! Orderly-consumption queue locks: LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42) (REMOTING.md §3.10; Java's
//! `AdminBrokerProcessor#lockBatchMQ` / `#unlockBatchMQ`).
//!
//! Java forwards a request with `onlyThisBroker == false` to the other replicas of the broker name only in strict
//! mode (`lockInStrictMode`, default false) with more than one replica. Fulmen runs a single master and no strict
//! mode, so both values of `onlyThisBroker` take the local result, as Java does by default.

use std::time::Instant;

use fulmen_protocol::body::{JsonBody, LockBatchRequestBody, LockBatchResponseBody, UnlockBatchRequestBody};
use fulmen_protocol::{RemotingCommand, ResponseCode};

use super::{Reply, reply, success};
use crate::state::BrokerState;

/// Locks what it can of the requested queues for the client; SUCCESS with the queues it now holds (possibly
/// none).
pub(super) fn lock_batch(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let body = LockBatchRequestBody::decode(&request.body)
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    let lock_ok_mq_set = state.locks.try_lock_batch(
        &body.consumer_group,
        &body.mq_set,
        &body.client_id,
        Instant::now(),
    );
    let encoded = LockBatchResponseBody { lock_ok_mq_set }
        .encode()
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    Ok(success().with_body(encoded))
}

/// Releases the requested queues the client holds; always SUCCESS without body.
pub(super) fn unlock_batch(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let body = UnlockBatchRequestBody::decode(&request.body)
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    state
        .locks
        .unlock_batch(&body.consumer_group, &body.mq_set, &body.client_id);
    Ok(success())
}
