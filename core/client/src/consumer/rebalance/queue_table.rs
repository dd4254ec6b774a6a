//! Keeping the process-queue table in line with an allocation (Java's `updateProcessQueueTableInRebalance`,
//! `RebalancePushImpl#removeUnnecessaryMessageQueue`, `truncateMessageQueueNotMyTopic`, `removeProcessQueue` and
//! `destroy`): queues given up are dropped after their offset is persisted (an orderly consumer also waits for a
//! running listener call and releases the broker lock), new queues get a process queue and a start offset.

use std::sync::Arc;
use std::time::Duration;

use fulmen_protocol::body::{MessageModel, MessageQueue};

use super::{RebalanceCore, lock};
use crate::consumer::process_queue::ProcessQueue;

/// How long an orderly consumer waits for a running listener call before it gives a queue up anyway (Java's 500 ms
/// `tryLock` on the consume lock).
const CONSUME_LOCK_WAIT: Duration = Duration::from_millis(500);
/// The delay of the next rebalance after a lock failed (`rebalanceLater(500)`).
const REBALANCE_LATER: Duration = Duration::from_millis(500);

impl RebalanceCore {
    /// Drops the queues of `topic` not in `target` (and pull-expired ones), creates the missing ones. Returns
    /// whether anything changed.
    pub(super) async fn update_process_queues(
        &self,
        topic: &str,
        target: &[MessageQueue],
        need_lock: bool,
    ) -> bool {
        let mut changed = false;
        for (queue, pq) in self.process_queues() {
            if queue.topic != topic {
                continue;
            }
            let expired = self.config.drop_pull_expired && pq.is_pull_expired();
            if target.contains(&queue) && !expired {
                continue;
            }
            pq.set_dropped(true);
            if self.remove_unnecessary_queue(&queue, &pq).await {
                lock(&self.process_queues).remove(&queue);
                changed = true;
            }
        }
        let mut added = Vec::new();
        let mut lock_failed = false;
        for queue in target {
            if lock(&self.process_queues).contains_key(queue) {
                continue;
            }
            if need_lock && !self.lock(queue).await {
                lock_failed = true;
                continue;
            }
            self.offset_store.remove_offset(queue);
            let pq = Arc::new(ProcessQueue::new());
            pq.set_locked(true);
            let offset = match self.compute_pull_from_where(queue).await {
                Ok(offset) => offset,
                Err(error) => {
                    tracing::warn!(%queue, %error, "computing where to pull from failed");
                    continue;
                }
            };
            let inserted = {
                let mut table = lock(&self.process_queues);
                match table.get(queue) {
                    Some(_) => false,
                    None => {
                        table.insert(queue.clone(), pq.clone());
                        true
                    }
                }
            };
            if inserted {
                added.push((queue.clone(), pq, offset));
                changed = true;
            }
        }
        if lock_failed {
            let wake = self.wake.clone();
            tokio::spawn(async move {
                tokio::time::sleep(REBALANCE_LATER).await;
                wake.notify_one();
            });
        }
        if !added.is_empty() {
            self.listener.queues_added(added);
        }
        changed
    }

    /// Gives up `queue` (Java's `removeUnnecessaryMessageQueue`): persists its offset and forgets it; an orderly
    /// clustering consumer first waits (500 ms) for a running listener call and releases the broker lock. Returns
    /// false when the queue must be kept until the next rebalance.
    pub(crate) async fn remove_unnecessary_queue(&self, queue: &MessageQueue, pq: &ProcessQueue) -> bool {
        self.offset_store.persist(queue).await;
        let orderly_clustering = self.config.orderly && self.config.message_model == MessageModel::Clustering;
        if !orderly_clustering {
            self.offset_store.remove_offset(queue);
            return true;
        }
        let unlock_delay = i64::try_from(self.config.unlock_delay.as_millis()).unwrap_or(i64::MAX);
        let force = pq.is_dropped()
            && crate::instance::identity::unix_millis() > pq.last_lock_timestamp() + unlock_delay;
        let guard = if force {
            None
        } else {
            match tokio::time::timeout(CONSUME_LOCK_WAIT, pq.consume_lock.lock()).await {
                Ok(guard) => Some(guard),
                Err(_) => {
                    tracing::debug!(%queue, "the queue is being consumed; it is unlocked later");
                    pq.count_failed_unlock();
                    return false;
                }
            }
        };
        self.offset_store.persist(queue).await;
        self.offset_store.remove_offset(queue);
        pq.set_locked(false);
        self.unlock(queue).await;
        drop(guard);
        true
    }

    /// Drops `queue` at once (after an illegal offset) and wakes the service.
    pub(crate) async fn remove_process_queue(&self, queue: &MessageQueue) {
        let removed = lock(&self.process_queues).remove(queue);
        if let Some(pq) = removed {
            pq.set_dropped(true);
            self.remove_unnecessary_queue(queue, &pq).await;
        }
    }

    pub(super) fn truncate_queues_not_subscribed(&self, topics: &[String]) {
        lock(&self.process_queues).retain(|queue, pq| {
            let keep = topics.contains(&queue.topic);
            if !keep {
                pq.set_dropped(true);
            }
            keep
        });
    }

    /// Drops every queue (shutdown).
    pub(crate) fn destroy(&self) {
        let mut table = lock(&self.process_queues);
        for pq in table.values() {
            pq.set_dropped(true);
        }
        table.clear();
    }
}
