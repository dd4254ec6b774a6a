//! Removing brokers: on UNREGISTER_BROKER, when their registration times out, and when the connection they
//! registered over closes. A broker name without addresses leaves its cluster and every topic; a topic without
//! queue data disappears.

use super::{BrokerAddrKey, ConnectionId, PERM_WRITE, RouteInfoManager};

/// A broker address the manager removed because it expired or its connection closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedBroker {
    /// The broker's cluster.
    pub cluster_name: String,
    /// The broker's address.
    pub broker_addr: String,
    /// The broker name and id the address was registered under, if it still was.
    pub identity: Option<(String, i64)>,
    /// The connection the broker had registered over.
    pub connection: Option<ConnectionId>,
}

impl RouteInfoManager {
    /// Removes the broker at `broker_addr` from `broker_name` in `cluster_name` (Java's `unRegisterBroker`).
    /// Returns whether anything was registered there.
    pub fn unregister_broker(&mut self, cluster_name: &str, broker_addr: &str, broker_name: &str) -> bool {
        let was_live = self
            .live
            .remove(&BrokerAddrKey::new(cluster_name, broker_addr))
            .is_some();
        let Some(broker) = self.brokers.get_mut(broker_name) else {
            return was_live;
        };
        let before = broker.broker_addrs.len();
        broker.broker_addrs.retain(|_, addr| addr != broker_addr);
        let addr_removed = broker.broker_addrs.len() < before;

        if broker.broker_addrs.is_empty() {
            self.brokers.remove(broker_name);
            if let Some(names) = self.cluster_brokers.get_mut(cluster_name) {
                names.remove(broker_name);
                if names.is_empty() {
                    self.cluster_brokers.remove(cluster_name);
                }
            }
            self.remove_broker_from_topics(broker_name, |_| true);
            for mappings in self.topic_queue_mappings.values_mut() {
                mappings.remove(broker_name);
            }
            self.topic_queue_mappings
                .retain(|_, mappings| !mappings.is_empty());
        } else if broker.enable_acting_master && broker.master_addr().is_none() {
            // The master is gone and a slave acts for it: its queues become read-only.
            for queues in self.topic_queues.values_mut() {
                if let Some(queue_data) = queues.get_mut(broker_name) {
                    queue_data.perm &= !PERM_WRITE;
                }
            }
        }
        was_live || addr_removed
    }

    /// Removes every broker whose last registration or heartbeat plus its timeout is before `now` (Java's
    /// `scanNotActiveBroker`).
    pub fn remove_expired(&mut self, now: i64) -> Vec<RemovedBroker> {
        let expired: Vec<BrokerAddrKey> = self
            .live
            .iter()
            .filter(|(_, info)| info.is_expired(now))
            .map(|(key, _)| key.clone())
            .collect();
        expired
            .into_iter()
            .map(|key| self.remove_live_broker(key))
            .collect()
    }

    /// Removes every broker registered over `connection`, which closed (Java's `onChannelDestroy`).
    pub fn remove_connection(&mut self, connection: ConnectionId) -> Vec<RemovedBroker> {
        let registered: Vec<BrokerAddrKey> = self
            .live
            .iter()
            .filter(|(_, info)| info.connection == Some(connection))
            .map(|(key, _)| key.clone())
            .collect();
        registered
            .into_iter()
            .map(|key| self.remove_live_broker(key))
            .collect()
    }

    fn remove_live_broker(&mut self, key: BrokerAddrKey) -> RemovedBroker {
        let connection = self.live.get(&key).and_then(|info| info.connection);
        let identity = self.find_broker_identity(&key.cluster_name, &key.broker_addr);
        match &identity {
            Some((broker_name, _)) => {
                self.unregister_broker(&key.cluster_name, &key.broker_addr, broker_name);
            }
            None => {
                self.live.remove(&key);
            }
        }
        RemovedBroker {
            cluster_name: key.cluster_name,
            broker_addr: key.broker_addr,
            identity,
            connection,
        }
    }

    /// Removes `broker_name`'s queue data from the topics `selected` picks, and the topics left without any.
    pub(super) fn remove_broker_from_topics(&mut self, broker_name: &str, selected: impl Fn(&str) -> bool) {
        self.topic_queues.retain(|topic, queues| {
            if selected(topic) {
                queues.remove(broker_name);
            }
            !queues.is_empty()
        });
    }
}
