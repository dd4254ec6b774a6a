//! The synchronous send loop (Java's `DefaultMQProducerImpl.sendDefaultImpl` in SYNC mode): up to
//! `1 + retry_times` attempts within one send timeout, each on a queue the [`super::fault::FaultStrategy`] picks,
//! each teaching the strategy about its broker.

use std::sync::Arc;

use tokio::time::Instant;

use super::Producer;
use super::errors::{no_route_error, send_timeout_error, still_failed_error};
use super::publish_info::TopicPublishInfo;
use super::request::PreparedMessage;
use super::response::AttemptError;
use crate::error::{Error, Result};
use crate::send_result::{SendResult, SendStatus};

impl Producer {
    /// Sends `prepared` to the queues of `info` with Java's retry rules; `started` is when the send began.
    ///
    /// - a stored result with status SEND_OK ends the loop; another status ends it too, unless
    ///   `retry_another_broker_when_not_store_ok` (then the last such result is returned if no attempt does better);
    /// - a client error (no broker address) or a transport failure is retried;
    /// - a broker error is retried only if its code is in `retry_response_codes`, otherwise returned (or an earlier
    ///   non-OK result);
    /// - when the timeout has run out before an attempt, the send fails with a timeout;
    /// - an attempt waits at most what is left of the timeout, or `send_max_timeout_per_request` when set and
    ///   another attempt is still possible.
    pub(super) async fn send_with_retries(
        &self,
        prepared: &PreparedMessage,
        info: &Arc<TopicPublishInfo>,
        started: Instant,
    ) -> Result<SendResult> {
        let config = &self.inner.config;
        let deadline = started + config.send_timeout;
        let attempts = 1 + config.retry_times as usize;
        let mut brokers_sent: Vec<String> = Vec::with_capacity(attempts);
        let mut stored: Option<SendResult> = None;
        let mut last_error: Option<Error> = None;
        for attempt in 0..attempts {
            let last_broker = brokers_sent.last().map(String::as_str);
            let Some(queue) = self.inner.fault.select(info, last_broker, attempt > 0).cloned() else {
                break;
            };
            let attempt_started = Instant::now();
            let remaining = deadline.saturating_duration_since(attempt_started);
            if remaining.is_zero() {
                return Err(send_timeout_error(
                    &prepared.topic,
                    brokers_sent.len(),
                    last_error.as_ref(),
                ));
            }
            brokers_sent.push(queue.broker_name.clone());
            let timeout = match config.send_max_timeout_per_request {
                Some(max) if attempt + 1 < attempts && remaining > max => max,
                _ => remaining,
            };
            let outcome = self.send_to(prepared, &queue, timeout).await;
            let latency = attempt_started.elapsed();
            let fault = &self.inner.fault;
            match outcome {
                Ok(result) => {
                    fault.update(&queue.broker_name, latency, false, true);
                    if result.status == SendStatus::SendOk || !config.retry_another_broker_when_not_store_ok {
                        return Ok(result);
                    }
                    tracing::debug!(status = %result.status, broker = queue.broker_name, "stored but not OK, retrying");
                    stored = Some(result);
                }
                Err(AttemptError::Client(error)) => {
                    fault.update(&queue.broker_name, latency, false, true);
                    tracing::debug!(%error, "send attempt failed in the client, retrying");
                    last_error = Some(error);
                }
                Err(AttemptError::Transport(error)) => {
                    fault.update_after_transport_failure(&queue.broker_name, latency);
                    tracing::debug!(%error, broker = queue.broker_name, "send attempt failed, retrying");
                    last_error = Some(error);
                }
                Err(AttemptError::Broker(error)) => {
                    fault.update(&queue.broker_name, latency, true, false);
                    let code = error.response_code().unwrap_or_default();
                    if !config.retry_response_codes.contains(&code) {
                        return stored.ok_or(error);
                    }
                    tracing::debug!(%error, broker = queue.broker_name, "broker refused the send, retrying");
                    last_error = Some(error);
                }
                Err(AttemptError::Fatal(error)) => return Err(error),
            }
        }
        if let Some(result) = stored {
            return Ok(result);
        }
        Err(match last_error {
            Some(error) => still_failed_error(
                error,
                &prepared.topic,
                &brokers_sent,
                started.elapsed().as_millis(),
            ),
            None => no_route_error(&prepared.topic),
        })
    }
}
