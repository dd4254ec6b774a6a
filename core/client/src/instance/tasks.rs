//! The periodic tasks of a client instance: refresh the routes of used topics and send heartbeats. Each holds a
//! weak reference and ends when the instance is shut down or dropped.

use std::future::Future;
use std::sync::Weak;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{ClientInstance, Inner};
use crate::error::ErrorKind;

/// Java's initial delay of the heartbeat task.
const HEARTBEAT_INITIAL_DELAY: Duration = Duration::from_secs(1);

/// Starts the route refresh and heartbeat tasks of `instance`.
pub(super) fn spawn_periodic_tasks(instance: &ClientInstance) -> Vec<JoinHandle<()>> {
    let config = instance.config();
    let route_period = config.route_poll_interval;
    let heartbeat_period = config.heartbeat_interval;
    vec![
        spawn_every(instance, route_period, route_period, |instance| async move {
            refresh_routes(&instance).await;
        }),
        spawn_every(
            instance,
            HEARTBEAT_INITIAL_DELAY.min(heartbeat_period),
            heartbeat_period,
            |instance| async move { instance.heartbeat_all_brokers().await },
        ),
    ]
}

/// Refreshes the route of every used topic. A topic the name servers no longer know is forgotten; on any other
/// failure (no name server reachable) the last route is kept.
async fn refresh_routes(instance: &ClientInstance) {
    for topic in instance.used_topics() {
        match instance.update_route(&topic).await {
            Ok(_) => {}
            Err(error) if error.kind() == ErrorKind::RouteNotFound => {
                tracing::info!(topic, "the topic has no route any more; it is no longer used");
                instance.forget_route(&topic);
            }
            Err(error) => tracing::debug!(topic, %error, "route refresh failed"),
        }
    }
}

/// Runs `tick` after `initial_delay`, then every `period`, until the instance stops or is dropped.
fn spawn_every<F, Fut>(
    instance: &ClientInstance,
    initial_delay: Duration,
    period: Duration,
    tick: F,
) -> JoinHandle<()>
where
    F: Fn(ClientInstance) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let weak: Weak<Inner> = instance.downgrade();
    let stop: CancellationToken = instance.inner.stop.clone();
    tokio::spawn(async move {
        let mut delay = initial_delay;
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(delay) => {}
            }
            let Some(instance) = ClientInstance::from_weak(&weak) else {
                return;
            };
            tokio::select! {
                () = stop.cancelled() => return,
                () = tick(instance) => {}
            }
            delay = period;
        }
    })
}
