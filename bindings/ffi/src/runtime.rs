//! The process-wide tokio runtime of the Python and Kotlin bindings, built on first use and rebuilt after `fork()`.
//!
//! A forked child inherits the parent's memory but none of its threads, so the parent's runtime is a shell whose
//! workers will never run anything: spawning onto it hangs, and dropping it waits forever for those workers. So the
//! runtime is kept with the process id that built it; a caller in another process leaks the old one (it must never
//! be dropped) and builds a fresh one, with a new [generation](generation). Reads are lock-free (`ArcSwap`), so a
//! fork can never leave a lock held by a parent thread behind.

use std::sync::Arc;

use arc_swap::ArcSwapOption;
use tokio::runtime::{Builder, Handle, Runtime};

/// Environment variable that sets the number of worker threads (default: the number of cores, at most 8).
pub const WORKER_THREADS_ENV: &str = "FULMEN_WORKER_THREADS";

/// The runtime of one process, in the order it was built.
struct Current {
    pid: u32,
    generation: u64,
    handle: Handle,
    /// Kept alive for the life of the process; never dropped (see the module comment).
    _runtime: Arc<Runtime>,
}

static CURRENT: ArcSwapOption<Current> = ArcSwapOption::const_empty();

/// The handle of this process's runtime, building it (or rebuilding it after a fork) first if needed.
///
/// Panics only if the operating system refuses to start threads, which the bindings treat as fatal.
pub fn handle() -> Handle {
    current().handle.clone()
}

/// Which runtime this process is on: 1 for the first, one more after each `fork()` that used Fulmen again. Handles
/// created under an older generation belong to a parent process (see [`ForkBound`](crate::ForkBound)).
pub fn generation() -> u64 {
    current().generation
}

/// Runs `future` to completion on the runtime, blocking the calling thread; for host threads only, never inside
/// the runtime itself.
pub fn block_on<F: Future>(future: F) -> F::Output {
    handle().block_on(future)
}

fn current() -> Arc<Current> {
    let pid = std::process::id();
    loop {
        let seen = CURRENT.load_full();
        if let Some(current) = seen.as_ref().filter(|current| current.pid == pid) {
            return current.clone();
        }
        let generation = seen.as_ref().map_or(1, |parent| parent.generation + 1);
        let fresh = Arc::new(build(pid, generation));
        let previous = CURRENT.compare_and_swap(&seen, Some(fresh.clone()));
        if same(&previous, &seen) {
            if let Some(parent) = seen {
                // The parent's runtime has no threads in this process: leak it rather than wait on them.
                std::mem::forget(parent);
            }
            return fresh;
        }
        // Another thread installed a runtime first: ours never ran a task, so it can go without waiting.
        if let Some(unused) = Arc::into_inner(fresh) {
            if let Some(runtime) = Arc::into_inner(unused._runtime) {
                runtime.shutdown_background();
            }
        }
    }
}

fn same(a: &impl std::ops::Deref<Target = Option<Arc<Current>>>, b: &Option<Arc<Current>>) -> bool {
    match (a.as_ref(), b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

fn build(pid: u32, generation: u64) -> Current {
    let runtime = Builder::new_multi_thread()
        .enable_all()
        .worker_threads(worker_threads())
        .thread_name("fulmen-rt")
        .build()
        .unwrap_or_else(|error| panic!("cannot start Fulmen's tokio runtime: {error}"));
    Current {
        pid,
        generation,
        handle: runtime.handle().clone(),
        _runtime: Arc::new(runtime),
    }
}

fn worker_threads() -> usize {
    std::env::var(WORKER_THREADS_ENV)
        .ok()
        .and_then(|value| value.trim().parse::<usize>().ok())
        .filter(|&threads| threads > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from).min(8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_runtime_per_process() {
        let first = generation();
        assert_eq!(first, generation());
        let answer = block_on(async { tokio::task::spawn(async { 41 + 1 }).await });
        assert_eq!(answer.ok(), Some(42));
        let threads: Vec<_> = (0..8).map(|_| std::thread::spawn(generation)).collect();
        for thread in threads {
            assert_eq!(thread.join().ok(), Some(first));
        }
    }
}
