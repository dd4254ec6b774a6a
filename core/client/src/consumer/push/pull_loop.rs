//! The pull loop of one owned queue (Java's `DefaultMQPushConsumerImpl#pullMessage` driven by
//! `PullMessageService`), one tokio task per queue: checks (dropped, paused, cache limits, orderly lock), a
//! long-polling PULL_MESSAGE that also commits the queue's offset, and the handling of each pull status.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use fulmen_protocol::ResponseCode;
use fulmen_protocol::body::MessageQueue;

use super::PushInner;
use crate::consumer::broker_call::master_addr_of;
use crate::consumer::offset_store::ReadOffsetType;
use crate::consumer::process_queue::ProcessQueue;
use crate::consumer::pull_api::{Hold, PullOptions, pull_request_with, pull_result};
use crate::consumer::pull_result::{PullResult, PullStatus};
use crate::error::Result;

/// The first pull of a new queue waits this long (Java's `dispatchPullRequest(list, 500)`).
const FIRST_PULL_DELAY: Duration = Duration::from_millis(500);
/// The pause while the cache is over a limit (`PULL_TIME_DELAY_MILLS_WHEN_CACHE_FLOW_CONTROL`).
const CACHE_FLOW_CONTROL_DELAY: Duration = Duration::from_millis(50);
/// The pause after the broker's FLOW_CONTROL answer (`PULL_TIME_DELAY_MILLS_WHEN_BROKER_FLOW_CONTROL`).
const BROKER_FLOW_CONTROL_DELAY: Duration = Duration::from_millis(20);
/// The pause while the consumer is suspended (`PULL_TIME_DELAY_MILLS_WHEN_SUSPEND`).
const SUSPENDED_DELAY: Duration = Duration::from_secs(1);
/// How long the broker may hold a push consumer's pull (`BROKER_SUSPEND_MAX_TIME_MILLIS`).
const BROKER_HOLD: Duration = Duration::from_secs(15);
/// How long a held pull may take (`CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND`).
const HELD_PULL_TIMEOUT: Duration = Duration::from_secs(30);
const MIB: u64 = 1024 * 1024;

/// Starts pulling `queue` from `offset` on its own task.
pub(super) fn spawn(inner: Arc<PushInner>, queue: MessageQueue, pq: Arc<ProcessQueue>, offset: i64) {
    inner.clone().spawn_later(
        FIRST_PULL_DELAY,
        async move { run(&inner, &queue, &pq, offset).await },
    );
}

async fn run(inner: &Arc<PushInner>, queue: &MessageQueue, pq: &Arc<ProcessQueue>, mut offset: i64) {
    let mut previously_locked = false;
    loop {
        if pq.is_dropped() {
            return;
        }
        pq.touch_pull();
        let delay = match check(inner, queue, pq, &mut offset, &mut previously_locked).await {
            Some(delay) => delay,
            None => match pull_once(inner, queue, pq, &mut offset).await {
                Next::After(delay) => delay,
                Next::Stop => return,
            },
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }
}

/// The pause to take before pulling, if one is due (steps 2–6 of Java's `pullMessage`).
async fn check(
    inner: &PushInner,
    queue: &MessageQueue,
    pq: &ProcessQueue,
    offset: &mut i64,
    previously_locked: &mut bool,
) -> Option<Duration> {
    if inner.paused.load(Ordering::Acquire) {
        return Some(SUSPENDED_DELAY);
    }
    let limit_count = inner.queue_limit_count.load(Ordering::Relaxed);
    let limit_mib = inner.queue_limit_mib.load(Ordering::Relaxed);
    if pq.message_count() > limit_count || pq.message_bytes() / MIB > limit_mib {
        return Some(CACHE_FLOW_CONTROL_DELAY);
    }
    if !inner.orderly {
        if pq.max_span() > inner.config.consume_concurrently_max_span {
            return Some(CACHE_FLOW_CONTROL_DELAY);
        }
    } else if inner.is_clustering() {
        if !pq.is_locked() {
            return Some(inner.config.pull_delay_on_exception);
        }
        if !*previously_locked {
            match inner.core.compute_pull_from_where(queue).await {
                Ok(start) => *offset = start,
                Err(error) => {
                    tracing::warn!(%queue, %error, "computing the orderly start offset failed");
                    return Some(inner.config.pull_delay_on_exception);
                }
            }
            *previously_locked = true;
        }
    }
    if inner.core.subscription(&queue.topic).is_none() {
        return Some(inner.config.pull_delay_on_exception);
    }
    None
}

enum Next {
    After(Duration),
    Stop,
}

async fn pull_once(
    inner: &Arc<PushInner>,
    queue: &MessageQueue,
    pq: &Arc<ProcessQueue>,
    offset: &mut i64,
) -> Next {
    let result = match pull(inner, queue, *offset).await {
        Ok(result) => result,
        Err(error) => {
            if !queue
                .topic
                .starts_with(crate::consumer::rebalance::RETRY_TOPIC_PREFIX)
            {
                tracing::debug!(%queue, %error, "pull failed");
            }
            let flow_control = error.response_code() == Some(ResponseCode::FLOW_CONTROL.0);
            return Next::After(if flow_control {
                BROKER_FLOW_CONTROL_DELAY
            } else {
                inner.config.pull_delay_on_exception
            });
        }
    };
    match result.status {
        PullStatus::Found => {
            *offset = result.next_begin_offset;
            if result.messages.is_empty() {
                return Next::After(Duration::ZERO);
            }
            let dispatch = pq.put_messages(&result.messages);
            inner.submit(result.messages, pq, queue, dispatch);
            Next::After(inner.config.pull_interval)
        }
        PullStatus::NoNewMsg | PullStatus::NoMatchedMsg => {
            *offset = result.next_begin_offset;
            if pq.message_count() == 0 {
                inner.offset_store().update_offset(queue, *offset, true);
            }
            Next::After(Duration::ZERO)
        }
        PullStatus::OffsetIllegal => {
            tracing::warn!(%queue, next = result.next_begin_offset, "the pull offset is illegal; the queue is dropped");
            pq.set_dropped(true);
            let store = inner.offset_store();
            store.update_and_freeze(queue, result.next_begin_offset);
            store.persist(queue).await;
            inner.core.remove_process_queue(queue).await;
            inner.core.wakeup();
            Next::Stop
        }
    }
}

async fn pull(inner: &PushInner, queue: &MessageQueue, offset: i64) -> Result<PullResult> {
    let subscription = inner.core.subscription(&queue.topic).unwrap_or_else(|| {
        fulmen_protocol::body::SubscriptionData::from_tag_expression(&queue.topic, "*", 0)
    });
    let commit_offset = if inner.is_clustering() {
        inner
            .offset_store()
            .read_offset(queue, ReadOffsetType::ReadFromMemory)
            .await
    } else {
        0
    };
    let options = PullOptions {
        max_nums: inner.config.pull_batch_size,
        max_bytes: Some(inner.config.pull_batch_size_in_bytes),
        hold: Hold::UntilArrival,
        suspend_timeout: BROKER_HOLD,
        commit_offset,
    };
    let request = pull_request_with(&inner.config.group, queue, &subscription, offset, &options);
    let addr = master_addr_of(&inner.instance, queue).await?;
    let response = inner
        .instance
        .invoke_broker(&addr, request, HELD_PULL_TIMEOUT)
        .await?;
    pull_result(&response, queue, &subscription, inner.config.max_message_size)
}
