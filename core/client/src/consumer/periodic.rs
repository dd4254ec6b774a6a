//! Periodic background work of a consumer: a tokio task that runs a tick after an initial delay, then every period,
//! holding only a weak reference between ticks, until the consumer stops or is dropped.

use std::future::Future;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Runs `tick(owner)` after `initial`, then every `period`, until `stop` is cancelled or `owner` is dropped. A tick
/// in progress is abandoned when `stop` is cancelled.
pub(crate) fn spawn_periodic<T, F, Fut>(
    owner: &Arc<T>,
    stop: CancellationToken,
    initial: Duration,
    period: Duration,
    tick: F,
) -> JoinHandle<()>
where
    T: Send + Sync + 'static,
    F: Fn(Arc<T>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let weak: Weak<T> = Arc::downgrade(owner);
    tokio::spawn(async move {
        let mut delay = initial;
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(delay) => {}
            }
            let Some(owner) = weak.upgrade() else {
                return;
            };
            tokio::select! {
                () = stop.cancelled() => return,
                () = tick(owner) => {}
            }
            delay = period;
        }
    })
}
