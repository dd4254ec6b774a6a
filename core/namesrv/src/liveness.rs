//! Broker liveness: the connection listener that removes a broker as soon as the connection it registered over
//! closes (Java's `BrokerHousekeepingService`), and the periodic scan that removes brokers whose registration
//! timed out and closes their connection (Java's `scanNotActiveBroker`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use fulmen_remoting::{Connection, ConnectionListener};
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::route::{ConnectionId, RemovedBroker};
use crate::state::{NamesrvState, read, write};

/// The open connections of the name server, so the scan can close those of expired brokers.
#[derive(Debug, Default)]
pub(crate) struct OpenConnections {
    by_id: Mutex<HashMap<ConnectionId, Connection>>,
}

impl OpenConnections {
    fn insert(&self, connection: &Connection) {
        self.lock().insert(connection.id(), connection.clone());
    }

    fn remove(&self, id: ConnectionId) {
        self.lock().remove(&id);
    }

    fn get(&self, id: ConnectionId) -> Option<Connection> {
        self.lock().get(&id).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ConnectionId, Connection>> {
        self.by_id.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Tracks the server's connections and removes the brokers of each one that closes.
#[derive(Debug)]
pub(crate) struct BrokerConnectionListener {
    pub(crate) state: Arc<NamesrvState>,
    pub(crate) connections: Arc<OpenConnections>,
}

impl ConnectionListener for BrokerConnectionListener {
    fn on_connected(&self, connection: &Connection) {
        self.connections.insert(connection);
    }

    fn on_closed(&self, connection: &Connection) {
        self.connections.remove(connection.id());
        let removed = write(&self.state.routes).remove_connection(connection.id());
        for broker in &removed {
            info!(
                cluster = %broker.cluster_name, addr = %broker.broker_addr, broker = ?broker.identity,
                peer = %connection.peer_addr(), "broker removed: its connection closed"
            );
        }
    }
}

/// Every `interval` until `stop`, removes the brokers whose registration timed out.
pub(crate) async fn scan_expired_brokers(
    state: Arc<NamesrvState>,
    connections: Arc<OpenConnections>,
    interval: Duration,
    stop: CancellationToken,
) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = ticks.tick() => remove_expired(&state, &connections),
        }
    }
}

fn remove_expired(state: &NamesrvState, connections: &OpenConnections) {
    let now = state.clock.now_millis();
    let removed = write(&state.routes).remove_expired(now);
    for broker in &removed {
        warn!(
            cluster = %broker.cluster_name, addr = %broker.broker_addr, broker = ?broker.identity,
            "broker expired: no registration or heartbeat within its timeout"
        );
        close_if_unused(state, connections, broker);
    }
}

/// Closes the expired broker's connection unless another live broker registered over it too.
fn close_if_unused(state: &NamesrvState, connections: &OpenConnections, broker: &RemovedBroker) {
    let Some(id) = broker.connection else {
        return;
    };
    if read(&state.routes).is_connection_in_use(id) {
        return;
    }
    if let Some(connection) = connections.get(id) {
        connection.close();
    }
}
