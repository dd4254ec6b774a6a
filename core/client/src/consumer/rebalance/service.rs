//! The rebalance service (Java's `RebalanceService`): rebalances every `interval` (20 s), at most once per
//! `min_interval` (1 s), sooner when woken, and again after 1 s while a topic is not balanced.

use std::sync::Weak;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::RebalanceCore;

/// The retry delay while some topic is not balanced.
const UNBALANCED_RETRY: Duration = Duration::from_secs(1);

/// Starts the service of `core` on the current runtime; it ends when `stop` is cancelled or `core` is dropped.
pub(crate) fn spawn_rebalance_service(
    core: Weak<RebalanceCore>,
    interval: Duration,
    min_interval: Duration,
    stop: CancellationToken,
) -> Option<JoinHandle<()>> {
    let wake = core.upgrade()?.wake_signal();
    Some(tokio::spawn(async move {
        let mut wait = interval;
        let mut last_run: Option<Instant> = None;
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(wait) => {}
                () = wake.notified() => {}
            }
            if let Some(last) = last_run {
                let since = last.elapsed();
                if since < min_interval {
                    tokio::select! {
                        () = stop.cancelled() => return,
                        () = tokio::time::sleep(min_interval - since) => {}
                    }
                }
            }
            let Some(core) = core.upgrade() else {
                return;
            };
            let balanced = tokio::select! {
                () = stop.cancelled() => return,
                balanced = core.do_rebalance() => balanced,
            };
            drop(core);
            last_run = Some(Instant::now());
            wait = if balanced {
                interval
            } else {
                UNBALANCED_RETRY.min(interval)
            };
        }
    }))
}
