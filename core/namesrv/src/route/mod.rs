//! `RouteInfoManager`: the name server's tables of clusters, brokers, topic queues and broker liveness.
//!
//! It does no I/O and reads no clock: every call that needs the time takes `now` (milliseconds on any monotonic
//! clock), and connections are named by an opaque [`ConnectionId`]. That keeps every rule of Java's
//! `RouteInfoManager` unit-testable. The name server wraps it in a lock and calls it from its processors and its
//! liveness scan. Maps are ordered, so listings and routes come out sorted by name.
//!
//! The rules, as Java 5.3.3 applies them:
//! * a registration adds the broker name to its cluster and the broker id → address to its `BrokerData`;
//! * only the master (id 0), or a 5.x slave with the smallest id while no master is registered, rebuilds the
//!   topic queue data, and only for a first registration, a changed `DataVersion`, or a topic missing that broker;
//! * a broker's registration lives `heartbeatTimeoutMillis` (default 120 s) after its last registration or
//!   heartbeat; the scan removes it after that, and closing its connection removes it at once;
//! * removing the last address of a broker name removes the name from its cluster and its queue data from every
//!   topic; a topic left without queue data disappears.

mod admin;
mod queries;
mod registration;
mod removal;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use fulmen_protocol::body::{BrokerData, DataVersion, QueueData};

pub use registration::{BrokerRegistration, RegistrationOutcome};
pub use removal::RemovedBroker;

/// Names the connection a broker registered over (the remoting connection id).
pub type ConnectionId = u64;

/// Permission bit: the topic's queues may be read (`PermName.PERM_READ`).
pub const PERM_READ: i32 = 4;
/// Permission bit: the topic's queues may be written (`PermName.PERM_WRITE`).
pub const PERM_WRITE: i32 = 2;

/// What the name server knows about brokers and topics. See the module documentation for its rules.
#[derive(Debug, Clone)]
pub struct RouteInfoManager {
    /// How long a registration lives when the broker did not say (milliseconds).
    default_timeout_millis: i64,
    /// Java's `deleteTopicWithBrokerRegistration`.
    delete_topic_with_broker_registration: bool,
    /// Broker names by cluster name.
    cluster_brokers: BTreeMap<String, BTreeSet<String>>,
    /// Broker groups by broker name.
    brokers: BTreeMap<String, BrokerData>,
    /// Queue data by topic, then by broker name.
    topic_queues: BTreeMap<String, BTreeMap<String, QueueData>>,
    /// Liveness of each registered broker address.
    live: BTreeMap<BrokerAddrKey, BrokerLiveInfo>,
    /// Static-topic mappings (`TopicQueueMappingInfo`, opaque JSON) by topic, then by broker name.
    topic_queue_mappings: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
}

/// A broker address within its cluster: how liveness is keyed (Java's `BrokerAddrInfo`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct BrokerAddrKey {
    cluster_name: String,
    broker_addr: String,
}

impl BrokerAddrKey {
    fn new(cluster_name: &str, broker_addr: &str) -> Self {
        BrokerAddrKey {
            cluster_name: cluster_name.to_owned(),
            broker_addr: broker_addr.to_owned(),
        }
    }
}

/// When a broker address last proved alive, and what it registered (Java's `BrokerLiveInfo`).
#[derive(Debug, Clone)]
struct BrokerLiveInfo {
    last_update_millis: i64,
    timeout_millis: i64,
    data_version: DataVersion,
    connection: Option<ConnectionId>,
    ha_server_addr: String,
}

impl BrokerLiveInfo {
    fn is_expired(&self, now: i64) -> bool {
        self.last_update_millis.saturating_add(self.timeout_millis) < now
    }
}

impl RouteInfoManager {
    /// An empty manager; registrations without a `heartbeatTimeoutMillis` live `default_timeout_millis`.
    pub fn new(default_timeout_millis: i64) -> Self {
        RouteInfoManager {
            default_timeout_millis,
            delete_topic_with_broker_registration: false,
            cluster_brokers: BTreeMap::new(),
            brokers: BTreeMap::new(),
            topic_queues: BTreeMap::new(),
            live: BTreeMap::new(),
            topic_queue_mappings: BTreeMap::new(),
        }
    }

    /// Whether a master's registration drops its topics that are missing from its topic table (Java's
    /// `deleteTopicWithBrokerRegistration`; off by default).
    pub fn set_delete_topic_with_broker_registration(&mut self, enabled: bool) {
        self.delete_topic_with_broker_registration = enabled;
    }

    /// The broker group registered under `broker_name`.
    pub fn broker_data(&self, broker_name: &str) -> Option<&BrokerData> {
        self.brokers.get(broker_name)
    }

    /// The queue data of `topic` on `broker_name`.
    pub fn queue_data(&self, topic: &str, broker_name: &str) -> Option<&QueueData> {
        self.topic_queues.get(topic)?.get(broker_name)
    }

    /// How many broker addresses are registered and alive.
    pub fn live_broker_count(&self) -> usize {
        self.live.len()
    }

    /// Whether a broker address is registered in `cluster_name`.
    pub fn is_live(&self, cluster_name: &str, broker_addr: &str) -> bool {
        self.live
            .contains_key(&BrokerAddrKey::new(cluster_name, broker_addr))
    }

    /// Whether any live broker registered over `connection`.
    pub fn is_connection_in_use(&self, connection: ConnectionId) -> bool {
        self.live.values().any(|info| info.connection == Some(connection))
    }

    /// The broker name and id registered at `broker_addr` in `cluster_name` (Java's `setupUnRegisterRequest`).
    fn find_broker_identity(&self, cluster_name: &str, broker_addr: &str) -> Option<(String, i64)> {
        self.brokers
            .values()
            .filter(|broker| broker.cluster == cluster_name)
            .find_map(|broker| {
                broker
                    .broker_addrs
                    .iter()
                    .find(|(_, addr)| addr.as_str() == broker_addr)
                    .map(|(id, _)| (broker.broker_name.clone(), *id))
            })
    }
}
