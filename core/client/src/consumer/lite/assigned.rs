//! The queues a lite pull consumer currently pulls (Java's `AssignedMessageQueue`): per queue its process queue, the
//! paused flag, the next pull offset, the consume offset (what `poll` has handed out), a pending seek offset, and
//! the pull task that owns it.
//!
//! Every pull task carries a *generation*; a seek, a re-assignment or a cancellation gives the queue a new one, and
//! a task whose generation is no longer the queue's discards what it pulled. That is Fulmen's form of Java's
//! "cancel + interrupt the old task, ignore results while a seek is pending" guard: no message pulled before a seek
//! is cached after it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use fulmen_protocol::body::MessageQueue;
use tokio_util::sync::CancellationToken;

use crate::consumer::process_queue::ProcessQueue;

/// Source of generations, unique for the whole process so a removed and re-added queue never reuses one.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

fn next_generation() -> u64 {
    NEXT_GENERATION.fetch_add(1, Ordering::Relaxed)
}

/// The pull task a queue should run: its generation and the token that stops it.
#[derive(Debug, Clone)]
pub(crate) struct TaskTicket {
    pub(crate) generation: u64,
    pub(crate) stop: CancellationToken,
}

/// Where the next pull of a queue starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NextOffset {
    /// A seek offset, now consumed (the consume offset was set to it).
    Seek(i64),
    /// Where the last pull ended.
    Pull(i64),
    /// Nothing known yet: compute it from the offset store and `consume_from_where`.
    Unknown,
}

#[derive(Debug)]
struct QueueState {
    pq: Arc<ProcessQueue>,
    paused: bool,
    pull_offset: i64,
    consume_offset: i64,
    seek_offset: i64,
    /// The generation of the task allowed to cache messages, with its stop token; `None` when no task runs.
    task: Option<TaskTicket>,
}

impl QueueState {
    fn new(pq: Arc<ProcessQueue>, pull_offset: i64) -> Self {
        QueueState {
            pq,
            paused: false,
            pull_offset,
            consume_offset: -1,
            seek_offset: -1,
            task: None,
        }
    }

    fn stop_task(&mut self) {
        if let Some(task) = self.task.take() {
            task.stop.cancel();
        }
    }
}

/// The assigned queues of one consumer. Cheap operations under one short-held lock.
#[derive(Debug, Default)]
pub(crate) struct AssignedQueues {
    states: Mutex<HashMap<MessageQueue, QueueState>>,
}

/// The table locked, for steps that must happen atomically with a queue's state (caching a pull result, seeking).
pub(crate) struct Locked<'a> {
    states: MutexGuard<'a, HashMap<MessageQueue, QueueState>>,
}

impl Locked<'_> {
    /// Whether the task of `generation` still owns `queue` and no seek is pending: only then may it cache
    /// messages and move the pull offset.
    pub(crate) fn accepts(&self, queue: &MessageQueue, generation: u64) -> bool {
        self.states.get(queue).is_some_and(|state| {
            state.seek_offset == -1
                && state
                    .task
                    .as_ref()
                    .is_some_and(|task| task.generation == generation)
        })
    }

    /// Sets the next pull offset of `queue`.
    pub(crate) fn set_pull_offset(&mut self, queue: &MessageQueue, offset: i64) {
        if let Some(state) = self.states.get_mut(queue) {
            state.pull_offset = offset;
        }
    }

    /// Records a seek of `queue` to `offset` and replaces its pull task; returns the new task's ticket, or `None`
    /// when the queue is not assigned.
    pub(crate) fn seek(&mut self, queue: &MessageQueue, offset: i64) -> Option<TaskTicket> {
        let state = self.states.get_mut(queue)?;
        state.stop_task();
        state.pq.clear();
        state.seek_offset = offset;
        let ticket = TaskTicket {
            generation: next_generation(),
            stop: CancellationToken::new(),
        };
        state.task = Some(ticket.clone());
        Some(ticket)
    }
}

impl AssignedQueues {
    fn states(&self) -> MutexGuard<'_, HashMap<MessageQueue, QueueState>> {
        self.states
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The table locked; see [`Locked`].
    pub(crate) fn lock(&self) -> Locked<'_> {
        Locked {
            states: self.states(),
        }
    }

    /// Replaces the whole set with `queues` (assign): removed queues are dropped and their tasks stopped; new ones
    /// get a fresh process queue. Returns the queues that were added.
    pub(crate) fn replace_all(&self, queues: &[MessageQueue]) -> Vec<MessageQueue> {
        self.replace_where(
            |_| true,
            queues.iter().map(|queue| (queue.clone(), None, -1)).collect(),
        )
    }

    /// Replaces the queues of `topic` with `queues` (a rebalance result): each given with the rebalance's process
    /// queue, when it has one, and its start offset (−1: compute it). Returns the queues that were added.
    pub(crate) fn replace_topic(
        &self,
        topic: &str,
        queues: Vec<(MessageQueue, Option<Arc<ProcessQueue>>, i64)>,
    ) -> Vec<MessageQueue> {
        self.replace_where(|queue| queue.topic == topic, queues)
    }

    fn replace_where(
        &self,
        in_scope: impl Fn(&MessageQueue) -> bool,
        queues: Vec<(MessageQueue, Option<Arc<ProcessQueue>>, i64)>,
    ) -> Vec<MessageQueue> {
        let mut states = self.states();
        states.retain(|queue, state| {
            let keep = !in_scope(queue) || queues.iter().any(|(wanted, _, _)| wanted == queue);
            if !keep {
                state.pq.set_dropped(true);
                state.stop_task();
            }
            keep
        });
        let mut added = Vec::new();
        for (queue, pq, offset) in queues {
            if states.contains_key(&queue) {
                continue;
            }
            let pq = pq.unwrap_or_else(|| Arc::new(ProcessQueue::new()));
            states.insert(queue.clone(), QueueState::new(pq, offset));
            added.push(queue);
        }
        added
    }

    /// Forgets the queues of `topic` (unsubscribe) and stops their tasks; messages already pulled stay pollable.
    pub(crate) fn remove_topic(&self, topic: &str) {
        self.states().retain(|queue, state| {
            let keep = queue.topic != topic;
            if !keep {
                state.stop_task();
            }
            keep
        });
    }

    /// Stops every task and drops every queue (shutdown).
    pub(crate) fn clear(&self) {
        for (_, mut state) in self.states().drain() {
            state.stop_task();
            state.pq.set_dropped(true);
        }
    }

    /// A ticket for a new pull task of `queue`, unless one runs already or the queue is not assigned.
    pub(crate) fn start_task(&self, queue: &MessageQueue) -> Option<TaskTicket> {
        let mut states = self.states();
        let state = states.get_mut(queue)?;
        if state.task.is_some() {
            return None;
        }
        let ticket = TaskTicket {
            generation: next_generation(),
            stop: CancellationToken::new(),
        };
        state.task = Some(ticket.clone());
        Some(ticket)
    }

    /// Forgets the task of `generation` when it ends by itself, so a later [`Self::start_task`] can start another.
    pub(crate) fn task_ended(&self, queue: &MessageQueue, generation: u64) {
        if let Some(state) = self.states().get_mut(queue) {
            if state
                .task
                .as_ref()
                .is_some_and(|task| task.generation == generation)
            {
                state.task = None;
            }
        }
    }

    /// The assigned queues, sorted.
    pub(crate) fn queues(&self) -> Vec<MessageQueue> {
        let mut queues: Vec<MessageQueue> = self.states().keys().cloned().collect();
        queues.sort();
        queues
    }

    /// Whether `queue` is assigned.
    pub(crate) fn contains(&self, queue: &MessageQueue) -> bool {
        self.states().contains_key(queue)
    }

    /// The process queue of `queue`, if assigned.
    pub(crate) fn process_queue(&self, queue: &MessageQueue) -> Option<Arc<ProcessQueue>> {
        self.states().get(queue).map(|state| state.pq.clone())
    }

    /// Whether `queue` is paused; a queue no longer assigned counts as paused (as in Java).
    pub(crate) fn is_paused(&self, queue: &MessageQueue) -> bool {
        self.states().get(queue).is_none_or(|state| state.paused)
    }

    /// Pauses or resumes the assigned ones of `queues`.
    pub(crate) fn set_paused(&self, queues: &[MessageQueue], paused: bool) {
        let mut states = self.states();
        for queue in queues {
            if let Some(state) = states.get_mut(queue) {
                state.paused = paused;
            }
        }
    }

    /// Where the next pull of `queue` by the task of `generation` starts; a pending seek is consumed: it becomes
    /// the consume offset. `None` when that task no longer owns the queue (a replaced task must not consume the
    /// seek meant for its successor).
    pub(crate) fn next_pull_offset(&self, queue: &MessageQueue, generation: u64) -> Option<NextOffset> {
        let mut states = self.states();
        let state = states.get_mut(queue)?;
        if state
            .task
            .as_ref()
            .is_none_or(|task| task.generation != generation)
        {
            return None;
        }
        if state.seek_offset != -1 {
            let offset = state.seek_offset;
            state.consume_offset = offset;
            state.seek_offset = -1;
            return Some(NextOffset::Seek(offset));
        }
        Some(match state.pull_offset {
            -1 => NextOffset::Unknown,
            offset => NextOffset::Pull(offset),
        })
    }

    /// The consume offset of `queue` (−1 when nothing was polled yet) and its process queue.
    pub(crate) fn consume_offset(&self, queue: &MessageQueue) -> Option<(i64, Arc<ProcessQueue>)> {
        self.states()
            .get(queue)
            .map(|state| (state.consume_offset, state.pq.clone()))
    }

    /// Records what `poll` handed out from the task of `generation`; ignored when a seek has replaced that task.
    pub(crate) fn set_consume_offset(&self, queue: &MessageQueue, offset: i64, generation: u64) {
        if let Some(state) = self.states().get_mut(queue) {
            if state
                .task
                .as_ref()
                .is_some_and(|task| task.generation == generation)
            {
                state.consume_offset = offset;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(id: i32) -> MessageQueue {
        MessageQueue::new("T", "b", id)
    }

    #[test]
    fn seek_replaces_the_task_and_is_consumed_once() {
        let table = AssignedQueues::default();
        assert_eq!(table.replace_all(&[queue(0), queue(1)]), vec![queue(0), queue(1)]);
        let first = table.start_task(&queue(0)).unwrap();
        assert!(table.start_task(&queue(0)).is_none());
        assert_eq!(
            table.next_pull_offset(&queue(0), first.generation),
            Some(NextOffset::Unknown)
        );
        table.lock().set_pull_offset(&queue(0), 40);
        assert!(table.lock().accepts(&queue(0), first.generation));

        let second = table.lock().seek(&queue(0), 7).unwrap();
        assert!(first.stop.is_cancelled());
        assert!(!table.lock().accepts(&queue(0), first.generation));
        assert!(
            !table.lock().accepts(&queue(0), second.generation),
            "a seek is pending"
        );
        assert_eq!(
            table.next_pull_offset(&queue(0), first.generation),
            None,
            "the old task gets nothing"
        );
        assert_eq!(
            table.next_pull_offset(&queue(0), second.generation),
            Some(NextOffset::Seek(7))
        );
        assert_eq!(table.consume_offset(&queue(0)).unwrap().0, 7);
        assert!(table.lock().accepts(&queue(0), second.generation));
        table.set_consume_offset(&queue(0), 99, first.generation);
        assert_eq!(
            table.consume_offset(&queue(0)).unwrap().0,
            7,
            "stale poll result ignored"
        );
        assert_eq!(
            table.next_pull_offset(&queue(0), second.generation),
            Some(NextOffset::Pull(40))
        );
    }

    #[test]
    fn replacing_drops_removed_queues_and_pause_flags_assigned_ones() {
        let table = AssignedQueues::default();
        table.replace_all(&[queue(0), queue(1)]);
        let pq0 = table.process_queue(&queue(0)).unwrap();
        let ticket = table.start_task(&queue(0)).unwrap();
        assert_eq!(table.replace_all(&[queue(1), queue(2)]), vec![queue(2)]);
        assert!(pq0.is_dropped());
        assert!(ticket.stop.is_cancelled());
        assert!(table.is_paused(&queue(0)), "unassigned counts as paused");
        table.set_paused(&[queue(1), queue(5)], true);
        assert!(table.is_paused(&queue(1)));
        table.set_paused(&[queue(1)], false);
        assert!(!table.is_paused(&queue(1)));
        let other = MessageQueue::new("U", "b", 0);
        table.replace_topic("U", vec![(other.clone(), None, 12)]);
        let ticket = table.start_task(&other).unwrap();
        assert_eq!(
            table.next_pull_offset(&other, ticket.generation),
            Some(NextOffset::Pull(12))
        );
        table.replace_topic("T", Vec::new());
        assert_eq!(table.queues(), vec![other]);
        table.remove_topic("U");
        assert!(table.queues().is_empty());
    }
}
