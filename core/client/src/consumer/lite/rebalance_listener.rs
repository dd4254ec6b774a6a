//! How a lite pull consumer hears about the rebalance of its subscribed topics (Java's
//! `DefaultLitePullConsumerImpl.MessageQueueListenerImpl#messageQueueChanged` →
//! `updateAssignQueueAndStartPullTask`): the topic's assigned queues become the rebalance's share (broadcasting:
//! every queue), removed ones are dropped with their pull tasks, new ones get a task that starts at the offset the
//! rebalance computed (Java computes it a second time in the pull task; the result is the same).

use std::collections::HashMap;
use std::sync::{Mutex, Weak};

use fulmen_protocol::body::MessageQueue;

use super::Inner;
use crate::consumer::rebalance::{AddedQueue, RebalanceListener};

/// The rebalance listener of one consumer; holds only a weak reference to it.
pub(super) struct LiteRebalanceListener {
    inner: Weak<Inner>,
    /// Start offsets of queues just added, until the change notice that follows takes them over.
    start_offsets: Mutex<HashMap<MessageQueue, i64>>,
}

impl LiteRebalanceListener {
    pub(super) fn new(inner: Weak<Inner>) -> Self {
        LiteRebalanceListener {
            inner,
            start_offsets: Mutex::new(HashMap::new()),
        }
    }

    fn start_offsets(&self) -> std::sync::MutexGuard<'_, HashMap<MessageQueue, i64>> {
        self.start_offsets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl RebalanceListener for LiteRebalanceListener {
    /// Remembers the start offsets; the queue set is taken over in [`Self::queues_changed`], which follows.
    fn queues_added(&self, added: Vec<AddedQueue>) {
        let mut offsets = self.start_offsets();
        for (queue, _, offset) in added {
            offsets.insert(queue, offset);
        }
    }

    fn queues_changed(&self, topic: &str, _all: &[MessageQueue], mine: &[MessageQueue]) {
        let Some(inner) = self.inner.upgrade() else {
            return;
        };
        let queues = {
            let mut offsets = self.start_offsets();
            offsets.retain(|queue, _| queue.topic != topic || mine.contains(queue));
            mine.iter()
                .map(|queue| {
                    let offset = offsets.remove(queue).unwrap_or(-1);
                    (queue.clone(), inner.rebalance.process_queue(queue), offset)
                })
                .collect()
        };
        let added = inner.assigned.replace_topic(topic, queues);
        inner.start_pull_tasks(&added);
    }
}
