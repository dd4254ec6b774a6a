//! Asynchronous send (Java's `send(msg, SendCallback)`: `sendDefaultImpl` in ASYNC mode, then
//! `MQClientAPIImpl.sendMessageAsync` / `onExceptionImpl` for the retries).
//!
//! In Rust every send is already `async`; [`Producer::send_async`] differs from [`Producer::send`] in two ways: the
//! future it returns owns a clone of the producer (`'static`, so it can be spawned by the thousand without
//! borrowing), and it follows Java's async retry rules rather than the sync ones:
//! - one queue is chosen as for a first sync attempt;
//! - only a transport failure (connect, write, response timeout) is retried, at most
//!   [`crate::ProducerConfig::retry_times_async`] times, on a queue of another broker, within what is left of the
//!   send timeout;
//! - a broker error answer (e.g. SYSTEM_BUSY) and a missing broker address are not retried.
//!
//! Deliberate difference (design note §7.2): Java re-sends the retry with the first queue's id to the new broker;
//! Fulmen sends it to the queue the strategy picked on that broker, so the queue id always exists there.

use std::future::Future;

use tokio::time::Instant;

use super::Producer;
use super::errors::no_route_error;
use super::response::AttemptError;
use crate::error::{Error, ErrorKind, Result};
use crate::message::Message;
use crate::send_result::SendResult;

impl Producer {
    /// Sends `message` with Java's asynchronous-send rules, as a future that owns a clone of the producer:
    /// `tokio::spawn(producer.send_async(message))` is Java's `send(msg, callback)`, and thousands can be in flight.
    ///
    /// - one queue is chosen as for the first attempt of [`Producer::send`];
    /// - only a transport failure (connect, write, response timeout) is retried, at most
    ///   [`ProducerConfig::retry_times_async`](crate::ProducerConfig::retry_times_async) times, on a queue of another
    ///   broker, within what is left of the send timeout;
    /// - a broker error answer (e.g. SYSTEM_BUSY, unlike [`Producer::send`]) and a missing broker address are
    ///   returned at once; a status other than SEND_OK is returned as a result.
    ///
    /// Use [`Producer::send`] when the caller awaits each result in place and wants the sync retry rules; use this
    /// one for many sends at once. Deliberate difference: Java sends a retry with the first queue's id to the new
    /// broker, Fulmen to a queue of that broker.
    pub fn send_async(&self, message: Message) -> impl Future<Output = Result<SendResult>> + Send + 'static {
        let producer = self.clone();
        async move { producer.send_with_async_retries(message).await }
    }

    async fn send_with_async_retries(&self, message: Message) -> Result<SendResult> {
        let started = Instant::now();
        let deadline = started + self.inner.config.send_timeout;
        let prepared = self.prepare(&message)?;
        let info = self.publish_info(&message.topic).await?;
        let fault = &self.inner.fault;
        let mut queue = fault
            .select(&info, None, false)
            .cloned()
            .ok_or_else(|| no_route_error(&message.topic))?;
        let mut failures = 0;
        loop {
            let attempt_started = Instant::now();
            let remaining = deadline.saturating_duration_since(attempt_started);
            if remaining.is_zero() {
                return Err(Error::new(ErrorKind::Timeout, "DEFAULT ASYNC send call timeout"));
            }
            let outcome = self.send_to(&prepared, &queue, remaining).await;
            let latency = attempt_started.elapsed();
            match outcome {
                Ok(result) => {
                    fault.update(&queue.broker_name, latency, false, true);
                    return Ok(result);
                }
                Err(AttemptError::Transport(error)) => {
                    fault.update(&queue.broker_name, latency, true, true);
                    failures += 1;
                    let left = deadline.saturating_duration_since(Instant::now());
                    if failures > self.inner.config.retry_times_async || left.is_zero() {
                        return Err(error);
                    }
                    tracing::debug!(%error, broker = queue.broker_name, "async send failed, retrying");
                    queue = fault
                        .select(&info, Some(&queue.broker_name), false)
                        .cloned()
                        .ok_or_else(|| no_route_error(&message.topic))?;
                }
                Err(AttemptError::Broker(error)) => {
                    fault.update(&queue.broker_name, latency, true, true);
                    return Err(error);
                }
                Err(other) => return Err(other.into_error()),
            }
        }
    }
}
