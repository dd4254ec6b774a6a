//! The flush thread: the only place the store calls fsync while running, so no caller (and no tokio worker)
//! ever blocks on the disk.
//!
//! * Async flush: every interval, flush the commitlog.
//! * Sync flush: a put registers its end offset and awaits a completion; the thread takes every pending request
//!   at once, fsyncs once, and completes them all (group commit: puts that arrive during an fsync share the
//!   next one).
//! * In both modes, every consume-queue interval: flush the consume queues and write the checkpoint.
//!
//! A completion is a `futures_channel::oneshot`, which works on any executor (or none).

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use futures_channel::oneshot;

use crate::config::FlushMode;
use crate::error::{Result, StoreError};

/// What the flush thread flushes.
pub(crate) trait FlushTarget: Send + Sync + 'static {
    /// Flushes the commitlog; returns the flushed offset.
    fn flush_commit_log(&self) -> Result<u64>;
    /// Flushes the consume queues and then writes the checkpoint.
    fn flush_consume_queues_and_checkpoint(&self) -> Result<()>;
}

/// How the thread should stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Flush everything once more (clean shutdown).
    Graceful,
    /// Stop at once (the store is dropped without shutdown).
    Abandon,
}

struct Waiter {
    target: u64,
    done: oneshot::Sender<bool>,
}

#[derive(Default)]
struct State {
    waiters: Vec<Waiter>,
    stop: Option<Stop>,
}

/// The part of the flush service that puts talk to.
pub(crate) struct FlushRequests {
    state: Mutex<State>,
    wake: Condvar,
}

impl fmt::Debug for FlushRequests {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlushRequests")
            .field("pending", &self.lock().waiters.len())
            .finish()
    }
}

impl FlushRequests {
    /// Asks for everything below `target` to be made durable. The receiver yields `true` once it is, `false`
    /// if the flush failed, and is cancelled if the store stops first.
    pub(crate) fn request(&self, target: u64) -> oneshot::Receiver<bool> {
        let (done, receiver) = oneshot::channel();
        let mut state = self.lock();
        if state.stop.is_none() {
            state.waiters.push(Waiter { target, done });
            self.wake.notify_one();
        }
        receiver
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The flush thread and its request queue.
pub(crate) struct FlushService {
    requests: Arc<FlushRequests>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for FlushService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlushService")
            .field("requests", &self.requests)
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl FlushService {
    /// Starts the thread.
    pub(crate) fn start(
        target: Arc<dyn FlushTarget>,
        mode: FlushMode,
        consume_queue_interval: Duration,
    ) -> Result<FlushService> {
        let requests = Arc::new(FlushRequests {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
        });
        let thread_requests = requests.clone();
        let thread = std::thread::Builder::new()
            .name("fulmen-store-flush".into())
            .spawn(move || run(&thread_requests, target.as_ref(), mode, consume_queue_interval))
            .map_err(|error| StoreError::io("start the flush thread", "", error))?;
        Ok(FlushService {
            requests,
            thread: Some(thread),
        })
    }

    /// The request queue.
    pub(crate) fn requests(&self) -> Arc<FlushRequests> {
        self.requests.clone()
    }

    /// Stops the thread and waits for it; a graceful stop flushes everything once more first.
    pub(crate) fn stop(&mut self, graceful: bool) {
        {
            let mut state = self.requests.lock();
            if state.stop.is_none() {
                state.stop = Some(if graceful { Stop::Graceful } else { Stop::Abandon });
            }
            self.requests.wake.notify_one();
        }
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the store's flush thread panicked");
        }
    }
}

impl Drop for FlushService {
    fn drop(&mut self) {
        self.stop(false);
    }
}

fn run(
    requests: &FlushRequests,
    target: &dyn FlushTarget,
    mode: FlushMode,
    consume_queue_interval: Duration,
) {
    let period = match mode {
        FlushMode::Async { interval } => interval.min(consume_queue_interval),
        FlushMode::Sync => consume_queue_interval,
    };
    let mut last_pass = Instant::now();
    let mut last_logical_flush = Instant::now();
    loop {
        let (waiters, stop) = {
            let mut state = requests.lock();
            loop {
                let elapsed = last_pass.elapsed();
                if state.stop.is_some() || !state.waiters.is_empty() || elapsed >= period {
                    break;
                }
                state = requests
                    .wake
                    .wait_timeout(state, period - elapsed)
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .0;
            }
            (std::mem::take(&mut state.waiters), state.stop)
        };
        if stop == Some(Stop::Abandon) {
            // Dropping the senders cancels the waiting puts.
            return;
        }
        last_pass = Instant::now();
        let flushed = match target.flush_commit_log() {
            Ok(flushed) => Some(flushed),
            Err(error) => {
                tracing::error!(%error, "flushing the commitlog failed");
                None
            }
        };
        for waiter in waiters {
            let durable = flushed.is_some_and(|flushed| flushed >= waiter.target);
            // The put may have given up waiting; nothing to do then.
            let _ = waiter.done.send(durable);
        }
        if stop.is_some() || last_logical_flush.elapsed() >= consume_queue_interval {
            last_logical_flush = Instant::now();
            if let Err(error) = target.flush_consume_queues_and_checkpoint() {
                tracing::error!(%error, "flushing the consume queues or the checkpoint failed");
            }
        }
        if stop.is_some() {
            return;
        }
    }
}
