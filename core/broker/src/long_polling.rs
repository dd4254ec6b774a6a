//! Long polling (Java's `PullRequestHoldService`): a pull that finds nothing waits on its queue's [`Notify`],
//! which the store's arrival listener wakes as soon as a message is dispatched to that queue.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use fulmen_store::{MessageArrival, MessageArrivalListener};
use tokio::sync::Notify;

/// One wake-up signal per queue that has (or had) a waiting pull.
#[derive(Debug, Default)]
pub(crate) struct PullWaiters {
    queues: Mutex<HashMap<(String, i32), Arc<Notify>>>,
}

impl PullWaiters {
    /// The signal of a queue; register interest with `Notify::notified` + `enable` before re-reading the queue.
    pub(crate) fn signal(&self, topic: &str, queue_id: i32) -> Arc<Notify> {
        self.queues
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((topic.to_owned(), queue_id))
            .or_default()
            .clone()
    }

    /// Wakes the pulls waiting on a queue, to look at it again.
    pub(crate) fn wake(&self, topic: &str, queue_id: i32) {
        let signal = self
            .queues
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(topic.to_owned(), queue_id))
            .cloned();
        if let Some(signal) = signal {
            signal.notify_waiters();
        }
    }
}

impl MessageArrivalListener for PullWaiters {
    fn message_arrived(&self, arrival: &MessageArrival<'_>) {
        self.wake(arrival.topic, arrival.queue_id);
    }
}
