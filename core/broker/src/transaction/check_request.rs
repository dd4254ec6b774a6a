//! CHECK_TRANSACTION_STATE (39): asking a producer of the half message's group how its transaction ended
//! (`AbstractTransactionalMessageCheckListener#sendCheckMessage`, `Broker2Client#checkProducerTransactionState`,
//! `ProducerManager#getAvailableChannel`). The request is oneway; the producer answers with END_TRANSACTION.

use std::sync::atomic::{AtomicUsize, Ordering};

use fulmen_protocol::header::CheckTransactionStateRequestHeader;
use fulmen_protocol::message::{MessageExt, keys};
use fulmen_protocol::{RemotingCommand, RequestCode};
use fulmen_remoting::Connection;

use super::half_message::real_queue;
use crate::state::BrokerState;

/// Picks producer connections round-robin, skipping closed ones (Java's `getAvailableChannel`).
#[derive(Debug, Default)]
pub(crate) struct ProducerPicker {
    counter: AtomicUsize,
}

impl ProducerPicker {
    /// A live connection of a producer of `group`, if there is one.
    pub(crate) fn pick(&self, state: &BrokerState, group: &str) -> Option<Connection> {
        let channels = state.producers.channels(group);
        if channels.is_empty() {
            return None;
        }
        let start = self.counter.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        (0..channels.len())
            .map(|step| &channels[(start + step) % channels.len()].connection)
            .find(|connection| !connection.is_closed())
            .cloned()
    }
}

/// The request asking about `half` (the copy just put back): the header names the half topic and the copy's
/// offsets; the body is the message with its real topic and queue.
pub(crate) fn check_request(state: &BrokerState, half: &MessageExt) -> Option<RemotingCommand> {
    let uniq_key = half.uniq_key().map(str::to_owned);
    let header = CheckTransactionStateRequestHeader {
        topic: Some(half.topic.clone()),
        tran_state_table_offset: half.queue_offset,
        commit_log_offset: half.commit_log_offset,
        msg_id: uniq_key.clone(),
        transaction_id: uniq_key,
        offset_msg_id: Some(half.offset_msg_id().to_string()),
        broker_name: Some(state.config.broker_name.clone()),
    };
    let (topic, queue_id) = real_queue(half)?;
    let mut body = half.clone();
    body.topic = topic;
    body.queue_id = queue_id;
    body.store_size = 0;
    let body = match body.to_bytes() {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "could not encode a half message for its check");
            return None;
        }
    };
    Some(
        RemotingCommand::request(RequestCode::CHECK_TRANSACTION_STATE)
            .with_header(&header)
            .with_body(body),
    )
}

/// Sends the check for `half` to one producer of its `PGROUP`, oneway, on a spawned task. Without a live
/// producer nothing is sent (logged); the half message is checked again next round.
pub(crate) fn send_check(state: &BrokerState, picker: &ProducerPicker, half: &MessageExt) {
    let group = half.properties.get(keys::PRODUCER_GROUP).unwrap_or_default();
    let Some(connection) = picker.pick(state, group) else {
        tracing::warn!(
            group,
            "transaction check skipped: no producer of the group is connected"
        );
        return;
    };
    let Some(request) = check_request(state, half) else {
        return;
    };
    let group = group.to_owned();
    tokio::spawn(async move {
        if let Err(error) = connection.invoke_oneway(request).await {
            tracing::warn!(%group, %error, peer = %connection.peer_addr(), "could not send a transaction check");
        }
    });
}
