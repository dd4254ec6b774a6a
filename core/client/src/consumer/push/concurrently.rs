//! Concurrent consumption (Java's `ConsumeMessageConcurrentlyService`): pulled messages are split into batches of
//! `consume_message_batch_max_size`, each a task that waits for one of `consume_thread_min` permits, calls the
//! listener, sends failed messages back (clustering) or drops them (broadcasting), and raises the queue's offset
//! to the smallest message still cached. Messages that cannot be sent back are consumed again locally after 5 s.

use std::sync::Arc;
use std::time::Duration;

use fulmen_protocol::body::MessageQueue;

use super::PushInner;
use super::listener::ConsumeResult;
use crate::consumer::process_queue::ProcessQueue;
use crate::message_view::MessageView;

/// The pause before messages that could not be sent back are consumed again (Java's 5 000 ms).
const LOCAL_RETRY_DELAY: Duration = Duration::from_secs(5);

/// Hands `messages` of `queue` to listener tasks.
pub(super) fn submit(
    inner: &Arc<PushInner>,
    messages: Vec<MessageView>,
    pq: &Arc<ProcessQueue>,
    queue: &MessageQueue,
) {
    let batch = inner.config.consume_message_batch_max_size.max(1);
    for chunk in messages.chunks(batch) {
        let (inner, chunk, pq, queue) = (inner.clone(), chunk.to_vec(), pq.clone(), queue.clone());
        tokio::spawn(async move { consume(&inner, chunk, &pq, &queue).await });
    }
}

async fn consume(
    inner: &Arc<PushInner>,
    mut messages: Vec<MessageView>,
    pq: &Arc<ProcessQueue>,
    queue: &MessageQueue,
) {
    let Ok(_permit) = inner.permits.clone().acquire_owned().await else {
        return;
    };
    if pq.is_dropped() || inner.stop.is_cancelled() {
        return;
    }
    inner.reset_retry_topic(&mut messages);
    let result = inner.call_listener(messages.clone()).await;
    if pq.is_dropped() {
        return;
    }
    process_result(inner, result, messages, pq, queue).await;
}

/// Java's `processConsumeResult`.
async fn process_result(
    inner: &Arc<PushInner>,
    result: ConsumeResult,
    messages: Vec<MessageView>,
    pq: &Arc<ProcessQueue>,
    queue: &MessageQueue,
) {
    let consumed = match result {
        ConsumeResult::Success => messages.len(),
        ConsumeResult::ReconsumeLater => 0,
    };
    let mut retry_locally = Vec::new();
    if inner.is_clustering() {
        for message in &messages[consumed..] {
            if !pq.contains(message.queue_offset) {
                continue;
            }
            if !inner.send_message_back(message, 0).await {
                let mut again = message.clone();
                again.reconsume_times += 1;
                retry_locally.push(again);
            }
        }
    } else {
        for message in &messages[consumed..] {
            tracing::warn!(
                msg_id = message.msg_id,
                "broadcasting consumption failed; the message is dropped"
            );
        }
    }
    let done: Vec<i64> = messages
        .iter()
        .map(|message| message.queue_offset)
        .filter(|offset| !retry_locally.iter().any(|again| again.queue_offset == *offset))
        .collect();
    let offset = pq.remove_messages(&done);
    if offset >= 0 && !pq.is_dropped() {
        inner.offset_store().update_offset(queue, offset, true);
    }
    if !retry_locally.is_empty() {
        let (inner, pq, queue) = (inner.clone(), pq.clone(), queue.clone());
        inner.clone().spawn_later(LOCAL_RETRY_DELAY, async move {
            submit(&inner, retry_locally, &pq, &queue);
        });
    }
}
