//! What every `fulmen bench consumer` mode records per message received, whoever receives it (raw pulls, the lite
//! pull consumer's poll, the push consumer's listener): the count and bytes, the born-to-consumer and
//! store-to-consumer latencies (timestamps in ms, so a 1 ms resolution), the span from the first to the last
//! arrival, and the stop once `--messages` is reached. Also the end-of-run lines all modes print, and the limits
//! their header lines show.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fulmen_client::MessageView;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::args::ConsumerArgs;
use super::control::Timeline;
use super::report::{self, Kind, Summary, say};
use super::stats::Stats;

/// The shared record of a consumer run.
#[derive(Debug)]
pub struct Tally {
    /// Counters and latency series 0 (born to consumed) and 1 (stored to consumed).
    pub stats: Stats,
    /// Cancelled to stop the run (here once the budget is reached).
    pub stop: CancellationToken,
    /// Stop once this many messages were received (0: no limit).
    budget: u64,
    /// When the first and the last batch arrived.
    span: Mutex<Option<(Instant, Instant)>>,
}

impl Tally {
    /// A tally stopping the run after `budget` messages (0: never).
    pub fn new(budget: u64) -> Self {
        Tally {
            stats: Stats::new(2),
            stop: CancellationToken::new(),
            budget,
            span: Mutex::new(None),
        }
    }

    /// Records a received batch, and stops the run once the budget is reached.
    pub fn record(&self, messages: &[MessageView]) {
        if messages.is_empty() {
            return;
        }
        {
            let arrived = Instant::now();
            let mut span = self.span.lock().unwrap_or_else(PoisonError::into_inner);
            let first = span.map_or(arrived, |(first, _)| first);
            *span = Some((first, arrived));
        }
        let now = unix_millis();
        let mut born = Vec::with_capacity(messages.len());
        let mut stored = Vec::with_capacity(messages.len());
        let mut bytes = 0;
        for message in messages {
            born.push(millis_since(message.born_timestamp, now));
            stored.push(millis_since(message.store_timestamp, now));
            bytes += message.body.len() as u64;
        }
        self.stats.record(messages.len() as u64, bytes, &[&born, &stored]);
        if self.budget > 0 && self.stats.counters().succeeded >= self.budget {
            self.stop.cancel();
        }
    }

    /// Prints the summary of the finished run and the rate while messages were arriving.
    pub fn print_summary(&self, timeline: &Timeline) {
        let summary = Summary::of(Kind::Consumer, &self.stats, timeline);
        for line in summary.lines() {
            say(&line);
        }
        let span = *self.span.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((first, last)) = span {
            // A drained backlog or a producer that stopped early leaves the consumer idle: the rate while
            // messages were arriving says more than the rate over the whole run.
            let active = last.saturating_duration_since(first.max(timeline.measured_from));
            say(&format!(
                "Active: {:.3} s from the first to the last message received | Consume TPS while active: {:.1}",
                active.as_secs_f64(),
                report::rate(summary.measured.succeeded, active.as_secs_f64())
            ));
        }
    }
}

/// The end of a header line: `expression: *, messages: 100, duration: 10.0 s, header: JSON`.
pub fn limits(args: &ConsumerArgs, duration: Option<Duration>) -> String {
    format!(
        "expression: {}, messages: {}, duration: {}, header: {}",
        args.tags,
        if args.messages == 0 {
            "no limit".to_owned()
        } else {
            args.messages.to_string()
        },
        duration.map_or_else(
            || "until Ctrl-C".to_owned(),
            |d| format!("{:.1} s", d.as_secs_f64())
        ),
        args.common.header.name(),
    )
}

/// A token cancelled at the first Ctrl-C or SIGTERM.
pub fn interrupt_token() -> std::io::Result<CancellationToken> {
    let interrupted = CancellationToken::new();
    let signals = crate::signal::StopSignals::install()?;
    tokio::spawn({
        let interrupted = interrupted.clone();
        async move {
            signals.wait().await;
            interrupted.cancel();
        }
    });
    Ok(interrupted)
}

/// The time from `then` to `now`, both in ms since the Unix epoch; zero when the clocks disagree.
fn millis_since(then: i64, now: i64) -> Duration {
    Duration::from_millis(u64::try_from(now.saturating_sub(then)).unwrap_or(0))
}

fn unix_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_from_timestamps() {
        assert_eq!(millis_since(1_000, 1_250), Duration::from_millis(250));
        assert_eq!(millis_since(1_250, 1_000), Duration::ZERO);
        assert!(unix_millis() > 1_600_000_000_000);
    }
}
