//! Topic administration: create / update (`UPDATE_AND_CREATE_TOPIC` on one broker or every master of a cluster,
//! plus the name server's `ORDER_TOPIC_CONFIG` entry for ordered topics), delete (`DELETE_TOPIC_IN_BROKER` on
//! every master, then `DELETE_TOPIC_IN_NAMESRV` on every name server), the topic list, routes and queue offsets
//! (`GET_TOPIC_STATS_INFO`). Mirrors mqadmin's `UpdateTopicSubCommand`, `DeleteTopicSubCommand`,
//! `TopicListSubCommand`, `TopicRouteSubCommand` and `TopicStatusSubCommand` with `DefaultMQAdminExtImpl`.

use fulmen_protocol::body::{
    GroupList, JsonBody, TopicConfig, TopicFilterType, TopicList, TopicRouteData, TopicStatsTable,
};
use fulmen_protocol::header::{
    CreateTopicRequestHeader, DeleteTopicFromNamesrvRequestHeader, DeleteTopicRequestHeader,
    GetKVConfigRequestHeader, GetKVConfigResponseHeader, GetTopicStatsInfoRequestHeader,
    PutKVConfigRequestHeader, QueryTopicConsumeByWhoRequestHeader,
};
use fulmen_protocol::java_text::{DEFAULT_CAPACITY, java_hash_order, string_set_order};
use fulmen_protocol::message::java_string_hash_code;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use indexmap::IndexMap;

use super::{Admin, expect_success, select_broker_addr, serving_brokers};
use crate::config::DEFAULT_CREATE_TOPIC_KEY;
use crate::error::{Error, ErrorKind, Result};

/// `old` (`broker:n;broker:n`) with `entry`'s broker set to `entry`, in the order Java's `HashMap` gives the
/// brokers.
fn merge_order_conf(old: Option<&str>, entry: &str) -> String {
    let mut entries: IndexMap<String, String> = IndexMap::new();
    let broker_of = |item: &str| item.split(':').next().unwrap_or_default().to_owned();
    for item in old
        .unwrap_or_default()
        .split(';')
        .filter(|item| !item.trim().is_empty())
    {
        entries.insert(broker_of(item), item.to_owned());
    }
    entries.insert(broker_of(entry), entry.to_owned());
    let ordered = java_hash_order(entries.into_iter().collect(), DEFAULT_CAPACITY, |(broker, _)| {
        java_string_hash_code(broker)
    });
    ordered
        .into_iter()
        .map(|(_, item)| item)
        .collect::<Vec<_>>()
        .join(";")
}

/// The name server's KV namespace of ordered topics' queue layout (`NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG`).
const ORDER_TOPIC_CONFIG_NAMESPACE: &str = "ORDER_TOPIC_CONFIG";

/// Where `create_topic` applies the topic configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicTarget {
    /// One broker, by address (`updateTopic -b`).
    Broker(String),
    /// Every master of a cluster, by cluster name (`updateTopic -c`).
    Cluster(String),
}

/// A topic's configuration as `updateTopic` builds it. [`TopicSettings::new`] gives mqadmin's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSettings {
    /// The topic name.
    pub topic: String,
    /// Readable queues (mqadmin default 8).
    pub read_queue_nums: i32,
    /// Writable queues (mqadmin default 8).
    pub write_queue_nums: i32,
    /// Permission bits: 2 write, 4 read, 1 inherit (default 6).
    pub perm: i32,
    /// Whether the topic is ordered; an ordered topic also gets an `ORDER_TOPIC_CONFIG` entry on the name servers.
    pub order: bool,
    /// `TopicSysFlag` bits (unit / unit-sub).
    pub topic_sys_flag: i32,
    /// Attribute changes as mqadmin's `-a`: `+key=value` sets, `-key` removes, comma separated.
    pub attributes: Option<String>,
}

impl TopicSettings {
    /// mqadmin's defaults for `topic`: 8 read and 8 write queues, perm 6 (read + write), not ordered.
    pub fn new(topic: impl Into<String>) -> Self {
        TopicSettings {
            topic: topic.into(),
            read_queue_nums: 8,
            write_queue_nums: 8,
            perm: 6,
            order: false,
            topic_sys_flag: 0,
            attributes: None,
        }
    }

    /// The configuration as a [`TopicConfig`] (attributes as parsed from `+key=value` items).
    pub fn to_topic_config(&self) -> TopicConfig {
        let attributes = self
            .attributes
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter_map(|item| item.strip_prefix('+'))
            .filter_map(|item| item.split_once('='))
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect::<IndexMap<_, _>>();
        TopicConfig {
            topic_name: self.topic.clone(),
            read_queue_nums: self.read_queue_nums,
            write_queue_nums: self.write_queue_nums,
            perm: self.perm,
            topic_filter_type: TopicFilterType::SingleTag,
            topic_sys_flag: self.topic_sys_flag,
            order: self.order,
            attributes,
        }
    }

    fn request(&self) -> RemotingCommand {
        let header = CreateTopicRequestHeader {
            topic: self.topic.clone(),
            default_topic: DEFAULT_CREATE_TOPIC_KEY.to_owned(),
            read_queue_nums: self.read_queue_nums,
            write_queue_nums: self.write_queue_nums,
            perm: self.perm,
            topic_filter_type: "SINGLE_TAG".to_owned(),
            topic_sys_flag: Some(self.topic_sys_flag),
            order: self.order,
            attributes: self.attributes.clone(),
            force: None,
        };
        RemotingCommand::request(RequestCode::UPDATE_AND_CREATE_TOPIC).with_header(&header)
    }

    fn validate(&self) -> Result<()> {
        crate::validation::check_topic(&self.topic)?;
        if self.read_queue_nums <= 0 || self.write_queue_nums <= 0 {
            return Err(Error::invalid_argument("the queue counts must be positive"));
        }
        if !(0..=7).contains(&self.perm) {
            return Err(Error::invalid_argument(format!(
                "the perm {} is not valid",
                self.perm
            )));
        }
        Ok(())
    }
}

impl Admin {
    /// Creates or updates a topic on one broker or on every master of a cluster (`updateTopic -b / -c`) and
    /// returns the broker addresses it was applied to. The name servers learn it at the brokers' next
    /// registration. An ordered topic also gets its `ORDER_TOPIC_CONFIG` entry (`brokerName:writeQueueNums`, `;`
    /// joined) on every name server: the cluster's brokers replace it, one broker's entry is merged into it as
    /// Java does. The second value is the order configuration applied (the cluster's, or this broker's entry).
    pub async fn create_topic(
        &self,
        target: &TopicTarget,
        settings: &TopicSettings,
    ) -> Result<(Vec<String>, Option<String>)> {
        settings.validate()?;
        let (addrs, broker_names) = match target {
            TopicTarget::Broker(addr) => (vec![addr.clone()], Vec::new()),
            TopicTarget::Cluster(cluster) => {
                // In the order of the Java `HashSet`s mqadmin reads them from (`CommandUtil`).
                let masters = self.cluster_masters(cluster).await?;
                let names = string_set_order(masters.iter().map(|(name, _)| name.clone()).collect());
                (
                    string_set_order(masters.into_iter().map(|(_, addr)| addr).collect()),
                    names,
                )
            }
        };
        for addr in &addrs {
            self.call(addr, settings.request(), self.timeout()).await?;
        }
        if !settings.order {
            return Ok((addrs, None));
        }
        let order_conf = match target {
            TopicTarget::Broker(addr) => {
                let name = self.broker_name_of(addr).await?;
                let entry = format!("{name}:{}", settings.write_queue_nums);
                // One broker: merged into the entries of the other brokers (`createOrUpdateOrderConf(.., false)`).
                let old = self
                    .kv_config(ORDER_TOPIC_CONFIG_NAMESPACE, &settings.topic)
                    .await
                    .ok()
                    .flatten();
                self.put_order_conf(&settings.topic, &merge_order_conf(old.as_deref(), &entry))
                    .await?;
                entry
            }
            TopicTarget::Cluster(_) => {
                let conf = broker_names
                    .iter()
                    .map(|name| format!("{name}:{}", settings.write_queue_nums))
                    .collect::<Vec<_>>()
                    .join(";");
                self.put_order_conf(&settings.topic, &conf).await?;
                conf
            }
        };
        Ok((addrs, Some(order_conf)))
    }

    /// Deletes `topic` from every master of `cluster`, then from every configured name server (as mqadmin's
    /// `deleteTopic -c`). Returns the broker addresses it was deleted from.
    pub async fn delete_topic(&self, topic: &str, cluster: &str) -> Result<Vec<String>> {
        let masters = self.cluster_masters(cluster).await?;
        for (_, addr) in &masters {
            let header = DeleteTopicRequestHeader {
                topic: topic.to_owned(),
            };
            let request = RemotingCommand::request(RequestCode::DELETE_TOPIC_IN_BROKER).with_header(&header);
            self.call(addr, request, self.timeout()).await?;
        }
        for namesrv in self.config().client.namesrv_addrs() {
            let header = DeleteTopicFromNamesrvRequestHeader {
                topic: topic.to_owned(),
                cluster_name: Some(cluster.to_owned()),
            };
            let request = RemotingCommand::request(RequestCode::DELETE_TOPIC_IN_NAMESRV).with_header(&header);
            self.call(&namesrv, request, self.timeout()).await?;
        }
        Ok(masters.into_iter().map(|(_, addr)| addr).collect())
    }

    /// Every topic the name server knows (`GET_ALL_TOPIC_LIST_FROM_NAMESERVER`), system, retry and DLQ topics
    /// included, in the name server's order.
    pub async fn topic_list(&self) -> Result<Vec<String>> {
        let request = RemotingCommand::request(RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
        let response = self.instance().invoke_namesrv(request).await?;
        let response = expect_success(response, "the name server")?;
        Ok(TopicList::decode(&response.body)?.topic_list)
    }

    /// The route of `topic` as the name server gives it (not cached). An unknown topic gives
    /// [`ErrorKind::RouteNotFound`].
    pub async fn topic_route(&self, topic: &str) -> Result<TopicRouteData> {
        self.instance().fetch_route(topic).await
    }

    /// The min / max offsets and last update time of every queue of `topic` (`GET_TOPIC_STATS_INFO` to each
    /// broker of the route, master first), merged and sorted like Java's `MessageQueue.compareTo`.
    pub async fn topic_status(&self, topic: &str) -> Result<TopicStatsTable> {
        let route = self.topic_route(topic).await?;
        let mut merged = TopicStatsTable::default();
        for (_, addr) in serving_brokers(&route) {
            let header = GetTopicStatsInfoRequestHeader {
                topic: topic.to_owned(),
            };
            let request = RemotingCommand::request(RequestCode::GET_TOPIC_STATS_INFO).with_header(&header);
            let response = self.call(addr, request, self.timeout()).await?;
            let table = TopicStatsTable::decode(&response.body)?;
            merged.offset_table.extend(table.offset_table);
            merged.topic_put_tps += table.topic_put_tps;
        }
        merged.offset_table.sort_keys();
        Ok(merged)
    }

    /// The value of `namespace / key` in the key-value store of the name server in use (`GET_KV_CONFIG`), `None`
    /// when absent; e.g. an ordered topic's queue layout under `ORDER_TOPIC_CONFIG`.
    pub async fn kv_config(&self, namespace: &str, key: &str) -> Result<Option<String>> {
        let header = GetKVConfigRequestHeader {
            namespace: namespace.to_owned(),
            key: key.to_owned(),
        };
        let request = RemotingCommand::request(RequestCode::GET_KV_CONFIG).with_header(&header);
        let response = self.instance().invoke_namesrv(request).await?;
        if response.response_code() == ResponseCode::QUERY_NOT_FOUND {
            return Ok(None);
        }
        let response = expect_success(response, "the name server")?;
        Ok(response.decode_header::<GetKVConfigResponseHeader>()?.value)
    }

    /// The consumer groups that consume `topic` (`QUERY_TOPIC_CONSUME_BY_WHO` to the first broker of its route,
    /// as `DefaultMQAdminExtImpl.queryTopicConsumeByWho`).
    pub async fn topic_consumer_groups(&self, topic: &str) -> Result<Vec<String>> {
        let route = self.topic_route(topic).await?;
        let Some(addr) = route.broker_datas.first().and_then(select_broker_addr) else {
            return Ok(Vec::new());
        };
        let header = QueryTopicConsumeByWhoRequestHeader {
            topic: topic.to_owned(),
        };
        let request = RemotingCommand::request(RequestCode::QUERY_TOPIC_CONSUME_BY_WHO).with_header(&header);
        let response = self.call(addr, request, self.timeout()).await?;
        Ok(GroupList::decode(&response.body)?.group_list)
    }

    /// Puts `ORDER_TOPIC_CONFIG / topic = order_conf` on every configured name server.
    async fn put_order_conf(&self, topic: &str, order_conf: &str) -> Result<()> {
        for namesrv in self.config().client.namesrv_addrs() {
            let header = PutKVConfigRequestHeader {
                namespace: ORDER_TOPIC_CONFIG_NAMESPACE.to_owned(),
                key: topic.to_owned(),
                value: order_conf.to_owned(),
            };
            let request = RemotingCommand::request(RequestCode::PUT_KV_CONFIG).with_header(&header);
            self.call(&namesrv, request, self.timeout()).await?;
        }
        Ok(())
    }

    /// The broker name registered for the broker at `addr`.
    async fn broker_name_of(&self, addr: &str) -> Result<String> {
        let info = self.cluster_info().await?;
        info.broker_addr_table
            .values()
            .find(|broker| broker.broker_addrs.values().any(|known| known == addr))
            .map(|broker| broker.broker_name.clone())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidArgument,
                    format!("the broker {addr} is not registered on the name server"),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::merge_order_conf;

    #[test]
    fn order_conf_merges_one_broker_like_java() {
        assert_eq!(merge_order_conf(None, "broker-a:4"), "broker-a:4");
        // Java 17's HashMap iterates broker-b (bucket 8) before broker-a (bucket 11).
        assert_eq!(
            merge_order_conf(Some("broker-a:8;broker-b:8"), "broker-a:4"),
            "broker-b:8;broker-a:4"
        );
        assert_eq!(
            merge_order_conf(Some("broker-b:8"), "broker-a:4"),
            "broker-b:8;broker-a:4"
        );
    }
}
