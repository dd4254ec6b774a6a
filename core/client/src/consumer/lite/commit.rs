//! Offsets of a lite pull consumer (Java's `DefaultLitePullConsumerImpl#commitAll`, `#commit`, `#committed`,
//! `#maybeAutoCommit`, `#persistConsumerOffset`): commits copy the consume offsets `poll` recorded into the offset
//! store's memory; persisting sends them to the brokers (oneway UPDATE_CONSUMER_OFFSET) or the local file, every
//! `persist_offset_interval` and at shutdown, or at once with `persist = true`.

use std::collections::HashMap;
use std::sync::Arc;

use fulmen_protocol::body::MessageQueue;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::{Inner, LitePullConsumer, Mode, lock};
use crate::consumer::offset_store::ReadOffsetType;
use crate::consumer::periodic::spawn_periodic;
use crate::error::{Error, ErrorKind, Result};

impl LitePullConsumer {
    /// Commits, in memory, how far `poll` has consumed every assigned queue (Java's `commitSync()` / `commit()`);
    /// the offsets reach the broker with the next periodic persist or at shutdown.
    pub fn commit_sync(&self) -> Result<()> {
        let inner = self.inner();
        inner.ensure_running()?;
        inner.commit_all();
        Ok(())
    }

    /// Commits the given offsets (the next offset to consume of each queue) of queues still assigned; with
    /// `persist` they are sent to the brokers (or the local file) at once. An offset of −1 is ignored.
    pub async fn commit(&self, offsets: HashMap<MessageQueue, i64>, persist: bool) -> Result<()> {
        let inner = self.inner();
        inner.ensure_running()?;
        for (queue, offset) in &offsets {
            if *offset == -1 {
                tracing::error!(%queue, "consumerOffset is -1 in the message queue");
                continue;
            }
            if inner
                .assigned
                .process_queue(queue)
                .is_some_and(|pq| !pq.is_dropped())
            {
                inner.rebalance.offset_store.update_offset(queue, *offset, false);
            }
        }
        if persist {
            inner.persist(offsets.keys()).await;
        }
        Ok(())
    }

    /// Commits how far `poll` has consumed each of `queues` (Java's `commit(Set, persist)`); with `persist` they
    /// are sent at once.
    pub async fn commit_queues(&self, queues: &[MessageQueue], persist: bool) -> Result<()> {
        let inner = self.inner();
        inner.ensure_running()?;
        for queue in queues {
            inner.commit_queue(queue);
        }
        if persist {
            inner.persist(queues.iter()).await;
        }
        Ok(())
    }

    /// The committed offset of `queue`: the offset store's memory, else the broker (or file); `None` when the
    /// group has none.
    pub async fn committed(&self, queue: &MessageQueue) -> Result<Option<i64>> {
        let inner = self.inner();
        inner.ensure_running()?;
        let offset = inner.committed_offset(queue).await;
        match offset {
            -2 => Err(Error::new(
                ErrorKind::Broker,
                "Fetch consume offset from broker exception",
            )),
            offset if offset < 0 => Ok(None),
            offset => Ok(Some(offset)),
        }
    }
}

impl Inner {
    /// The committed offset of `queue`, memory first, then the store (Java's `MEMORY_FIRST_THEN_STORE`): ≥ 0, −1
    /// when there is none, −2 when the broker could not be asked.
    pub(super) async fn committed_offset(&self, queue: &MessageQueue) -> i64 {
        let store = &self.rebalance.offset_store;
        let memory = store.read_offset(queue, ReadOffsetType::ReadFromMemory).await;
        if memory >= 0 {
            return memory;
        }
        store.read_offset(queue, ReadOffsetType::ReadFromStore).await
    }

    /// Commits every assigned queue's consume offset.
    pub(super) fn commit_all(&self) {
        for queue in self.assigned.queues() {
            self.commit_queue(&queue);
        }
    }

    fn commit_queue(&self, queue: &MessageQueue) {
        let Some((offset, pq)) = self.assigned.consume_offset(queue) else {
            return;
        };
        if offset != -1 && !pq.is_dropped() {
            self.rebalance.offset_store.update_offset(queue, offset, false);
        }
    }

    /// Commits all when the auto-commit deadline has passed, then sets the next one (Java's `maybeAutoCommit`: the
    /// first poll commits at once).
    pub(super) fn maybe_auto_commit(&self) {
        let now = Instant::now();
        let mut next = lock(&self.next_auto_commit);
        if next.is_none_or(|deadline| now >= deadline) {
            self.commit_all();
            *next = Some(now + self.config.auto_commit_interval);
        }
    }

    /// Persists the offsets of `queues`, one by one (so other queues' entries stay in the store's memory).
    async fn persist(&self, queues: impl Iterator<Item = &MessageQueue>) {
        for queue in queues {
            self.rebalance.offset_store.persist(queue).await;
        }
    }

    /// Persists the offsets of the consumer's queues: the rebalance's queues when subscribed, the assigned ones
    /// otherwise (Java's `persistConsumerOffset`).
    pub(super) async fn persist_consumer_offsets(&self) {
        let queues = match self.mode() {
            Mode::Subscribe => self.rebalance.owned_queues(),
            Mode::Assign => self.assigned.queues(),
            Mode::None => return,
        };
        self.rebalance.offset_store.persist_all(&queues).await;
    }
}

/// Persists the offsets every `persist_offset_interval` until the consumer stops.
pub(super) fn spawn_persist_task(inner: &Arc<Inner>) -> JoinHandle<()> {
    let period = inner.config.persist_offset_interval;
    spawn_periodic(inner, inner.stop.clone(), period, period, |inner| async move {
        inner.persist_consumer_offsets().await;
    })
}
