//! What the route tables answer: a topic's route, the cluster layout, topic listings, and a broker's registered
//! data version; plus the heartbeat that renews a registration.

use fulmen_protocol::body::{ClusterInfo, DataVersion, TopicList, TopicRouteData};
use indexmap::IndexMap;

use super::{BrokerAddrKey, RouteInfoManager};

impl RouteInfoManager {
    /// The route of `topic`: its queue data on every broker that has it and those brokers' addresses, or `None`
    /// when no registered broker has it (Java's `pickupTopicRouteData`). `orderTopicConf` is left for the caller;
    /// the filter server table is always empty.
    pub fn topic_route(&self, topic: &str) -> Option<TopicRouteData> {
        let queues = self.topic_queues.get(topic)?;
        let broker_datas: Vec<_> = queues
            .keys()
            .filter_map(|broker_name| self.brokers.get(broker_name).cloned())
            .collect();
        if broker_datas.is_empty() {
            return None;
        }
        Some(TopicRouteData {
            order_topic_conf: None,
            queue_datas: queues.values().cloned().collect(),
            broker_datas,
            filter_server_table: IndexMap::new(),
            topic_queue_mapping_by_broker: self.topic_queue_mappings.get(topic).map(|mappings| {
                mappings
                    .iter()
                    .map(|(broker, info)| (broker.clone(), info.clone()))
                    .collect()
            }),
        })
    }

    /// Every broker group and the broker names of every cluster (the GET_BROKER_CLUSTER_INFO body).
    pub fn cluster_info(&self) -> ClusterInfo {
        ClusterInfo {
            broker_addr_table: self
                .brokers
                .iter()
                .map(|(name, broker)| (name.clone(), broker.clone()))
                .collect(),
            cluster_addr_table: self
                .cluster_brokers
                .iter()
                .map(|(cluster, names)| (cluster.clone(), names.iter().cloned().collect()))
                .collect(),
        }
    }

    /// Every topic with a route.
    pub fn all_topics(&self) -> TopicList {
        topic_list(self.topic_queues.keys().cloned().collect(), None)
    }

    /// The topics with queue data on a broker of `cluster_name`; none for an unknown cluster.
    pub fn topics_by_cluster(&self, cluster_name: &str) -> TopicList {
        let Some(broker_names) = self.cluster_brokers.get(cluster_name) else {
            return TopicList::default();
        };
        let topics = self
            .topic_queues
            .iter()
            .filter(|(_, queues)| broker_names.iter().any(|name| queues.contains_key(name)))
            .map(|(topic, _)| topic.clone())
            .collect();
        topic_list(topics, None)
    }

    /// The "system topics" Java's name server lists: every cluster name and every broker name, with the
    /// address of one broker (the first broker name's lowest id) for the admin tool to ask next.
    pub fn system_topics(&self) -> TopicList {
        let mut names: Vec<String> = Vec::new();
        for (cluster, broker_names) in &self.cluster_brokers {
            names.push(cluster.clone());
            names.extend(broker_names.iter().cloned());
        }
        names.sort();
        names.dedup();
        let broker_addr = self
            .brokers
            .values()
            .find_map(|broker| broker.broker_addrs.values().next().cloned());
        topic_list(names, broker_addr)
    }

    /// The data version `broker_addr` last registered in `cluster_name`.
    pub fn data_version(&self, cluster_name: &str, broker_addr: &str) -> Option<DataVersion> {
        self.live
            .get(&BrokerAddrKey::new(cluster_name, broker_addr))
            .map(|info| info.data_version)
    }

    /// Whether `data_version` differs from the one `broker_addr` last registered (or nothing is registered).
    pub fn is_data_version_changed(
        &self,
        cluster_name: &str,
        broker_addr: &str,
        data_version: &DataVersion,
    ) -> bool {
        self.data_version(cluster_name, broker_addr).as_ref() != Some(data_version)
    }

    /// Renews the registration of `broker_addr` at `now`; returns whether it was registered.
    pub fn heartbeat(&mut self, cluster_name: &str, broker_addr: &str, now: i64) -> bool {
        match self.live.get_mut(&BrokerAddrKey::new(cluster_name, broker_addr)) {
            Some(info) => {
                info.last_update_millis = now;
                true
            }
            None => false,
        }
    }
}

fn topic_list(topic_list: Vec<String>, broker_addr: Option<String>) -> TopicList {
    TopicList {
        topic_list,
        broker_addr,
    }
}
