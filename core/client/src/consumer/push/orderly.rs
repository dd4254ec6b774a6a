//! Orderly consumption (Java's `ConsumeMessageOrderlyService`): one consume task per queue at a time, taking the
//! smallest cached messages in batches; in clustering mode only while this client holds the queue's broker lock.
//! A failed batch is retried locally after `suspend_current_queue_time` (clamped to 10 ms..30 s); once a message
//! reached `max_reconsume_times` it goes to `%RETRY%<group>` with its delivery count, from where the broker moves
//! it to the DLQ.

use std::sync::Arc;
use std::time::Duration;

use fulmen_protocol::body::MessageQueue;
use tokio::time::Instant;

use super::PushInner;
use super::listener::ConsumeResult;
use crate::consumer::process_queue::ProcessQueue;

/// Retry delays of Java's `tryLockLaterAndReconsume` and `submitConsumeRequestLater`.
const LOCK_RETRY_FIRST: Duration = Duration::from_millis(100);
const LOCK_RETRY_IN_LOOP: Duration = Duration::from_millis(10);
const RESUBMIT_SOON: Duration = Duration::from_millis(10);
const RESUBMIT_AFTER_LOCK_FAILURE: Duration = Duration::from_secs(3);
const SUSPEND_MIN: Duration = Duration::from_millis(10);
const SUSPEND_MAX: Duration = Duration::from_secs(30);

/// Starts (after `delay`) a consume task for `queue`.
pub(super) fn submit(inner: Arc<PushInner>, pq: Arc<ProcessQueue>, queue: MessageQueue, delay: Duration) {
    inner
        .clone()
        .spawn_later(delay, async move { consume(&inner, &pq, &queue).await });
}

fn holds_lock(inner: &PushInner, pq: &ProcessQueue) -> bool {
    !inner.is_clustering() || (pq.is_locked() && !pq.is_lock_expired())
}

async fn consume(inner: &Arc<PushInner>, pq: &Arc<ProcessQueue>, queue: &MessageQueue) {
    if pq.is_dropped() {
        return;
    }
    if !holds_lock(inner, pq) {
        try_lock_later(inner, pq, queue, LOCK_RETRY_FIRST);
        return;
    }
    let begin = Instant::now();
    loop {
        if pq.is_dropped() {
            return;
        }
        if !holds_lock(inner, pq) {
            try_lock_later(inner, pq, queue, LOCK_RETRY_IN_LOOP);
            return;
        }
        if begin.elapsed() > inner.config.max_time_consume_continuously {
            submit(inner.clone(), pq.clone(), queue.clone(), RESUBMIT_SOON);
            return;
        }
        let Ok(_permit) = inner.permits.clone().acquire_owned().await else {
            return;
        };
        let _consuming = pq.consume_lock.lock().await;
        let mut messages = pq.take_messages(inner.config.consume_message_batch_max_size);
        if messages.is_empty() {
            return;
        }
        if pq.is_dropped() {
            return;
        }
        inner.reset_retry_topic(&mut messages);
        let result = inner.call_listener(messages.clone()).await;
        let commit = match result {
            ConsumeResult::Success => true,
            ConsumeResult::ReconsumeLater => {
                let mut suspended = false;
                let max = inner.config.max_reconsume_times_orderly();
                for message in &mut messages {
                    if message.reconsume_times >= max {
                        if inner.send_to_retry_topic(message, max).await.is_err() {
                            suspended = true;
                            message.reconsume_times += 1;
                        }
                    } else {
                        suspended = true;
                        message.reconsume_times += 1;
                    }
                }
                if suspended {
                    pq.make_messages_to_consume_again(&messages);
                    let delay = inner
                        .config
                        .suspend_current_queue_time
                        .clamp(SUSPEND_MIN, SUSPEND_MAX);
                    submit(inner.clone(), pq.clone(), queue.clone(), delay);
                    return;
                }
                true
            }
        };
        if commit {
            let offset = pq.commit();
            if offset >= 0 && !pq.is_dropped() {
                inner.offset_store().update_offset(queue, offset, false);
            }
        }
    }
}

/// Java's `tryLockLaterAndReconsume`: after `delay` lock the queue alone, then consume again soon (locked) or in
/// 3 s (not locked).
fn try_lock_later(inner: &Arc<PushInner>, pq: &Arc<ProcessQueue>, queue: &MessageQueue, delay: Duration) {
    let (inner, pq, queue) = (inner.clone(), pq.clone(), queue.clone());
    inner.clone().spawn_later(delay, async move {
        let locked = inner.core.lock(&queue).await;
        let next = if locked {
            RESUBMIT_SOON
        } else {
            RESUBMIT_AFTER_LOCK_FAILURE
        };
        submit(inner, pq, queue, next);
    });
}
