//! Admin changes to the route tables: taking a broker's write permission away and giving it back, deleting a
//! topic (everywhere or in one cluster), and registering a topic's queue data directly.

use std::collections::BTreeMap;

use fulmen_protocol::body::QueueData;
use tracing::{info, warn};

use super::{PERM_READ, PERM_WRITE, RouteInfoManager};

impl RouteInfoManager {
    /// Clears the write bit of every queue data of `broker_name`, so producers stop sending to it (a graceful
    /// drain). Returns how many topics it touched.
    pub fn wipe_write_perm(&mut self, broker_name: &str) -> i32 {
        self.update_perm_of_broker(broker_name, |perm| perm & !PERM_WRITE)
    }

    /// Sets every queue data of `broker_name` to read + write (Java sets exactly `PERM_READ | PERM_WRITE`).
    /// Returns how many topics it touched.
    pub fn add_write_perm(&mut self, broker_name: &str) -> i32 {
        self.update_perm_of_broker(broker_name, |_| PERM_READ | PERM_WRITE)
    }

    fn update_perm_of_broker(&mut self, broker_name: &str, update: impl Fn(i32) -> i32) -> i32 {
        let mut topics = 0;
        for queues in self.topic_queues.values_mut() {
            if let Some(queue_data) = queues.get_mut(broker_name) {
                queue_data.perm = update(queue_data.perm);
                topics += 1;
            }
        }
        topics
    }

    /// Removes `topic` from every broker.
    pub fn delete_topic(&mut self, topic: &str) {
        if self.topic_queues.remove(topic).is_some() {
            info!(topic, "topic deleted");
        }
    }

    /// Removes `topic` from the brokers of `cluster_name`; the topic disappears when no broker is left.
    pub fn delete_topic_in_cluster(&mut self, topic: &str, cluster_name: &str) {
        let Some(broker_names) = self.cluster_brokers.get(cluster_name) else {
            return;
        };
        let Some(queues) = self.topic_queues.get_mut(topic) else {
            return;
        };
        for broker_name in broker_names {
            if queues.remove(broker_name).is_some() {
                info!(topic, broker = %broker_name, "topic deleted from broker");
            }
        }
        if queues.is_empty() {
            self.topic_queues.remove(topic);
            info!(topic, cluster = cluster_name, "topic deleted");
        }
    }

    /// Sets the queue data of `topic` on each broker named in `queue_datas` (REGISTER_TOPIC_IN_NAMESRV). Every
    /// broker must be registered; otherwise nothing changes and `false` is returned.
    pub fn register_topic(&mut self, topic: &str, queue_datas: Vec<QueueData>) -> bool {
        if queue_datas.is_empty() {
            return false;
        }
        if let Some(unknown) = queue_datas
            .iter()
            .find(|queue_data| !self.brokers.contains_key(&queue_data.broker_name))
        {
            warn!(topic, broker = %unknown.broker_name, "topic registration names an unknown broker");
            return false;
        }
        let queues: &mut BTreeMap<String, QueueData> = self.topic_queues.entry(topic.to_owned()).or_default();
        for queue_data in queue_datas {
            queues.insert(queue_data.broker_name.clone(), queue_data);
        }
        info!(topic, "topic route registered");
        true
    }
}
