//! The life of a benchmark run, shared by the producer and the consumer: the worker tasks run until the duration
//! is over, a stop signal (Ctrl-C, SIGTERM) arrives, a task asks to stop (message budget reached) or every task
//! has ended; meanwhile the reporter is called every interval and the warm-up, if any, is cut off. Then the tasks
//! are told to stop and given a bounded time to finish what they have in flight.

use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use super::stats::{Counters, Stats};

/// How long a run lasts and what happens along the way.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// The length of the run, warm-up included; `None` runs until a signal or until the tasks end.
    pub duration: Option<Duration>,
    /// How often the reporter is called; `None` never.
    pub report_every: Option<Duration>,
    /// The first part of the run, left out of the final summary.
    pub warmup: Duration,
    /// How long the tasks get, once told to stop, to finish what they have in flight.
    pub drain: Duration,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The duration was over.
    Duration,
    /// SIGINT or SIGTERM.
    Signal,
    /// A task stopped the run (e.g. the message budget was reached), or every task ended.
    Finished,
}

/// The timeline of a finished run.
#[derive(Debug, Clone, Copy)]
pub struct Timeline {
    /// When the measured part began (the end of the warm-up).
    pub measured_from: Instant,
    /// When the last task ended.
    pub ended: Instant,
    /// The counters at `measured_from`.
    pub baseline: Counters,
    /// Why the run ended.
    pub reason: EndReason,
    /// Tasks that did not finish within [`Plan::drain`] and were aborted, or that panicked.
    pub lost_tasks: usize,
}

impl Timeline {
    /// The length of the measured part.
    pub fn measured(&self) -> Duration {
        self.ended.saturating_duration_since(self.measured_from)
    }
}

/// Runs `workers` to the end as `plan` says; `stop` is the token the tasks watch (and may cancel themselves),
/// `signal` resolves at Ctrl-C or SIGTERM.
/// `report` gets the time since the start at each interval. Returns the tasks' results and the timeline.
pub async fn drive<T: 'static>(
    stats: &Stats,
    stop: &CancellationToken,
    signal: impl Future<Output = ()>,
    mut workers: JoinSet<T>,
    plan: Plan,
    mut report: impl FnMut(Duration),
) -> (Vec<T>, Timeline) {
    let started = Instant::now();
    let mut measured_from = started;
    let mut baseline = Counters::default();
    let mut warming = !plan.warmup.is_zero();
    let far = Duration::from_secs(86_400 * 365);
    let deadline = started + plan.duration.unwrap_or(far);
    let warmup_end = started + plan.warmup;
    let every = plan.report_every.unwrap_or(far);
    let mut ticks = tokio::time::interval_at(started + every, every);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    tokio::pin!(signal);
    let mut results = Vec::new();
    let mut lost_tasks = 0;

    let reason = loop {
        tokio::select! {
            () = &mut signal => break EndReason::Signal,
            () = tokio::time::sleep_until(deadline) => break EndReason::Duration,
            () = stop.cancelled() => break EndReason::Finished,
            () = tokio::time::sleep_until(warmup_end), if warming => {
                warming = false;
                baseline = stats.begin_measurement();
                measured_from = Instant::now();
            }
            _ = ticks.tick() => report(started.elapsed()),
            joined = workers.join_next() => match joined {
                None => break EndReason::Finished,
                Some(Ok(result)) => results.push(result),
                Some(Err(error)) => {
                    tracing::error!(%error, "a benchmark task failed");
                    lost_tasks += 1;
                }
            },
        }
    };
    stop.cancel();
    if warming {
        // The run ended within the warm-up: summarise what there is rather than nothing.
        tracing::warn!("the run ended before its warm-up was over; the summary includes the warm-up");
    }
    let drained = tokio::time::timeout(plan.drain, async {
        while let Some(joined) = workers.join_next().await {
            match joined {
                Ok(result) => results.push(result),
                Err(error) => {
                    tracing::error!(%error, "a benchmark task failed");
                    lost_tasks += 1;
                }
            }
        }
    })
    .await;
    if drained.is_err() {
        lost_tasks += workers.len();
        tracing::warn!(
            tasks = workers.len(),
            "benchmark tasks still busy {:?} after the stop; aborting them",
            plan.drain
        );
        workers.shutdown().await;
    }
    let timeline = Timeline {
        measured_from,
        ended: Instant::now(),
        baseline,
        reason,
        lost_tasks,
    };
    (results, timeline)
}

/// Sleeps `duration` unless `stop` is cancelled first; returns whether the run goes on.
pub async fn pause(stop: &CancellationToken, duration: Duration) -> bool {
    tokio::select! {
        () = stop.cancelled() => false,
        () = tokio::time::sleep(duration) => true,
    }
}
