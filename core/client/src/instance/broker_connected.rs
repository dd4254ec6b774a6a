//! A heartbeat for each new broker connection (Java's heartbeat channel event listener,
//! `ClientConfig.enableHeartbeatChannelEventListener`, on by default): when this client connects to a broker it
//! announces its groups there at once, and when the broker takes the heartbeat its consumers rebalance.
//!
//! Without it a consumer could wait for the periodic heartbeat (30 s) before its group listed it: one that
//! subscribed before the name server routed its topic (a broker registers a topic it created on a first send
//! asynchronously) sent its first heartbeat to no broker at all.

use std::sync::Weak;

use fulmen_remoting::{Connection, ConnectionListener};

use super::{ClientInstance, Inner};

/// The client's connection listener; it holds the instance weakly, since the instance owns the remoting client.
pub(super) struct BrokerConnected {
    pub(super) instance: Weak<Inner>,
}

impl ConnectionListener for BrokerConnected {
    fn on_connected(&self, connection: &Connection) {
        let Some(inner) = self.instance.upgrade() else {
            return;
        };
        let instance = ClientInstance { inner };
        if instance.is_closed() {
            return;
        }
        let addr = connection.remote_addr().to_owned();
        // Name server connections and brokers outside the route table are skipped by `heartbeat_broker`.
        tokio::spawn(async move {
            if instance.heartbeat_broker(&addr).await {
                tracing::debug!(broker = addr, "heartbeat on a new connection; rebalancing now");
                instance.wake_rebalances();
            }
        });
    }
}
