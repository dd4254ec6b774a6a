//! What the benchmarks print: a progress line per report interval, in the spirit of Apache's benchmark tool
//! (`Send TPS | Max RT(ms) | Average RT(ms) | Send Failed`) with a p99 added, and a final summary with the
//! throughput and the latency percentiles of the whole measurement.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Duration;

use super::control::{EndReason, Timeline};
use super::histogram::{LatencyHistogram, LatencySummary};
use super::stats::{Counters, Stats};

/// Which benchmark is reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Send latency (request to answer).
    Producer,
    /// Born-to-consumer latency (series 0) and store-to-consumer latency (series 1).
    Consumer,
}

/// Prints one line to stdout, ignoring a closed stdout (a benchmark piped into `head` must not panic).
pub fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Prints the progress lines: keeps the counters of the previous line to report the interval's rates.
#[derive(Debug)]
pub struct Progress {
    kind: Kind,
    last_counters: Counters,
    last_elapsed: Duration,
}

impl Progress {
    /// A reporter for `kind`.
    pub fn new(kind: Kind) -> Self {
        Progress {
            kind,
            last_counters: Counters::default(),
            last_elapsed: Duration::ZERO,
        }
    }

    /// Prints the line of the interval that ends now, `elapsed` after the start.
    pub fn tick(&mut self, stats: &Stats, elapsed: Duration) {
        let counters = stats.counters();
        let delta = counters.since(self.last_counters);
        let seconds = elapsed.saturating_sub(self.last_elapsed).as_secs_f64();
        let latencies = stats.take_interval();
        self.last_counters = counters;
        self.last_elapsed = elapsed;
        say(&progress_line(self.kind, elapsed, delta, seconds, &latencies));
    }
}

/// One progress line.
pub fn progress_line(
    kind: Kind,
    elapsed: Duration,
    delta: Counters,
    seconds: f64,
    latencies: &[LatencyHistogram],
) -> String {
    let tps = rate(delta.succeeded, seconds);
    let first = latencies.first().map(LatencyHistogram::summary);
    let first = first.unwrap_or_else(|| LatencyHistogram::new().summary());
    let mut line = format!("[{:>6.1}s] ", elapsed.as_secs_f64());
    match kind {
        Kind::Producer => {
            let _ = write!(
                line,
                "Send TPS: {tps:.0} | Max RT(ms): {} | Average RT(ms): {} | P99 RT(ms): {} | Send Failed: {}",
                ms(first.max_micros),
                ms_f(first.mean_micros),
                ms(first.p99_micros),
                delta.failed
            );
        }
        Kind::Consumer => {
            let store = latencies.get(1).map(LatencyHistogram::summary);
            let store = store.unwrap_or_else(|| LatencyHistogram::new().summary());
            let _ = write!(
                line,
                "Consume TPS: {tps:.0} | AVG(B2C) RT(ms): {} | P99(B2C) RT(ms): {} | MAX(B2C) RT(ms): {} | \
                 AVG(S2C) RT(ms): {} | MAX(S2C) RT(ms): {} | Pull Failed: {}",
                ms_f(first.mean_micros),
                ms(first.p99_micros),
                ms(first.max_micros),
                ms_f(store.mean_micros),
                ms(store.max_micros),
                delta.failed
            );
        }
    }
    line
}

/// The measured part of a run, ready to print.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Which benchmark.
    pub kind: Kind,
    /// What was counted during the measurement.
    pub measured: Counters,
    /// The length of the measurement.
    pub elapsed: Duration,
    /// One summary per latency series.
    pub latencies: Vec<LatencySummary>,
    /// Failures by error code.
    pub failures: BTreeMap<String, u64>,
    /// Notable non-failure outcomes.
    pub notes: BTreeMap<String, u64>,
    /// Why the run ended.
    pub reason: EndReason,
    /// Tasks aborted or panicked.
    pub lost_tasks: usize,
}

impl Summary {
    /// The summary of a finished run.
    pub fn of(kind: Kind, stats: &Stats, timeline: &Timeline) -> Self {
        let totals = stats.totals();
        Summary {
            kind,
            measured: stats.counters().since(timeline.baseline),
            elapsed: timeline.measured(),
            latencies: totals.latencies.iter().map(LatencyHistogram::summary).collect(),
            failures: totals.failures,
            notes: totals.notes,
            reason: timeline.reason,
            lost_tasks: timeline.lost_tasks,
        }
    }

    /// The lines of the summary.
    pub fn lines(&self) -> Vec<String> {
        let seconds = self.elapsed.as_secs_f64();
        let tps = rate(self.measured.succeeded, seconds);
        let mib = rate(self.measured.bytes, seconds) / (1024.0 * 1024.0);
        let ended = match self.reason {
            EndReason::Duration => "duration reached",
            EndReason::Signal => "stopped by signal",
            EndReason::Finished => "message count reached",
        };
        let mut lines = Vec::new();
        match self.kind {
            Kind::Producer => {
                lines.push(format!(
                    "[Complete] Send Total: {} | Send OK: {} | Send Failed: {} | Send TPS: {tps:.1} | \
                     Throughput: {mib:.2} MiB/s | Time: {seconds:.3} s ({ended})",
                    self.measured.succeeded + self.measured.failed,
                    self.measured.succeeded,
                    self.measured.failed,
                ));
                if let Some(send) = self.latencies.first() {
                    lines.push(latency_line("Send RT(ms)", send));
                }
            }
            Kind::Consumer => {
                lines.push(format!(
                    "[Complete] Receive Total: {} | Pull Failed: {} | Consume TPS: {tps:.1} | \
                     Throughput: {mib:.2} MiB/s | Time: {seconds:.3} s ({ended})",
                    self.measured.succeeded, self.measured.failed,
                ));
                if let Some(born) = self.latencies.first() {
                    lines.push(latency_line("B2C RT(ms), born to consumed", born));
                }
                if let Some(stored) = self.latencies.get(1) {
                    lines.push(latency_line("S2C RT(ms), stored to consumed", stored));
                }
            }
        }
        if !self.failures.is_empty() {
            lines.push(format!("Failures by code: {}", counts(&self.failures)));
        }
        if !self.notes.is_empty() {
            lines.push(format!("Also seen: {}", counts(&self.notes)));
        }
        if self.lost_tasks > 0 {
            lines.push(format!(
                "Warning: {} task(s) aborted or panicked; their last operations are not counted",
                self.lost_tasks
            ));
        }
        lines
    }
}

/// `label: avg x | p50 x | p90 x | p99 x | p99.9 x | max x`.
pub fn latency_line(label: &str, summary: &LatencySummary) -> String {
    format!(
        "{label}: avg {} | p50 {} | p90 {} | p99 {} | p99.9 {} | max {} ({} samples)",
        ms_f(summary.mean_micros),
        ms(summary.p50_micros),
        ms(summary.p90_micros),
        ms(summary.p99_micros),
        ms(summary.p999_micros),
        ms(summary.max_micros),
        summary.count
    )
}

fn counts(map: &BTreeMap<String, u64>) -> String {
    map.iter()
        .map(|(name, count)| format!("{name} {count}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `count` per second over `seconds`; 0 for an empty interval.
pub fn rate(count: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}

/// Microseconds as milliseconds with three decimals.
pub fn ms(micros: u64) -> String {
    ms_f(micros as f64)
}

fn ms_f(micros: f64) -> String {
    format!("{:.3}", micros / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_lines_report_interval_rates() {
        let mut send = LatencyHistogram::new();
        send.record_micros(1_500);
        send.record_micros(2_500);
        let delta = Counters {
            succeeded: 2_000,
            failed: 1,
            bytes: 0,
        };
        let line = progress_line(Kind::Producer, Duration::from_secs(3), delta, 2.0, &[send]);
        assert_eq!(
            line,
            "[   3.0s] Send TPS: 1000 | Max RT(ms): 2.500 | Average RT(ms): 2.000 | P99 RT(ms): 2.500 | Send Failed: 1"
        );
        let line = progress_line(
            Kind::Consumer,
            Duration::from_secs(1),
            Counters::default(),
            1.0,
            &[],
        );
        assert!(
            line.starts_with("[   1.0s] Consume TPS: 0 | AVG(B2C) RT(ms): 0.000"),
            "{line}"
        );
    }

    #[test]
    fn summary_lines() {
        let mut send = LatencyHistogram::new();
        for micros in [1_000, 2_000, 3_000, 4_000] {
            send.record_micros(micros);
        }
        let summary = Summary {
            kind: Kind::Producer,
            measured: Counters {
                succeeded: 4_000,
                failed: 2,
                bytes: 4 << 20,
            },
            elapsed: Duration::from_secs(2),
            latencies: vec![send.summary()],
            failures: BTreeMap::from([("TIMEOUT".to_owned(), 2)]),
            notes: BTreeMap::new(),
            reason: EndReason::Duration,
            lost_tasks: 0,
        };
        let lines = summary.lines();
        assert_eq!(
            lines[0],
            "[Complete] Send Total: 4002 | Send OK: 4000 | Send Failed: 2 | Send TPS: 2000.0 | \
             Throughput: 2.00 MiB/s | Time: 2.000 s (duration reached)"
        );
        assert_eq!(
            lines[1],
            "Send RT(ms): avg 2.500 | p50 2.000 | p90 4.000 | p99 4.000 | p99.9 4.000 | max 4.000 (4 samples)"
        );
        assert_eq!(lines[2], "Failures by code: TIMEOUT 2");
        assert_eq!(rate(5, 0.0), 0.0);
    }
}
