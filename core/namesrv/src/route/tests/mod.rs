//! Unit tests of the route tables, with explicit times and connection ids.

mod admin;
mod registration;
mod removal;

use fulmen_protocol::body::{DataVersion, TopicConfig, TopicConfigSerializeWrapper};
use indexmap::IndexMap;

use super::{BrokerRegistration, RouteInfoManager};

/// The default registration timeout the tests use.
const TIMEOUT: i64 = 120_000;

fn manager() -> RouteInfoManager {
    RouteInfoManager::new(TIMEOUT)
}

/// The topic every test broker has, as real brokers always have several (a registration of a single topic
/// from an unknown broker is refused).
const SYSTEM_TOPIC: &str = "TBW102";

/// Topic configs named by `topics` plus [`SYSTEM_TOPIC`] (4 queues, perm 6), at data version `counter`.
fn topic_configs(counter: i64, topics: &[&str]) -> TopicConfigSerializeWrapper {
    let table: IndexMap<String, TopicConfig> = topics
        .iter()
        .chain(&[SYSTEM_TOPIC])
        .map(|topic| ((*topic).to_owned(), TopicConfig::new(*topic, 4, 4, 6)))
        .collect();
    TopicConfigSerializeWrapper {
        topic_config_table: table,
        data_version: DataVersion {
            counter,
            state_version: 0,
            timestamp: 1_700_000_000_000,
        },
        ..TopicConfigSerializeWrapper::default()
    }
}

/// A 5.x broker's registration in `DefaultCluster` over connection `broker_id + 1`.
fn registration(
    name: &str,
    broker_id: i64,
    addr: &str,
    topics: TopicConfigSerializeWrapper,
) -> BrokerRegistration {
    BrokerRegistration {
        cluster_name: "DefaultCluster".into(),
        broker_addr: addr.into(),
        broker_name: name.into(),
        broker_id,
        ha_server_addr: format!("{addr}-ha"),
        zone_name: None,
        heartbeat_timeout_millis: None,
        enable_acting_master: Some(false),
        topic_config: topics,
        connection: Some(broker_id as u64 + 1),
    }
}

fn perm(manager: &RouteInfoManager, topic: &str, broker: &str) -> i32 {
    manager
        .queue_data(topic, broker)
        .map_or(-1, |queue_data| queue_data.perm)
}
