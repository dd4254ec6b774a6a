//! [`TransactionProducer`]: transactional messages as Java's `TransactionMQProducer`
//! (`DefaultMQProducerImpl.sendMessageInTransaction`, `endTransaction`, `checkTransactionState`).
//!
//! A send stores a half message (properties `TRAN_MSG` and `PGROUP`, sysFlag PREPARED, delay level removed) with
//! the retries of [`Producer::send`], runs [`TransactionListener::execute`] when the broker answered SEND_OK
//! (any other status rolls back without running it), and tells the broker the outcome with END_TRANSACTION
//! oneway (`end.rs`). Unknown outcomes are settled when the broker checks back (`check.rs`).

mod check;
mod config;
mod end;
mod listener;

use std::sync::Arc;

use fulmen_protocol::message::keys;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use config::TransactionProducerConfig;
pub use listener::{
    LocalTransactionState, TransactionArg, TransactionFuture, TransactionListener, TransactionSendResult,
};

use super::Producer;
use super::request::PreparedMessage;
use crate::error::Result;
use crate::instance::identity;
use crate::message::Message;
use crate::send_result::SendStatus;
use crate::validation::check_message;

/// A producer of transactional messages. Cheap to clone; [`TransactionProducer::producer`] gives the plain
/// producer underneath for ordinary sends.
#[derive(Clone)]
pub struct TransactionProducer {
    producer: Producer,
    listener: Arc<dyn TransactionListener>,
    stop: CancellationToken,
}

impl TransactionProducer {
    /// Checks `config` and starts a transactional producer whose local transactions `listener` runs and checks.
    pub async fn start(
        config: TransactionProducerConfig,
        listener: impl TransactionListener,
    ) -> Result<TransactionProducer> {
        config.validate()?;
        let producer = Producer::start(config.producer.clone()).await?;
        let listener: Arc<dyn TransactionListener> = Arc::new(listener);
        let stop = CancellationToken::new();
        let settings = check::CheckSettings {
            group: config.producer.group.clone(),
            queue_capacity: config.check_queue_capacity,
            concurrency: config.check_concurrency,
            max_message_size: config.producer.max_message_size,
        };
        check::start(&producer.inner.instance, settings, listener.clone(), stop.clone());
        Ok(TransactionProducer {
            producer,
            listener,
            stop,
        })
    }

    /// The producer underneath, for ordinary sends with the same group and connections.
    pub fn producer(&self) -> &Producer {
        &self.producer
    }

    /// Sends `message` as the half message of a transaction, runs the local transaction with `arg`, and reports
    /// its outcome to the broker. The half message's delay level is removed (Java does the same).
    ///
    /// Fails only when the half message cannot be stored (Java's "send message Exception"); a failing local
    /// transaction or a lost END_TRANSACTION leaves the outcome to the broker's check.
    pub async fn send_in_transaction(
        &self,
        mut message: Message,
        arg: impl std::any::Any + Send + Sync,
    ) -> Result<TransactionSendResult> {
        let started = Instant::now();
        let inner = &self.producer.inner;
        inner.instance.ensure_open()?;
        message.delay_level = None;
        check_message(&message, inner.config.max_message_size)?;
        let uniq_key = inner.ids.next_id(identity::unix_millis());
        let prepared = PreparedMessage::half(&message, uniq_key, &inner.config)?;
        let info = self.producer.publish_info(&message.topic).await?;
        let send_result = self
            .producer
            .send_with_retries(&prepared, &info, started)
            .await
            .map_err(|error| error.with_context("send message Exception"))?;
        let (state, remark) = match send_result.status {
            SendStatus::SendOk => {
                if let Some(id) = &send_result.transaction_id {
                    message
                        .properties
                        .insert(keys::TRANSACTION_ID.to_owned(), id.clone());
                }
                match check::run_listener(|| self.listener.execute(&message, &arg)).await {
                    Ok(state) => (state, None),
                    Err(panic) => (
                        LocalTransactionState::Unknown,
                        Some(format!("executeLocalTransactionBranch exception: {panic}")),
                    ),
                }
            }
            _ => (LocalTransactionState::RollbackMessage, None),
        };
        let request =
            end::after_local_transaction(&message.topic, &inner.config.group, &send_result, state, remark);
        match self.producer.broker_addr(&send_result.queue.broker_name) {
            Ok(addr) => {
                if let Err(error) = inner.instance.invoke_broker_oneway(&addr, request).await {
                    tracing::warn!(%error, "END_TRANSACTION could not be sent; the broker will check back");
                }
            }
            Err(error) => tracing::warn!(%error, "END_TRANSACTION has no broker address"),
        }
        Ok(TransactionSendResult {
            send_result,
            local_transaction_state: state,
        })
    }

    /// Stops answering checks, then shuts the producer down ([`Producer::shutdown`]). Idempotent.
    pub async fn shutdown(&self) {
        self.stop.cancel();
        self.producer.shutdown().await;
    }
}

impl std::fmt::Debug for TransactionProducer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransactionProducer")
            .field("producer", &self.producer)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send_sync_static<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn handles_are_cheap_shareable_values() {
        send_sync_static::<TransactionProducer>();
        send_sync_static::<Producer>();
        // the futures of the send methods can be spawned
        fn spawnable<F: std::future::Future + Send + 'static>(_: F) {}
        fn sends(producer: Producer, transactional: TransactionProducer) {
            spawnable(producer.send_async(Message::new("T", "x")));
            spawnable(async move { producer.send(Message::new("T", "x")).await });
            spawnable(async move {
                transactional
                    .send_in_transaction(Message::new("T", "x"), ())
                    .await
            });
        }
        let _ = sends;
    }
}
