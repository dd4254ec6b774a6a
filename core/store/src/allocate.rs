//! The allocator thread, `fulmen-store-alloc`: creates the spare files that queues request (`spare_file.rs`),
//! so that creating a file (set its length, rename, map it, and for the commitlog fsync the file and its
//! directory) happens off the put path, which may run on a tokio worker. Apache's `AllocateMappedFileService` plays this part for the
//! commitlog; here consume queues use it too.
//!
//! A request only queues the slot and wakes the thread: no I/O on the caller's side.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use crate::error::{Result, StoreError};
use crate::spare_file::SpareSlot;

#[derive(Default)]
struct State {
    jobs: VecDeque<Arc<SpareSlot>>,
    stopped: bool,
}

/// The queue that requests go to; queues hold it to ask for their spares.
pub(crate) struct AllocationRequests {
    state: Mutex<State>,
    wake: Condvar,
}

impl fmt::Debug for AllocationRequests {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("AllocationRequests")
            .field("pending", &state.jobs.len())
            .field("stopped", &state.stopped)
            .finish()
    }
}

impl AllocationRequests {
    /// Asks the thread to create the file `slot` wants. Ignored once the thread has stopped: the writer then
    /// creates its files itself.
    pub(crate) fn submit(&self, slot: Arc<SpareSlot>) {
        let mut state = self.lock();
        if !state.stopped {
            state.jobs.push_back(slot);
            self.wake.notify_one();
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The allocator thread and its request queue.
pub(crate) struct FileAllocator {
    requests: Arc<AllocationRequests>,
    thread: Option<JoinHandle<()>>,
}

impl fmt::Debug for FileAllocator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileAllocator")
            .field("requests", &self.requests)
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl FileAllocator {
    /// Starts the thread.
    pub(crate) fn start() -> Result<FileAllocator> {
        let requests = Arc::new(AllocationRequests {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
        });
        let thread_requests = requests.clone();
        let thread = std::thread::Builder::new()
            .name("fulmen-store-alloc".into())
            .spawn(move || run(&thread_requests))
            .map_err(|error| StoreError::io("start the file allocator thread", "", error))?;
        Ok(FileAllocator {
            requests,
            thread: Some(thread),
        })
    }

    /// The request queue.
    pub(crate) fn requests(&self) -> Arc<AllocationRequests> {
        self.requests.clone()
    }

    /// Stops the thread and waits for it (it finishes the file it is creating, if any). Pending requests are
    /// dropped.
    pub(crate) fn stop(&mut self) {
        {
            let mut state = self.requests.lock();
            state.stopped = true;
            state.jobs.clear();
            self.requests.wake.notify_one();
        }
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the store's file allocator thread panicked");
        }
    }
}

impl Drop for FileAllocator {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(requests: &AllocationRequests) {
    loop {
        let job = {
            let mut state = requests.lock();
            loop {
                if state.stopped {
                    return;
                }
                if let Some(job) = state.jobs.pop_front() {
                    break job;
                }
                state = requests
                    .wake
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
        };
        job.create_wanted();
    }
}
