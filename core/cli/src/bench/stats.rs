//! The counters and latency histograms the benchmark tasks update and the reporter reads.
//!
//! Every task records into one shared [`Stats`]: counters are atomics (read without the lock by the reporter,
//! updated under it), histograms sit behind one short-held mutex (a lock per send, or per pulled batch, is far
//! below the cost of the network round trip it measures).
//! Each latency series keeps two histograms: one for the current report interval, swapped out by each periodic
//! report, and one for the whole measurement, which [`Stats::begin_measurement`] clears when a warm-up ends.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::histogram::LatencyHistogram;

/// Counters and latencies shared by the benchmark tasks.
#[derive(Debug)]
pub struct Stats {
    succeeded: AtomicU64,
    failed: AtomicU64,
    bytes: AtomicU64,
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Per latency series: (this interval, whole measurement).
    series: Vec<(LatencyHistogram, LatencyHistogram)>,
    /// Failures of the measurement by error code.
    failures: BTreeMap<String, u64>,
    /// Notable outcomes of the measurement that are not failures (e.g. FLUSH_DISK_TIMEOUT), by name.
    notes: BTreeMap<String, u64>,
}

/// The counters at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Messages sent or received successfully.
    pub succeeded: u64,
    /// Failed operations.
    pub failed: u64,
    /// Body bytes of the successful messages.
    pub bytes: u64,
}

impl Counters {
    /// The increase from `earlier` to `self`.
    pub fn since(self, earlier: Counters) -> Counters {
        Counters {
            succeeded: self.succeeded.saturating_sub(earlier.succeeded),
            failed: self.failed.saturating_sub(earlier.failed),
            bytes: self.bytes.saturating_sub(earlier.bytes),
        }
    }
}

/// Everything recorded over the measurement, for the final summary.
#[derive(Debug, Clone)]
pub struct Totals {
    /// One histogram per latency series.
    pub latencies: Vec<LatencyHistogram>,
    /// Failures by error code.
    pub failures: BTreeMap<String, u64>,
    /// Notable non-failure outcomes by name.
    pub notes: BTreeMap<String, u64>,
}

impl Stats {
    /// Stats with `series` latency series (the producer has one, the consumer two).
    pub fn new(series: usize) -> Self {
        Stats {
            succeeded: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            inner: Mutex::new(Inner {
                series: (0..series).map(|_| Default::default()).collect(),
                failures: BTreeMap::new(),
                notes: BTreeMap::new(),
            }),
        }
    }

    /// Records `messages` successes of `bytes` body bytes in all; `latencies[i]` are the samples of series `i`.
    pub fn record(&self, messages: u64, bytes: u64, latencies: &[&[Duration]]) {
        let mut inner = self.lock();
        for ((interval, total), samples) in inner.series.iter_mut().zip(latencies) {
            for sample in *samples {
                interval.record(*sample);
                total.record(*sample);
            }
        }
        // Counted under the lock, so a baseline taken by `begin_measurement` matches the histograms exactly.
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.succeeded.fetch_add(messages, Ordering::Relaxed);
    }

    /// Records a failed operation with the error's code.
    pub fn record_failure(&self, code: &str) {
        let mut inner = self.lock();
        *inner.failures.entry(code.to_owned()).or_default() += 1;
        self.failed.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a notable outcome that is not a failure.
    pub fn note(&self, name: &str) {
        *self.lock().notes.entry(name.to_owned()).or_default() += 1;
    }

    /// The counters now.
    pub fn counters(&self) -> Counters {
        Counters {
            succeeded: self.succeeded.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }

    /// The latencies of the interval since the previous call, one histogram per series; starts a new interval.
    pub fn take_interval(&self) -> Vec<LatencyHistogram> {
        self.lock()
            .series
            .iter_mut()
            .map(|(interval, _)| std::mem::take(interval))
            .collect()
    }

    /// Forgets what the warm-up recorded: the whole-measurement histograms, failures and notes. Returns the
    /// counters at this instant, the baseline of the final summary.
    pub fn begin_measurement(&self) -> Counters {
        let mut inner = self.lock();
        for (_, total) in &mut inner.series {
            total.reset();
        }
        inner.failures.clear();
        inner.notes.clear();
        // Read under the lock, so no recording falls between the reset and the baseline.
        self.counters()
    }

    /// What the measurement recorded.
    pub fn totals(&self) -> Totals {
        let inner = self.lock();
        Totals {
            latencies: inner.series.iter().map(|(_, total)| total.clone()).collect(),
            failures: inner.failures.clone(),
            notes: inner.notes.clone(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_and_totals_are_kept_apart() {
        let stats = Stats::new(2);
        let ms = Duration::from_millis;
        stats.record(2, 200, &[&[ms(1), ms(3)], &[ms(10), ms(30)]]);
        let interval = stats.take_interval();
        assert_eq!(interval.len(), 2);
        assert_eq!(interval[0].count(), 2);
        assert_eq!(interval[1].summary().max_micros, 30_000);
        assert_eq!(stats.take_interval()[0].count(), 0);
        stats.record(1, 100, &[&[ms(5)], &[ms(50)]]);
        stats.record_failure("TIMEOUT");
        stats.record_failure("TIMEOUT");
        stats.note("FLUSH_DISK_TIMEOUT");
        let totals = stats.totals();
        assert_eq!(totals.latencies[0].count(), 3);
        assert_eq!(totals.latencies[1].summary().max_micros, 50_000);
        assert_eq!(totals.failures["TIMEOUT"], 2);
        assert_eq!(totals.notes["FLUSH_DISK_TIMEOUT"], 1);
        assert_eq!(
            stats.counters(),
            Counters {
                succeeded: 3,
                failed: 2,
                bytes: 300
            }
        );
    }

    #[test]
    fn a_warm_up_is_forgotten_but_counted_in_the_baseline() {
        let stats = Stats::new(1);
        stats.record(4, 40, &[&[Duration::from_secs(1); 4]]);
        stats.record_failure("CONNECTION");
        let baseline = stats.begin_measurement();
        assert_eq!(baseline.succeeded, 4);
        stats.record(1, 10, &[&[Duration::from_millis(2)]]);
        let totals = stats.totals();
        assert_eq!(totals.latencies[0].count(), 1);
        assert_eq!(totals.latencies[0].summary().max_micros, 2_000);
        assert!(totals.failures.is_empty());
        let measured = stats.counters().since(baseline);
        assert_eq!((measured.succeeded, measured.failed, measured.bytes), (1, 0, 10));
    }
}
