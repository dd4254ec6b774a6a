//! A push consumer's listener answered by the host: [`host_listener`] gives a [`MessageListener`] that hands every
//! batch of messages to the host as a [`dispatch`] call, and the [`Deliveries`] the host takes those calls from.
//!
//! A batch the host drops unanswered (it shut down, its code crashed, it lost the object) counts as
//! [`ConsumeResult::ReconsumeLater`], so the messages come again instead of being lost. [`Deliveries::close`] ends a
//! host's pending [`Deliveries::next_batch`] at once (empty), so a host's delivery pump can stop.

use fulmen_client::{ConsumeFuture, ConsumeResult, MessageListener, MessageView};
use tokio::sync::watch;

use crate::dispatch::{self, Call, Calls, Dispatcher};

/// One listener call as the host sees it: the messages, answered once with a [`ConsumeResult`].
pub type Delivery = Call<Vec<MessageView>, ConsumeResult>;

/// Creates the listener to start a push consumer with and the host's end of it, with room for `capacity`
/// deliveries waiting to be taken.
pub fn host_listener(capacity: usize) -> (HostListener, Deliveries) {
    let (dispatcher, calls) = dispatch::channel(capacity);
    let (closed, _) = watch::channel(false);
    (HostListener { dispatcher }, Deliveries { calls, closed })
}

/// The [`MessageListener`] of a push consumer whose listener is host code.
#[derive(Debug, Clone)]
pub struct HostListener {
    dispatcher: Dispatcher<Vec<MessageView>, ConsumeResult>,
}

impl MessageListener for HostListener {
    fn on_messages(&self, messages: Vec<MessageView>) -> ConsumeFuture {
        let dispatcher = self.dispatcher.clone();
        Box::pin(async move {
            dispatcher
                .call(messages)
                .await
                .unwrap_or(ConsumeResult::ReconsumeLater)
        })
    }
}

/// The host's end of a [`HostListener`]: the deliveries waiting for an answer.
#[derive(Debug)]
pub struct Deliveries {
    calls: Calls<Vec<MessageView>, ConsumeResult>,
    closed: watch::Sender<bool>,
}

impl Deliveries {
    /// Waits for the next delivery and takes up to `max` (at least one) already waiting; empty once
    /// [closed](Deliveries::close).
    pub async fn next_batch(&self, max: usize) -> Vec<Delivery> {
        let mut closed = self.closed.subscribe();
        if *closed.borrow_and_update() {
            return Vec::new();
        }
        tokio::select! {
            // recv_many is cancel safe: when closing wins, no delivery was taken and lost.
            batch = self.calls.next_batch(max) => batch,
            _ = closed.wait_for(|closed| *closed) => Vec::new(),
        }
    }

    /// Ends pending and later [`next_batch`](Deliveries::next_batch)es with nothing, refuses new deliveries and drops
    /// the ones not taken yet (their messages are consumed again later). Idempotent.
    pub async fn close(&self) {
        self.closed.send_replace(true);
        self.calls.close().await;
        // Closed and drained, next_batch returns at once: dropping the batches answers their callers.
        while !self.calls.next_batch(64).await.is_empty() {}
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use fulmen_client::MessageView;

    use super::*;
    use crate::runtime;

    fn batch(n: usize) -> Vec<MessageView> {
        (0..n)
            .map(|i| MessageView {
                msg_id: format!("id-{i}"),
                offset_msg_id: String::new(),
                topic: "T".to_owned(),
                queue: fulmen_client::MessageQueue::new("T", "broker-a", 0),
                queue_offset: i64::try_from(i).unwrap_or_default(),
                commit_log_offset: 0,
                body: Default::default(),
                tags: None,
                keys: Vec::new(),
                properties: Default::default(),
                flag: 0,
                born_timestamp: 0,
                born_host: String::new(),
                store_timestamp: 0,
                store_host: String::new(),
                reconsume_times: 0,
            })
            .collect()
    }

    #[test]
    fn answers_come_back_and_dropped_deliveries_reconsume_later() {
        runtime::block_on(async {
            let (listener, deliveries) = host_listener(4);
            let first = tokio::spawn(listener.on_messages(batch(2)));
            let taken = deliveries.next_batch(8).await;
            assert_eq!(taken.len(), 1);
            assert_eq!(taken[0].request.len(), 2);
            for delivery in taken {
                assert!(delivery.reply(ConsumeResult::Success));
            }
            assert_eq!(first.await.ok(), Some(ConsumeResult::Success));

            let dropped = tokio::spawn(listener.on_messages(batch(1)));
            drop(deliveries.next_batch(8).await);
            assert_eq!(dropped.await.ok(), Some(ConsumeResult::ReconsumeLater));
        });
    }

    #[test]
    fn close_ends_a_pending_next_batch_and_refuses_later_deliveries() {
        runtime::block_on(async {
            let (listener, deliveries) = host_listener(4);
            let deliveries = Arc::new(deliveries);
            let pending = tokio::spawn({
                let deliveries = deliveries.clone();
                async move { deliveries.next_batch(8).await.len() }
            });
            tokio::time::sleep(Duration::from_millis(20)).await;
            let waiting = tokio::spawn(listener.on_messages(batch(1)));
            // Either the pending next_batch took it (and dropped nothing), or close drops it: it never hangs.
            deliveries.close().await;
            let taken = tokio::time::timeout(Duration::from_secs(5), pending).await;
            assert!(matches!(taken, Ok(Ok(0 | 1))), "{taken:?}");
            assert_eq!(
                tokio::time::timeout(Duration::from_secs(5), waiting)
                    .await
                    .ok()
                    .and_then(Result::ok),
                Some(ConsumeResult::ReconsumeLater)
            );
            assert_eq!(
                listener.on_messages(batch(1)).await,
                ConsumeResult::ReconsumeLater
            );
            assert!(deliveries.next_batch(8).await.is_empty());
            deliveries.close().await;
        });
    }
}
