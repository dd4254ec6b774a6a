//! The `fulmen-store-clean` thread: runs a retention pass (`retention.rs`) every `cleanResourceInterval`, the
//! first one `clean_initial_delay` after the store opens (Java's `DefaultMessageStore#addScheduleTask`, which
//! schedules `CleanCommitLogService` and `CleanConsumeQueueService` 60 s after start, every 10 s). Stopping
//! wakes the thread at once.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::{Result, StoreError};

/// What the clean thread runs.
pub(crate) trait CleanTarget: Send + Sync + 'static {
    /// One retention pass; errors are the target's to log.
    fn clean_pass(&self);
}

/// The running clean thread.
#[derive(Debug)]
pub(crate) struct CleanService {
    stop: Arc<(Mutex<bool>, Condvar)>,
    handle: Option<JoinHandle<()>>,
}

impl CleanService {
    /// Starts the thread.
    pub(crate) fn start<T: CleanTarget>(
        target: Arc<T>,
        initial_delay: Duration,
        interval: Duration,
    ) -> Result<Self> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let thread_stop = stop.clone();
        let handle = std::thread::Builder::new()
            .name("fulmen-store-clean".into())
            .spawn(move || {
                let mut next = Instant::now() + initial_delay;
                while wait_until(&thread_stop, next) {
                    target.clean_pass();
                    next = Instant::now() + interval;
                }
            })
            .map_err(|error| StoreError::io("start the clean thread", "", error))?;
        Ok(CleanService {
            stop,
            handle: Some(handle),
        })
    }

    /// Stops the thread, waiting for a pass in progress to finish.
    pub(crate) fn stop(&mut self) {
        let (stopped, wake) = &*self.stop;
        *stopped.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = true;
        wake.notify_all();
        if let Some(handle) = self.handle.take()
            && handle.join().is_err()
        {
            tracing::error!("the clean thread panicked");
        }
    }
}

impl Drop for CleanService {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sleeps until `deadline`; `false` if stopped first.
fn wait_until(stop: &(Mutex<bool>, Condvar), deadline: Instant) -> bool {
    let (stopped, wake) = stop;
    let mut guard = stopped.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    loop {
        if *guard {
            return false;
        }
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        guard = wake
            .wait_timeout(guard, deadline - now)
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .0;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[derive(Default)]
    struct Counter(AtomicUsize);

    impl CleanTarget for Counter {
        fn clean_pass(&self) {
            self.0.fetch_add(1, Ordering::AcqRel);
        }
    }

    #[test]
    fn passes_start_after_the_delay_repeat_and_stop_promptly() {
        let counter = Arc::new(Counter::default());
        let mut service = CleanService::start(
            counter.clone(),
            Duration::from_millis(50),
            Duration::from_millis(10),
        )
        .unwrap();
        assert_eq!(
            counter.0.load(Ordering::Acquire),
            0,
            "not before the initial delay"
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while counter.0.load(Ordering::Acquire) < 3 {
            assert!(Instant::now() < deadline, "no repeated passes");
            std::thread::sleep(Duration::from_millis(5));
        }
        let slow = Arc::new(Counter::default());
        let mut idle =
            CleanService::start(slow.clone(), Duration::from_secs(3600), Duration::from_secs(3600)).unwrap();
        let started = Instant::now();
        idle.stop();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "stop wakes the thread"
        );
        assert_eq!(slow.0.load(Ordering::Acquire), 0);
        service.stop();
    }
}
