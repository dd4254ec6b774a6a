//! Broker registration (REGISTER_BROKER): the broker joins its cluster and group, its queue data is rebuilt when
//! its topic configs changed, and its liveness is renewed.

use std::collections::BTreeSet;

use fulmen_protocol::body::{BrokerData, DataVersion, MASTER_ID, QueueData, TopicConfigSerializeWrapper};
use tracing::{info, warn};

use super::{BrokerAddrKey, BrokerLiveInfo, ConnectionId, PERM_WRITE, RouteInfoManager};

/// One REGISTER_BROKER request, decoded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrokerRegistration {
    /// The broker's cluster.
    pub cluster_name: String,
    /// The broker's client-facing `ip:port`.
    pub broker_addr: String,
    /// The broker name, shared by a master and its slaves.
    pub broker_name: String,
    /// The broker id; 0 is the master.
    pub broker_id: i64,
    /// The broker's HA address, told to its slaves.
    pub ha_server_addr: String,
    /// The broker's zone (`__ZONE_NAME`), if it sent one.
    pub zone_name: Option<String>,
    /// How long this registration lives without a new one; `None` means the manager's default.
    pub heartbeat_timeout_millis: Option<i64>,
    /// `enableActingMaster` as sent; `None` marks a broker older than 5.0, which never acts as master.
    pub enable_acting_master: Option<bool>,
    /// The broker's topic configs and their data version.
    pub topic_config: TopicConfigSerializeWrapper,
    /// The connection the registration came over; closing it removes the broker.
    pub connection: Option<ConnectionId>,
}

/// What a registration did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationOutcome {
    /// The broker is registered. For a slave whose master is alive, the master's address and HA address.
    Registered {
        /// The master's address, for a slave.
        master_addr: Option<String>,
        /// The master's HA address, for a slave.
        ha_server_addr: Option<String>,
        /// Whether this address was not registered before (a new broker, not a periodic re-registration).
        newly_live: bool,
    },
    /// Another address holds this broker id with a greater `stateVersion`; the registration was ignored and
    /// this address forgotten. Java answers SUCCESS with an empty header.
    StaleStateVersion,
    /// A registration carrying a single topic from a broker id that never registered in full (Java's
    /// single-topic update racing the first registration); Java answers SYSTEM_ERROR "register broker failed".
    SingleTopicBeforeFullRegistration,
}

impl RouteInfoManager {
    /// Registers a broker at time `now` (Java's `RouteInfoManager#registerBroker`).
    pub fn register_broker(&mut self, registration: BrokerRegistration, now: i64) -> RegistrationOutcome {
        let BrokerRegistration {
            cluster_name,
            broker_addr,
            broker_name,
            broker_id,
            ha_server_addr,
            zone_name,
            heartbeat_timeout_millis,
            enable_acting_master,
            topic_config,
            connection,
        } = registration;
        let addr_key = BrokerAddrKey::new(&cluster_name, &broker_addr);
        let data_version = topic_config.data_version;

        if self.holds_newer_state(
            &cluster_name,
            &broker_name,
            broker_id,
            &broker_addr,
            &data_version,
        ) {
            warn!(
                cluster = %cluster_name, broker = %broker_name, broker_id, addr = %broker_addr,
                "registration ignored: another address holds this broker id with a newer state version"
            );
            self.live.remove(&addr_key);
            return RegistrationOutcome::StaleStateVersion;
        }
        let id_known = self
            .brokers
            .get(&broker_name)
            .is_some_and(|broker| broker.broker_addrs.contains_key(&broker_id));
        if !id_known && topic_config.topic_config_table.len() == 1 {
            warn!(
                broker = %broker_name, broker_id, addr = %broker_addr,
                "single-topic registration refused: the broker has not registered in full"
            );
            return RegistrationOutcome::SingleTopicBeforeFullRegistration;
        }

        self.cluster_brokers
            .entry(cluster_name.clone())
            .or_default()
            .insert(broker_name.clone());
        let mut first_registration = false;
        let broker = self.brokers.entry(broker_name.clone()).or_insert_with(|| {
            first_registration = true;
            BrokerData {
                cluster: cluster_name.clone(),
                broker_name: broker_name.clone(),
                ..BrokerData::default()
            }
        });
        let old_version_broker = enable_acting_master.is_none();
        broker.enable_acting_master = enable_acting_master.unwrap_or(false);
        broker.zone_name = zone_name;
        // A slave switched to master (or back) keeps one entry per address: drop its entry under the other id.
        broker
            .broker_addrs
            .retain(|id, addr| *addr != broker_addr || *id == broker_id);
        let previous_addr = broker.broker_addrs.insert(broker_id, broker_addr.clone());
        first_registration |= previous_addr.is_none_or(|addr| addr.is_empty());

        let is_master = broker_id == MASTER_ID;
        let is_prime_slave =
            !old_version_broker && !is_master && broker.broker_addrs.keys().next() == Some(&broker_id);
        let acting_master = is_prime_slave && broker.enable_acting_master;
        if is_master || is_prime_slave {
            self.update_topic_queues(
                &addr_key,
                &broker_name,
                &topic_config,
                first_registration,
                acting_master,
            );
        }

        let previous_live = self.live.insert(
            addr_key,
            BrokerLiveInfo {
                last_update_millis: now,
                timeout_millis: heartbeat_timeout_millis.unwrap_or(self.default_timeout_millis),
                data_version,
                connection,
                ha_server_addr,
            },
        );
        let (master_addr, master_ha_addr) = if is_master {
            (None, None)
        } else {
            self.live_master(&cluster_name, &broker_name)
        };
        RegistrationOutcome::Registered {
            master_addr,
            ha_server_addr: master_ha_addr,
            newly_live: previous_live.is_none(),
        }
    }

    /// Whether another address already registered `broker_id` of `broker_name` with a greater `stateVersion`
    /// than `data_version` (controller mode: the newer registration wins).
    fn holds_newer_state(
        &self,
        cluster_name: &str,
        broker_name: &str,
        broker_id: i64,
        broker_addr: &str,
        data_version: &DataVersion,
    ) -> bool {
        let Some(old_addr) = self
            .brokers
            .get(broker_name)
            .and_then(|broker| broker.broker_addrs.get(&broker_id))
        else {
            return false;
        };
        if old_addr == broker_addr {
            return false;
        }
        self.live
            .get(&BrokerAddrKey::new(cluster_name, old_addr))
            .is_some_and(|old| old.data_version.state_version > data_version.state_version)
    }

    /// Rebuilds the broker's queue data from its topic configs, topic by topic, where Java would.
    fn update_topic_queues(
        &mut self,
        addr_key: &BrokerAddrKey,
        broker_name: &str,
        topic_config: &TopicConfigSerializeWrapper,
        first_registration: bool,
        acting_master: bool,
    ) {
        let mappings = topic_config.topic_queue_mapping_info_map.as_ref();
        if self.delete_topic_with_broker_registration && mappings.is_none_or(|map| map.is_empty()) {
            let kept: BTreeSet<&str> = topic_config
                .topic_config_table
                .values()
                .map(|config| config.topic_name.as_str())
                .collect();
            self.remove_broker_from_topics(broker_name, |topic| !kept.contains(topic));
        }

        let version_changed = self.is_data_version_changed(
            &addr_key.cluster_name,
            &addr_key.broker_addr,
            &topic_config.data_version,
        );
        for (key, config) in &topic_config.topic_config_table {
            let topic = if config.topic_name.is_empty() {
                key
            } else {
                &config.topic_name
            };
            let missing = self
                .topic_queues
                .get(topic)
                .is_none_or(|queues| !queues.contains_key(broker_name));
            if !(first_registration || version_changed || missing) {
                continue;
            }
            let mut perm = config.perm;
            if acting_master {
                // A slave standing in for its master serves reads only.
                perm &= !PERM_WRITE;
            }
            self.put_queue_data(
                topic,
                QueueData {
                    broker_name: broker_name.to_owned(),
                    read_queue_nums: config.read_queue_nums,
                    write_queue_nums: config.write_queue_nums,
                    perm,
                    topic_sys_flag: config.topic_sys_flag,
                },
            );
        }

        if version_changed || first_registration {
            for (topic, info) in mappings.into_iter().flatten() {
                let mapped_broker = info
                    .get("bname")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or(broker_name);
                self.topic_queue_mappings
                    .entry(topic.clone())
                    .or_default()
                    .insert(mapped_broker.to_owned(), info.clone());
            }
        }
    }

    fn put_queue_data(&mut self, topic: &str, queue_data: QueueData) {
        let queues = self.topic_queues.entry(topic.to_owned()).or_default();
        match queues.get(&queue_data.broker_name) {
            None if queues.is_empty() => info!(topic, ?queue_data, "new topic registered"),
            Some(existing) if *existing != queue_data => {
                info!(topic, old = ?existing, new = ?queue_data, "topic changed")
            }
            _ => {}
        }
        queues.insert(queue_data.broker_name.clone(), queue_data);
    }

    /// The address and HA address of the live master of `broker_name`.
    fn live_master(&self, cluster_name: &str, broker_name: &str) -> (Option<String>, Option<String>) {
        let Some(master_addr) = self
            .brokers
            .get(broker_name)
            .and_then(|broker| broker.master_addr())
        else {
            return (None, None);
        };
        match self.live.get(&BrokerAddrKey::new(cluster_name, master_addr)) {
            Some(master) => (Some(master_addr.to_owned()), Some(master.ha_server_addr.clone())),
            None => (None, None),
        }
    }
}
