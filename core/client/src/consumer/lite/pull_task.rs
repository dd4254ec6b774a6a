//! The pull task of one assigned queue (Java's `DefaultLitePullConsumerImpl.PullTaskImpl#run`), a tokio task that
//! loops until its ticket is cancelled or the queue is dropped:
//!
//! paused → again after 1 s; flow control (waiting batches × `pullBatchSize` > `pullThresholdForAll`, cached
//! count > `pullThresholdForQueue`, cached MiB > `pullThresholdSizeForQueue`, span > `consumeMaxSpan`) → again after
//! 50 ms; next offset (a pending seek, else where the last pull ended, else computed from the offset store and
//! `consumeFromWhere`; failure → again after 3 s); one held pull; FOUND messages are cached and queued for `poll`
//! and the pull offset moves on — both only if this task still owns the queue and no seek is pending (checked
//! under the table lock, atomically with the queueing); broker flow control → again after 20 ms, other errors
//! after `pull_delay_on_exception`.

use std::sync::Arc;
use std::time::Duration;

use fulmen_protocol::body::{MessageQueue, SubscriptionData};

use super::assigned::{NextOffset, TaskTicket};
use super::buffer::ConsumeRequest;
use super::config::LitePullConsumerConfig;
use super::{Inner, Mode};
use crate::consumer::offset_store::ReadOffsetType;
use crate::consumer::process_queue::ProcessQueue;
use crate::consumer::pull_result::{PullResult, PullStatus};
use crate::error::{ErrorKind, Result};
use crate::instance::identity::unix_millis;

/// Re-check delay of a paused queue (`PULL_TIME_DELAY_MILLS_WHEN_PAUSE`).
const DELAY_WHEN_PAUSED: Duration = Duration::from_millis(1_000);
/// Re-check delay while the caches are full (`PULL_TIME_DELAY_MILLS_WHEN_CACHE_FLOW_CONTROL`).
const DELAY_WHEN_CACHE_FULL: Duration = Duration::from_millis(50);
/// Delay after the broker answered FLOW_CONTROL (`PULL_TIME_DELAY_MILLS_WHEN_BROKER_FLOW_CONTROL`).
const DELAY_WHEN_BROKER_FLOW_CONTROL: Duration = Duration::from_millis(20);
/// Delay after the start offset could not be computed (`PULL_TIME_DELAY_MILLS_ON_EXCEPTION`).
const DELAY_WHEN_OFFSET_UNKNOWN: Duration = Duration::from_millis(3_000);
/// One MiB.
const MIB: u64 = 1024 * 1024;

/// Starts the pull task of `queue` for `ticket` on the current runtime.
pub(super) fn spawn(inner: &Arc<Inner>, queue: MessageQueue, ticket: TaskTicket) {
    let inner = inner.clone();
    tokio::spawn(async move {
        let generation = ticket.generation;
        run(&inner, &queue, &ticket).await;
        inner.assigned.task_ended(&queue, generation);
    });
}

/// What one round of the loop decided.
enum Next {
    /// Run again after this delay.
    After(Duration),
    /// The task is over.
    Stop,
}

async fn run(inner: &Inner, queue: &MessageQueue, ticket: &TaskTicket) {
    loop {
        let delay = tokio::select! {
            () = ticket.stop.cancelled() => return,
            () = inner.stop.cancelled() => return,
            next = round(inner, queue, ticket) => match next {
                Next::After(delay) => delay,
                Next::Stop => return,
            },
        };
        if !sleep_unless_stopped(inner, ticket, delay).await {
            return;
        }
    }
}

/// Sleeps `delay`; false when the task or the consumer stopped meanwhile.
async fn sleep_unless_stopped(inner: &Inner, ticket: &TaskTicket, delay: Duration) -> bool {
    tokio::select! {
        () = ticket.stop.cancelled() => false,
        () = inner.stop.cancelled() => false,
        () = tokio::time::sleep(delay) => true,
    }
}

async fn round(inner: &Inner, queue: &MessageQueue, ticket: &TaskTicket) -> Next {
    if inner.assigned.is_paused(queue) {
        return Next::After(DELAY_WHEN_PAUSED);
    }
    let Some(pq) = inner.assigned.process_queue(queue).filter(|pq| !pq.is_dropped()) else {
        tracing::info!(%queue, "the queue is no longer assigned; its pull task ends");
        return Next::Stop;
    };
    pq.touch_pull();
    if cache_is_full(&inner.config, inner.buffer.len(), &pq) {
        return Next::After(DELAY_WHEN_CACHE_FULL);
    }
    let offset = match next_pull_offset(inner, queue, ticket.generation).await {
        Ok(Some(offset)) => offset,
        Ok(None) => return Next::Stop,
        Err(error) => {
            tracing::warn!(%queue, %error, "failed to get the next pull offset");
            return Next::After(DELAY_WHEN_OFFSET_UNKNOWN);
        }
    };
    if ticket.stop.is_cancelled() || pq.is_dropped() {
        return Next::Stop;
    }
    let result = match subscription(inner, &queue.topic) {
        Some(subscription) => {
            let _permit = inner.pull_permits.acquire().await;
            inner.pull(queue, &subscription, offset).await
        }
        None => return Next::Stop,
    };
    if ticket.stop.is_cancelled() || pq.is_dropped() {
        return Next::Stop;
    }
    match result {
        Ok(result) => {
            accept(inner, queue, ticket.generation, &pq, result);
            Next::After(Duration::ZERO)
        }
        Err(error) if error.kind() == ErrorKind::FlowControl => Next::After(DELAY_WHEN_BROKER_FLOW_CONTROL),
        Err(error) => {
            tracing::warn!(%queue, %error, "pulling failed");
            Next::After(inner.config.pull_delay_on_exception)
        }
    }
}

/// Java's four flow-control checks, in its order, with `waiting_batches` batches waiting for `poll`.
fn cache_is_full(config: &LitePullConsumerConfig, waiting_batches: usize, pq: &ProcessQueue) -> bool {
    let batch = usize::try_from(config.pull_batch_size).unwrap_or(1);
    waiting_batches.saturating_mul(batch) > config.pull_threshold_for_all
        || pq.message_count() > config.pull_threshold_for_queue
        || pq.message_bytes() / MIB > config.pull_threshold_size_for_queue
        || pq.max_span() > config.consume_max_span
}

/// Where to pull from: a pending seek, where the last pull ended, else the offset store (memory first, then the
/// broker or file) and `consumeFromWhere` (Java's `nextPullOffset` + `RebalanceLitePullImpl#computePullFromWhere`).
/// `None` when the task of `generation` was replaced.
async fn next_pull_offset(inner: &Inner, queue: &MessageQueue, generation: u64) -> Result<Option<i64>> {
    let Some(next) = inner.assigned.next_pull_offset(queue, generation) else {
        return Ok(None);
    };
    match next {
        NextOffset::Seek(offset) | NextOffset::Pull(offset) => Ok(Some(offset)),
        NextOffset::Unknown => {
            let memory = inner
                .rebalance
                .offset_store
                .read_offset(queue, ReadOffsetType::ReadFromMemory)
                .await;
            if memory >= 0 {
                return Ok(Some(memory));
            }
            inner.rebalance.compute_pull_from_where(queue).await.map(Some)
        }
    }
}

/// The subscription `topic` is pulled with: the subscribed one, or the assign expression of the topic.
fn subscription(inner: &Inner, topic: &str) -> Option<SubscriptionData> {
    match inner.mode() {
        Mode::Subscribe => inner.rebalance.subscription(topic),
        Mode::Assign | Mode::None => Some(SubscriptionData::from_tag_expression(
            topic,
            inner.config.assign_expression_of(topic),
            unix_millis(),
        )),
    }
}

/// Caches FOUND messages, queues them for `poll` and moves the pull offset, all under the table lock and only while
/// the task of `generation` still owns the queue and no seek is pending.
fn accept(inner: &Inner, queue: &MessageQueue, generation: u64, pq: &Arc<ProcessQueue>, result: PullResult) {
    let mut table = inner.assigned.lock();
    if !table.accepts(queue, generation) {
        return;
    }
    if result.status == PullStatus::OffsetIllegal {
        tracing::warn!(%queue, next = result.next_begin_offset, "the pull offset was illegal");
    }
    if result.status == PullStatus::Found && !result.messages.is_empty() {
        pq.put_messages(&result.messages);
        inner.buffer.push(ConsumeRequest {
            queue: queue.clone(),
            pq: pq.clone(),
            generation,
            messages: result.messages,
        });
    }
    table.set_pull_offset(queue, result.next_begin_offset);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pq_with(offsets: &[i64]) -> ProcessQueue {
        let pq = ProcessQueue::new();
        let messages: Vec<_> = offsets
            .iter()
            .map(|offset| crate::consumer::process_queue::tests::view(*offset))
            .collect();
        pq.put_messages(&messages);
        pq
    }

    #[test]
    fn flow_control_follows_the_four_thresholds() {
        let mut config = LitePullConsumerConfig::new("127.0.0.1:9876", "CG");
        config.pull_threshold_for_all = 20;
        config.pull_threshold_for_queue = 3;
        config.consume_max_span = 10;
        let empty = ProcessQueue::new();
        assert!(
            !cache_is_full(&config, 2, &empty),
            "2 batches × 10 = 20 is not above 20"
        );
        assert!(cache_is_full(&config, 3, &empty));
        assert!(!cache_is_full(&config, 0, &pq_with(&[1, 2, 3])));
        assert!(
            cache_is_full(&config, 0, &pq_with(&[1, 2, 3, 4])),
            "count above pullThresholdForQueue"
        );
        assert!(!cache_is_full(&config, 0, &pq_with(&[0, 10])));
        assert!(
            cache_is_full(&config, 0, &pq_with(&[0, 11])),
            "span above consumeMaxSpan"
        );
    }
}
