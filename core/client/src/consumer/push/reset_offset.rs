//! RESET_CONSUMER_CLIENT_OFFSET (Java's `MQClientInstance#resetOffset`): an admin moved the group's offsets
//! (`mqadmin resetOffsetByTime`). The consumer pauses, drops the topic's queues named in the request, waits
//! `reset_offset_pause` (Java's fixed 10 s), stores the new offsets on the broker, gives the queues up and
//! resumes; the next rebalance takes them again from the new offsets.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use fulmen_protocol::body::MessageQueue;

use super::PushInner;

impl PushInner {
    /// Applies `offsets` of `topic`.
    pub(super) async fn reset_offsets(self: &Arc<Self>, topic: &str, offsets: HashMap<MessageQueue, i64>) {
        self.paused.store(true, Ordering::Release);
        let affected: Vec<_> = self
            .core
            .process_queues()
            .into_iter()
            .filter(|(queue, _)| queue.topic == topic && offsets.contains_key(queue))
            .collect();
        for (_, pq) in &affected {
            pq.set_dropped(true);
            pq.clear();
        }
        tokio::select! {
            () = self.stop.cancelled() => return,
            () = tokio::time::sleep(self.config.reset_offset_pause) => {}
        }
        for (queue, _) in &affected {
            if let Some(offset) = offsets.get(queue) {
                self.offset_store().update_offset(queue, *offset, false);
                self.core.remove_process_queue(queue).await;
            }
        }
        self.paused.store(false, Ordering::Release);
        self.core.wakeup();
    }
}
