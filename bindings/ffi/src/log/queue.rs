//! The bounded record queue between the tracing layer (any thread, never waits) and the host's drain thread.
//!
//! One queue per process: like the runtime, it is kept with the process id that built it, and a forked child (whose
//! copy may hold a lock taken by a parent thread that does not exist there) gets a fresh one and leaks the old.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;

use super::LogRecord;

/// How many records wait for the host at most; more are dropped (and counted).
pub const CAPACITY: usize = 8192;

/// A bounded multi-producer queue of records with a blocking, timed drain.
#[derive(Debug)]
pub(crate) struct Queue {
    pid: u32,
    records: Mutex<VecDeque<LogRecord>>,
    ready: Condvar,
    capacity: usize,
    dropped: AtomicU64,
    no_wait: AtomicBool,
    wakes: AtomicU64,
}

impl Queue {
    pub(crate) fn new(capacity: usize) -> Self {
        Queue {
            pid: std::process::id(),
            records: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
            capacity,
            dropped: AtomicU64::new(0),
            no_wait: AtomicBool::new(false),
            wakes: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<LogRecord>> {
        // A panic while holding the lock cannot leave the deque inconsistent: keep using it.
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues `record`, or drops and counts it when the queue is full. Never waits for a consumer.
    pub(crate) fn push(&self, record: LogRecord) -> bool {
        let mut records = self.lock();
        if records.len() >= self.capacity {
            drop(records);
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        records.push_back(record);
        drop(records);
        self.ready.notify_one();
        true
    }

    /// Up to `max` records, waiting at most `timeout` for the first one (not at all after [`Queue::stop_waiting`],
    /// and no longer once [`Queue::wake`] is called).
    pub(crate) fn drain(&self, max: usize, timeout: Duration) -> Vec<LogRecord> {
        let deadline = Instant::now() + timeout;
        let mut records = self.lock();
        let wakes = self.wakes.load(Ordering::Acquire);
        while records.is_empty()
            && !self.no_wait.load(Ordering::Acquire)
            && self.wakes.load(Ordering::Acquire) == wakes
        {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            records = self
                .ready
                .wait_timeout(records, left)
                .map(|(guard, _)| guard)
                .unwrap_or_else(|poisoned| poisoned.into_inner().0);
        }
        let take = records.len().min(max);
        records.drain(..take).collect()
    }

    /// The number of records dropped since the last call.
    pub(crate) fn take_dropped(&self) -> u64 {
        self.dropped.swap(0, Ordering::Relaxed)
    }

    /// Makes waiting drains return now, and later ones return without waiting.
    pub(crate) fn stop_waiting(&self) {
        self.no_wait.store(true, Ordering::Release);
        self.notify_all();
    }

    /// Makes the drains waiting now return (later ones wait as usual).
    pub(crate) fn wake(&self) {
        self.wakes.fetch_add(1, Ordering::AcqRel);
        self.notify_all();
    }

    fn notify_all(&self) {
        // Taking the lock orders the flag change before a drain's check-then-wait.
        drop(self.lock());
        self.ready.notify_all();
    }
}

static GLOBAL: ArcSwapOption<Queue> = ArcSwapOption::const_empty();

/// This process's queue, created on first use (again in a forked child).
pub(crate) fn global() -> Arc<Queue> {
    let pid = std::process::id();
    loop {
        let seen = GLOBAL.load_full();
        if let Some(queue) = seen.as_ref().filter(|queue| queue.pid == pid) {
            return queue.clone();
        }
        let fresh = Arc::new(Queue::new(CAPACITY));
        let previous = GLOBAL.compare_and_swap(&seen, Some(fresh.clone()));
        let installed = match (previous.as_ref(), &seen) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        if installed {
            if let Some(parent) = seen {
                // Its lock may be held by a parent thread that does not exist here: never touch or drop it.
                std::mem::forget(parent);
            }
            return fresh;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    fn record(message: &str) -> LogRecord {
        LogRecord {
            level: Level::INFO,
            target: "t".into(),
            message: message.into(),
            fields: Vec::new(),
            timestamp_ms: 0,
            thread: "main".into(),
        }
    }

    #[test]
    fn a_full_queue_drops_and_counts_without_blocking() {
        let queue = Queue::new(3);
        let started = Instant::now();
        let accepted = (0..10).filter(|i| queue.push(record(&i.to_string()))).count();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(accepted, 3);
        assert_eq!(queue.take_dropped(), 7);
        assert_eq!(queue.take_dropped(), 0);
        let drained = queue.drain(2, Duration::ZERO);
        assert_eq!(
            drained.iter().map(|r| r.message.as_str()).collect::<Vec<_>>(),
            ["0", "1"]
        );
        assert_eq!(queue.drain(10, Duration::ZERO).len(), 1);
        assert!(queue.push(record("again")));
    }

    #[test]
    fn drain_waits_for_a_record_or_the_timeout() {
        let queue = Arc::new(Queue::new(8));
        let started = Instant::now();
        assert!(queue.drain(8, Duration::from_millis(50)).is_empty());
        assert!(started.elapsed() >= Duration::from_millis(50));

        let pusher = {
            let queue = queue.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                queue.push(record("late"));
            })
        };
        let drained = queue.drain(8, Duration::from_secs(10));
        assert_eq!(drained.len(), 1);
        assert!(pusher.join().is_ok());

        let waiter = {
            let queue = queue.clone();
            std::thread::spawn(move || queue.drain(8, Duration::from_secs(30)).len())
        };
        // Wake until the waiter returns: a wake before it waits is not kept, by design.
        while !waiter.is_finished() {
            queue.wake();
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(waiter.join().ok(), Some(0));

        queue.stop_waiting();
        let started = Instant::now();
        assert!(queue.drain(8, Duration::from_secs(10)).is_empty());
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn one_global_queue_per_process() {
        assert!(Arc::ptr_eq(&global(), &global()));
    }
}
