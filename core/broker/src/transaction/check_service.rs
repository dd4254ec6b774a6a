//! The transaction check-back service (Java's `TransactionalMessageCheckService`): every
//! `transactionCheckInterval` it runs one check pass ([`super::check::check_all`]) until the broker stops.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::check::check_all;
use super::check_request::ProducerPicker;
use crate::state::BrokerState;

/// Runs a check pass every `transaction.check_interval` (the first one interval after the start) until `stop`.
/// A pass still running when the broker stops is abandoned: its checks are sent again by the next start.
pub(crate) async fn run_check_service(state: Arc<BrokerState>, stop: CancellationToken) {
    let picker = ProducerPicker::default();
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(state.config.transaction.check_interval) => {}
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = check_all(&state, &picker) => {}
        }
    }
}
