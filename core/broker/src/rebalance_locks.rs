//! Orderly-consumption queue locks (Java's `RebalanceLockManager`): per consumer group, which client holds each
//! message queue and when it last (re)locked it.
//!
//! A lock lives `max_live_time` (Java: 60 s, `rocketmq.broker.rebalance.lockMaxLiveTime`) after its last renewal;
//! an entry is expired when `now - last_update > max_live_time`. Locks are not released when a client
//! disconnects: they only expire or are unlocked by their holder. The caller passes the time, so the rules can
//! be tested without waiting.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use fulmen_protocol::body::MessageQueue;
use tracing::{info, warn};

/// Who holds one queue, and since when (last renewal).
#[derive(Debug, Clone)]
struct LockEntry {
    client_id: String,
    last_update: Instant,
}

impl LockEntry {
    /// Java's `LockEntry.isExpired`: strictly older than the live time.
    fn is_expired(&self, now: Instant, max_live_time: Duration) -> bool {
        now.saturating_duration_since(self.last_update) > max_live_time
    }
}

/// The lock table of a broker.
#[derive(Debug)]
pub(crate) struct RebalanceLockManager {
    max_live_time: Duration,
    table: Mutex<HashMap<String, HashMap<MessageQueue, LockEntry>>>,
}

impl RebalanceLockManager {
    /// An empty table whose locks live `max_live_time` after their last renewal.
    pub(crate) fn new(max_live_time: Duration) -> Self {
        RebalanceLockManager {
            max_live_time,
            table: Mutex::new(HashMap::new()),
        }
    }

    fn table(&self) -> MutexGuard<'_, HashMap<String, HashMap<MessageQueue, LockEntry>>> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Java's `tryLockBatch`: the queues of `mqs` that `client_id` holds after the call, each once, in request
    /// order. A queue is granted when it is free, already held by this client (expired or not), or held by
    /// another client whose lock expired; each granted queue's timestamp is renewed to `now`.
    pub(crate) fn try_lock_batch(
        &self,
        group: &str,
        mqs: &[MessageQueue],
        client_id: &str,
        now: Instant,
    ) -> Vec<MessageQueue> {
        let mut table = self.table();
        let locks = table.entry(group.to_owned()).or_default();
        let mut granted: Vec<MessageQueue> = Vec::with_capacity(mqs.len());
        for mq in mqs {
            if granted.contains(mq) {
                continue;
            }
            let entry = locks.entry(mq.clone()).or_insert_with(|| {
                info!(group, client_id, ?mq, "lock a message queue not locked yet");
                LockEntry {
                    client_id: client_id.to_owned(),
                    last_update: now,
                }
            });
            if entry.client_id == client_id {
                entry.last_update = now;
                granted.push(mq.clone());
            } else if entry.is_expired(now, self.max_live_time) {
                warn!(group, ?mq, old = %entry.client_id, new = client_id, "take over an expired queue lock");
                entry.client_id = client_id.to_owned();
                entry.last_update = now;
                granted.push(mq.clone());
            } else {
                warn!(group, ?mq, holder = %entry.client_id, client_id, "queue locked by another client");
            }
        }
        granted
    }

    /// Java's `unlockBatch`: removes each queue's lock held by `client_id` (expired or not); locks of other
    /// clients stay.
    pub(crate) fn unlock_batch(&self, group: &str, mqs: &[MessageQueue], client_id: &str) {
        let mut table = self.table();
        let Some(locks) = table.get_mut(group) else {
            warn!(group, client_id, "unlock: group has no locks");
            return;
        };
        for mq in mqs {
            match locks.get(mq) {
                Some(entry) if entry.client_id == client_id => {
                    locks.remove(mq);
                    info!(group, client_id, ?mq, "unlock a message queue");
                }
                Some(entry) => {
                    warn!(group, ?mq, holder = %entry.client_id, client_id, "unlock: queue locked by another client");
                }
                None => warn!(group, client_id, ?mq, "unlock: queue not locked"),
            }
        }
    }

    /// Java's `isLockAllExpired`: no lock of `group` is still live (true for a group without locks).
    pub(crate) fn is_lock_all_expired(&self, group: &str, now: Instant) -> bool {
        self.table().get(group).is_none_or(|locks| {
            locks
                .values()
                .all(|entry| entry.is_expired(now, self.max_live_time))
        })
    }

    /// The live holder of `mq` in `group`, if any.
    #[cfg(test)]
    fn holder(&self, group: &str, mq: &MessageQueue, now: Instant) -> Option<String> {
        self.table()
            .get(group)
            .and_then(|locks| locks.get(mq))
            .filter(|entry| !entry.is_expired(now, self.max_live_time))
            .map(|entry| entry.client_id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIVE: Duration = Duration::from_secs(60);

    fn mqs(ids: &[i32]) -> Vec<MessageQueue> {
        ids.iter()
            .map(|id| MessageQueue::new("T", "broker-a", *id))
            .collect()
    }

    #[test]
    fn free_queues_are_granted_and_held_ones_refused() {
        let locks = RebalanceLockManager::new(LIVE);
        let t0 = Instant::now();
        assert_eq!(locks.try_lock_batch("G", &mqs(&[0, 1]), "c1", t0), mqs(&[0, 1]));
        assert_eq!(locks.try_lock_batch("G", &mqs(&[1, 2]), "c2", t0), mqs(&[2]));
        // Another group is independent.
        assert_eq!(locks.try_lock_batch("H", &mqs(&[0]), "c2", t0), mqs(&[0]));
        // Duplicates in the request are answered once.
        assert_eq!(locks.try_lock_batch("G", &mqs(&[0, 0]), "c1", t0), mqs(&[0]));
        // The broker name is part of the key.
        let other_broker = vec![MessageQueue::new("T", "broker-b", 0)];
        assert_eq!(locks.try_lock_batch("G", &other_broker, "c2", t0), other_broker);
    }

    #[test]
    fn renewal_keeps_the_lock_and_expiry_frees_it() {
        let locks = RebalanceLockManager::new(LIVE);
        let t0 = Instant::now();
        locks.try_lock_batch("G", &mqs(&[0]), "c1", t0);
        // Exactly the live time later the lock still holds (expiry is strictly greater).
        assert!(locks.try_lock_batch("G", &mqs(&[0]), "c2", t0 + LIVE).is_empty());
        // c1 renews at 50 s; at 100 s (50 s after the renewal) it still holds.
        let renewed = t0 + Duration::from_secs(50);
        assert_eq!(locks.try_lock_batch("G", &mqs(&[0]), "c1", renewed), mqs(&[0]));
        assert!(
            locks
                .try_lock_batch("G", &mqs(&[0]), "c2", t0 + Duration::from_secs(100))
                .is_empty()
        );
        assert!(!locks.is_lock_all_expired("G", t0 + Duration::from_secs(100)));
        // More than the live time after the renewal, another client takes it over.
        let late = renewed + LIVE + Duration::from_millis(1);
        assert!(locks.is_lock_all_expired("G", late));
        assert_eq!(locks.try_lock_batch("G", &mqs(&[0]), "c2", late), mqs(&[0]));
        assert_eq!(locks.holder("G", &mqs(&[0])[0], late).as_deref(), Some("c2"));
    }

    #[test]
    fn the_holder_relocks_its_expired_queue() {
        let locks = RebalanceLockManager::new(LIVE);
        let t0 = Instant::now();
        locks.try_lock_batch("G", &mqs(&[0]), "c1", t0);
        let late = t0 + LIVE * 2;
        assert_eq!(locks.try_lock_batch("G", &mqs(&[0]), "c1", late), mqs(&[0]));
        assert!(locks.try_lock_batch("G", &mqs(&[0]), "c2", late).is_empty());
    }

    #[test]
    fn only_the_holder_unlocks() {
        let locks = RebalanceLockManager::new(LIVE);
        let t0 = Instant::now();
        locks.try_lock_batch("G", &mqs(&[0, 1]), "c1", t0);
        locks.unlock_batch("G", &mqs(&[0, 1]), "c2");
        locks.unlock_batch("unknown", &mqs(&[0]), "c1");
        assert!(locks.try_lock_batch("G", &mqs(&[0, 1]), "c2", t0).is_empty());
        locks.unlock_batch("G", &mqs(&[0]), "c1");
        assert_eq!(locks.holder("G", &mqs(&[0])[0], t0), None);
        assert_eq!(locks.try_lock_batch("G", &mqs(&[0, 1]), "c2", t0), mqs(&[0]));
        // The holder releases its other queue too.
        locks.unlock_batch("G", &mqs(&[1]), "c1");
        assert_eq!(locks.try_lock_batch("G", &mqs(&[1]), "c2", t0), mqs(&[1]));
    }

    #[test]
    fn a_group_without_locks_is_all_expired() {
        let locks = RebalanceLockManager::new(LIVE);
        assert!(locks.is_lock_all_expired("G", Instant::now()));
    }
}
