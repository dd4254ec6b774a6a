//! The log bridge: the client's `tracing` events delivered to the host's logging system (Python `logging`, a Node
//! callback, SLF4J...) without a runtime worker ever waiting for the host.
//!
//! [`install`] sets a global subscriber whose [`ChannelLayer`] formats each event enabled by the filter (syntax of
//! `RUST_LOG`, taken from `FULMEN_LOG`, default `warn`) into an owned [`LogRecord`] and queues it; a full queue
//! ([`CAPACITY`] records) drops the record and counts it. The host runs one thread that calls [`drain`] (it blocks,
//! so call it without holding the host's interpreter lock) and hands the records to its loggers, reporting
//! [`take_dropped`] when it is not zero.

mod layer;
mod queue;

use std::time::Duration;

use tracing::Level;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Layer};

pub use layer::ChannelLayer;
pub use queue::CAPACITY;

/// The environment variable with the default filter.
pub const FILTER_ENV: &str = "FULMEN_LOG";

/// The filter when neither the host nor [`FILTER_ENV`] gives one.
pub const DEFAULT_FILTER: &str = "warn";

/// One event, owned, ready for the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    /// The event's level.
    pub level: Level,
    /// The event's target (by default the module path, e.g. `fulmen_client::producer::sync_send`).
    pub target: String,
    /// The message followed by the other fields as ` name=value`.
    pub message: String,
    /// The fields other than the message, in order, formatted (`Display` for `%x`, `Debug` otherwise).
    pub fields: Vec<(String, String)>,
    /// When the event happened, in milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
    /// The name of the thread that emitted it (its id when unnamed).
    pub thread: String,
}

/// Sets the process's global `tracing` subscriber to the log bridge, filtered by `filter` (else `FULMEN_LOG`,
/// else [`DEFAULT_FILTER`]). Returns `Ok(false)` without changing anything when a global subscriber is already set
/// (by an earlier call or another library), and an error for a filter that does not parse.
pub fn install(filter: Option<&str>) -> Result<bool, String> {
    let subscriber =
        tracing_subscriber::registry().with(ChannelLayer::new().with_filter(env_filter(filter)?));
    Ok(tracing::subscriber::set_global_default(subscriber).is_ok())
}

/// The filter `install` would use for `filter`.
fn env_filter(filter: Option<&str>) -> Result<EnvFilter, String> {
    let directives = match filter {
        Some(filter) => filter.to_owned(),
        None => std::env::var(FILTER_ENV).unwrap_or_else(|_| DEFAULT_FILTER.to_owned()),
    };
    EnvFilter::try_new(&directives).map_err(|error| format!("invalid log filter {directives:?}: {error}"))
}

/// Up to `max` queued records, waiting at most `timeout` for the first. Blocks: call it on a host thread that does
/// not hold the host interpreter's lock.
pub fn drain(max: usize, timeout: Duration) -> Vec<LogRecord> {
    queue::global().drain(max, timeout)
}

/// How many records were dropped (queue full) since the last call.
pub fn take_dropped() -> u64 {
    queue::global().take_dropped()
}

/// Makes the [`drain`] calls waiting now return at once (e.g. to flush synchronously from another thread).
pub fn wake() {
    queue::global().wake();
}

/// Makes every waiting and future [`drain`] return at once (queued records are still returned): for host shutdown.
pub fn stop_waiting() {
    queue::global().stop_waiting();
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::queue::Queue;
    use super::*;

    #[test]
    fn the_filter_runs_before_formatting_and_fields_are_kept() {
        let queue = Arc::new(Queue::new(64));
        let layer = ChannelLayer::into_queue(queue.clone())
            .with_filter(env_filter(Some("warn,fulmen_ffi::log=debug,other=error")).unwrap_or_default());
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            tracing::trace!("too fine");
            tracing::debug!(broker = "broker-a", count = 3, "kept");
            tracing::warn!(target: "other", "too coarse for other");
            tracing::error!(target: "other", "kept too");
            tracing::info!(target: "unrelated", "below warn");
        });
        let records = queue.drain(64, Duration::ZERO);
        let messages: Vec<&str> = records.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(messages, ["kept broker=broker-a count=3", "kept too"]);
        let first = &records[0];
        assert_eq!(first.level, Level::DEBUG);
        assert_eq!(first.target, "fulmen_ffi::log::tests");
        assert_eq!(
            first.fields,
            [
                ("broker".to_owned(), "broker-a".to_owned()),
                ("count".to_owned(), "3".to_owned())
            ]
        );
        assert!(first.timestamp_ms > 1_600_000_000_000);
        assert!(!first.thread.is_empty());
    }

    #[test]
    fn a_bad_filter_is_an_error() {
        assert!(env_filter(Some("fulmen=notalevel[")).is_err());
        assert!(env_filter(Some("debug")).is_ok());
    }
}
