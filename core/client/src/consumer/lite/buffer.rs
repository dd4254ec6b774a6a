//! The pulled batches waiting for `poll` (Java's `consumeRequestCache`, a `LinkedBlockingQueue<ConsumeRequest>`):
//! first in, first out, a wait with a deadline, and removal of one queue's batches when it is sought.
//!
//! It is unbounded like Java's; the pull tasks keep it small by pausing while `len() × pullBatchSize` exceeds
//! `pullThresholdForAll`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use fulmen_protocol::body::MessageQueue;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::consumer::process_queue::ProcessQueue;
use crate::message_view::MessageView;

/// One pulled batch of one queue (Java's `ConsumeRequest`), with the generation of the task that pulled it.
#[derive(Debug)]
pub(crate) struct ConsumeRequest {
    pub(crate) queue: MessageQueue,
    pub(crate) pq: Arc<ProcessQueue>,
    pub(crate) generation: u64,
    pub(crate) messages: Vec<MessageView>,
}

/// The batches waiting for `poll`.
#[derive(Debug, Default)]
pub(crate) struct ConsumeBuffer {
    requests: Mutex<VecDeque<ConsumeRequest>>,
    arrived: Notify,
}

impl ConsumeBuffer {
    fn requests(&self) -> MutexGuard<'_, VecDeque<ConsumeRequest>> {
        self.requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends a batch and wakes a waiting `take`.
    pub(crate) fn push(&self, request: ConsumeRequest) {
        self.requests().push_back(request);
        self.arrived.notify_one();
    }

    /// The number of waiting batches.
    pub(crate) fn len(&self) -> usize {
        self.requests().len()
    }

    /// Removes every batch of `queue`.
    pub(crate) fn remove_queue(&self, queue: &MessageQueue) {
        self.requests().retain(|request| &request.queue != queue);
    }

    /// The oldest batch whose process queue is not dropped, waiting until `deadline` for one; batches of dropped
    /// queues are discarded on the way.
    pub(crate) async fn take(&self, deadline: Instant) -> Option<ConsumeRequest> {
        loop {
            let arrived = self.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            {
                let mut requests = self.requests();
                while let Some(request) = requests.pop_front() {
                    if !request.pq.is_dropped() {
                        if !requests.is_empty() {
                            // Another waiter may take the next one.
                            self.arrived.notify_one();
                        }
                        return Some(request);
                    }
                }
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn request(id: i32, pq: &Arc<ProcessQueue>) -> ConsumeRequest {
        ConsumeRequest {
            queue: MessageQueue::new("T", "b", id),
            pq: pq.clone(),
            generation: 1,
            messages: Vec::new(),
        }
    }

    #[tokio::test]
    async fn takes_in_order_skips_dropped_and_times_out() {
        let buffer = ConsumeBuffer::default();
        let live = Arc::new(ProcessQueue::new());
        let dropped = Arc::new(ProcessQueue::new());
        dropped.set_dropped(true);
        buffer.push(request(0, &dropped));
        buffer.push(request(1, &live));
        buffer.push(request(2, &live));
        buffer.push(request(1, &live));
        buffer.remove_queue(&MessageQueue::new("T", "b", 1));
        assert_eq!(buffer.len(), 2);
        let soon = Instant::now() + Duration::from_millis(50);
        assert_eq!(buffer.take(soon).await.unwrap().queue.queue_id, 2);
        assert!(
            buffer
                .take(Instant::now() + Duration::from_millis(50))
                .await
                .is_none()
        );
    }

    #[tokio::test]
    async fn a_waiting_take_wakes_on_push() {
        let buffer = Arc::new(ConsumeBuffer::default());
        let waiter = {
            let buffer = buffer.clone();
            tokio::spawn(async move { buffer.take(Instant::now() + Duration::from_secs(5)).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        buffer.push(request(3, &Arc::new(ProcessQueue::new())));
        let taken = tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(taken.unwrap().queue.queue_id, 3);
    }
}
