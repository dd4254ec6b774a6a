//! Transactional messages (Java's `broker/transaction`): half messages stored for a prepared send, op records
//! for finished ones, and the check-back service that asks producers about half messages left unresolved.
//! END_TRANSACTION itself is handled in `processor/end_transaction.rs`.

mod check;
mod check_request;
mod check_service;
mod config;
pub(crate) mod half_message;
pub(crate) mod op_log;
mod op_progress;
mod queue_reader;
#[cfg(test)]
mod test_support;

pub(crate) use check_service::run_check_service;
pub use config::TransactionConfig;

use crate::state::BrokerState;
use crate::topic_manager::{PERM_READ, PERM_WRITE};

/// The internal consumer group whose offsets track how far the half and op queues were checked
/// (`TransactionalMessageUtil.buildConsumerGroup`).
pub(crate) const TRANSACTION_GROUP: &str = "CID_RMQ_SYS_TRANS";

/// Creates one of the transaction system topics if it is missing (1 queue, read + write), as Java's
/// `TransactionalMessageBridge#selectTopicConfig` and `createTopicOfTranCheckMaxTime` do.
pub(crate) async fn ensure_system_topic(state: &BrokerState, topic: &str) {
    if state.topics.select(topic).is_some() {
        return;
    }
    let (_, created) = state
        .topics
        .create_in_send_back(topic, 1, PERM_READ | PERM_WRITE, false, 0);
    if created {
        state.topics_changed().await;
    }
}

/// Where `CID_RMQ_SYS_TRANS` stands in a queue: its committed offset, else the queue's min offset
/// (`TransactionalMessageBridge#fetchConsumeOffset`).
pub(crate) fn consume_offset(state: &BrokerState, topic: &str, queue_id: i32) -> i64 {
    state
        .offsets
        .query(TRANSACTION_GROUP, topic, queue_id)
        .filter(|offset| *offset >= 0)
        .unwrap_or_else(|| state.store.min_offset(topic, queue_id))
}

/// Java's `TransactionalMessageUtil#getImmunityTime` (used by END_TRANSACTION): the custom immunity in ms, never
/// below `timeout_ms`; an unparsable value gives `timeout_ms`.
pub(crate) fn end_immunity_millis(value: &str, timeout_ms: i64) -> i64 {
    value
        .parse::<i64>()
        .map_or(0, |seconds| seconds.saturating_mul(1000))
        .max(timeout_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_immunity_is_at_least_the_timeout() {
        assert_eq!(end_immunity_millis("10", 6000), 10_000);
        assert_eq!(end_immunity_millis("2", 6000), 6000);
        assert_eq!(end_immunity_millis("soon", 6000), 6000);
    }
}
