//! The broker's topic table (Java's `TopicConfigManager`): the system topics 5.3.3 defines at start, creation on
//! send from a template (REMOTING.md §8.9), admin create / update / delete, and `config/topics.json`.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use fulmen_protocol::body::{DataVersion, JsonBody, TopicConfig, TopicConfigSerializeWrapper};
use indexmap::IndexMap;
use tracing::{info, warn};

use crate::config::BrokerConfig;
use crate::error::Result;
use crate::persist::ConfigFile;
use crate::time::now_millis;
use crate::topic_validator::{
    AUTO_CREATE_TOPIC_KEY_TOPIC, BENCHMARK_TOPIC, OFFSET_MOVED_EVENT, REPLY_TOPIC_POSTFIX,
    REVIVE_TOPIC_PREFIX, SCHEDULE_TOPIC, SELF_TEST_TOPIC, SYNC_BROKER_MEMBER_GROUP_PREFIX, TIMER_TOPIC,
    TRANS_HALF_TOPIC, TRANS_OP_HALF_TOPIC, is_static_system_topic,
};

/// Permission bit: readable.
pub(crate) const PERM_READ: i32 = 4;
/// Permission bit: writable.
pub(crate) const PERM_WRITE: i32 = 2;
/// Permission bit: a template other topics inherit from.
pub(crate) const PERM_INHERIT: i32 = 1;
/// The number of delay levels (queues of `SCHEDULE_TOPIC_XXXX`).
const DELAY_LEVELS: i32 = 18;
/// The queue count of the POP revive topic (`reviveQueueNum`).
const REVIVE_QUEUE_NUMS: i32 = 8;

/// Java's `PermName.isWriteable`.
pub(crate) fn is_writable(perm: i32) -> bool {
    perm & PERM_WRITE != 0
}

/// The topic configs and their version.
#[derive(Debug, Default)]
struct TopicTable {
    topics: IndexMap<String, TopicConfig>,
    data_version: DataVersion,
}

impl TopicTable {
    fn bump_version(&mut self) {
        self.data_version.counter += 1;
        self.data_version.timestamp = now_millis();
    }
}

/// The topics this broker serves.
#[derive(Debug)]
pub(crate) struct TopicConfigManager {
    table: Mutex<TopicTable>,
    file: ConfigFile,
    /// The topics this broker adds to Java's system topic set at start (cluster, broker and reply topics).
    system_names: Vec<String>,
}

impl TopicConfigManager {
    /// The system topics Java defines at start, overlaid by `config/topics.json` when it exists. Blocking.
    pub(crate) fn load(config: &BrokerConfig, config_dir: &Path) -> Result<Self> {
        let mut table = TopicTable {
            topics: IndexMap::new(),
            data_version: DataVersion {
                timestamp: now_millis(),
                ..DataVersion::default()
            },
        };
        let system = system_topics(config);
        let system_names = system
            .iter()
            .map(|topic| topic.topic_name.clone())
            .filter(|name| !is_static_system_topic(name))
            .collect();
        for topic in system {
            table.topics.insert(topic.topic_name.clone(), topic);
        }
        let file = ConfigFile::new(config_dir.join("topics.json"));
        if let Some(content) = file.read(|bytes| TopicConfigSerializeWrapper::decode(bytes).is_ok())? {
            let stored = TopicConfigSerializeWrapper::decode(&content)?;
            info!(topics = stored.topic_config_table.len(), "loaded topics.json");
            table.topics.extend(stored.topic_config_table);
            table.data_version = stored.data_version;
        }
        Ok(TopicConfigManager {
            table: Mutex::new(table),
            file,
            system_names,
        })
    }

    fn lock(&self) -> MutexGuard<'_, TopicTable> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the table's data version on without a change (Java does so when `brokerPermission` changes, so
    /// that name servers take the next registration's masked permissions).
    pub(crate) fn next_version(&self) {
        self.lock().bump_version();
    }

    /// Whether `topic` is reserved by the system: Java's static set, the `rmq_sys_` prefix, or a topic this broker
    /// defined at start for its cluster or name (admin requests may not create or delete it).
    pub(crate) fn is_system_topic(&self, topic: &str) -> bool {
        is_static_system_topic(topic) || self.system_names.iter().any(|name| name == topic)
    }

    /// The config of `topic`, if the broker has it.
    pub(crate) fn select(&self, topic: &str) -> Option<TopicConfig> {
        self.lock().topics.get(topic).cloned()
    }

    /// The topic table and its version, as registered with name servers and answered to GET_ALL_TOPIC_CONFIG.
    pub(crate) fn snapshot(&self) -> TopicConfigSerializeWrapper {
        let table = self.lock();
        TopicConfigSerializeWrapper::with_empty_mappings(
            table.topics.clone(),
            table.data_version,
            DataVersion {
                timestamp: table.data_version.timestamp,
                ..DataVersion::default()
            },
        )
    }

    /// Creates or replaces `topic_config`; returns whether anything changed. Call [`Self::persist`] after.
    pub(crate) fn upsert(&self, topic_config: TopicConfig) -> bool {
        let mut table = self.lock();
        if table.topics.get(&topic_config.topic_name) == Some(&topic_config) {
            return false;
        }
        info!(topic = %topic_config.topic_name, ?topic_config, "topic created or updated");
        table.topics.insert(topic_config.topic_name.clone(), topic_config);
        table.bump_version();
        true
    }

    /// Removes `topic`; returns whether it existed. Call [`Self::persist`] after.
    pub(crate) fn delete(&self, topic: &str) -> bool {
        let mut table = self.lock();
        if table.topics.shift_remove(topic).is_none() {
            return false;
        }
        info!(%topic, "topic deleted");
        table.bump_version();
        true
    }

    /// Java's `createTopicInSendMessageMethod`: the topic if it exists, else a new one made from the template
    /// `default_topic` when the template is inheritable, with `min(client_queue_nums, template write queues)`
    /// queues and the template's permission without INHERIT (`TBW102` counts as not inheritable while
    /// `autoCreateTopicEnable` is off). The flag tells whether it was created now.
    pub(crate) fn create_in_send(
        &self,
        topic: &str,
        default_topic: &str,
        client_queue_nums: i32,
        topic_sys_flag: i32,
        auto_create_topic_enable: bool,
    ) -> Option<(TopicConfig, bool)> {
        let mut table = self.lock();
        if let Some(existing) = table.topics.get(topic) {
            return Some((existing.clone(), false));
        }
        let Some(template) = table.topics.get(default_topic) else {
            warn!(%topic, %default_topic, "create topic on send: the template topic does not exist");
            return None;
        };
        let mut template_perm = template.perm;
        if default_topic == AUTO_CREATE_TOPIC_KEY_TOPIC && !auto_create_topic_enable {
            template_perm = PERM_READ | PERM_WRITE;
        }
        if template_perm & PERM_INHERIT == 0 {
            warn!(%topic, %default_topic, perm = template_perm, "create topic on send: the template cannot be inherited");
            return None;
        }
        let queue_nums = client_queue_nums.min(template.write_queue_nums).max(0);
        let created = TopicConfig {
            topic_name: topic.to_owned(),
            read_queue_nums: queue_nums,
            write_queue_nums: queue_nums,
            perm: template_perm & !PERM_INHERIT,
            topic_filter_type: template.topic_filter_type.clone(),
            topic_sys_flag,
            ..TopicConfig::default()
        };
        info!(%topic, %default_topic, queue_nums, "topic created on send");
        table.topics.insert(topic.to_owned(), created.clone());
        table.bump_version();
        Some((created, true))
    }

    /// Java's `createTopicInSendMessageBackMethod`: the topic if it exists (with its `order` flag set to
    /// `order` when it differs), else a new one with `queue_nums` read and write queues, `perm` and `order`
    /// (retry topics). The flag tells whether the table changed now.
    pub(crate) fn create_in_send_back(
        &self,
        topic: &str,
        queue_nums: i32,
        perm: i32,
        order: bool,
        topic_sys_flag: i32,
    ) -> (TopicConfig, bool) {
        let mut table = self.lock();
        if let Some(existing) = table.topics.get_mut(topic) {
            if existing.order == order {
                return (existing.clone(), false);
            }
            existing.order = order;
            let updated = existing.clone();
            info!(%topic, order, "topic order flag updated");
            table.bump_version();
            return (updated, true);
        }
        let created = TopicConfig {
            topic_sys_flag,
            order,
            ..TopicConfig::new(topic, queue_nums, queue_nums, perm)
        };
        info!(%topic, queue_nums, "retry or dead-letter topic created");
        table.topics.insert(topic.to_owned(), created.clone());
        table.bump_version();
        (created, true)
    }

    /// Writes `config/topics.json` (without the 5.x mapping fields, like Java's `TopicConfigManager#encode`).
    pub(crate) async fn persist(&self) -> Result<()> {
        self.file
            .write_with(|| {
                let table = self.lock();
                let wrapper = TopicConfigSerializeWrapper {
                    topic_config_table: table.topics.clone(),
                    data_version: table.data_version,
                    ..TopicConfigSerializeWrapper::default()
                };
                drop(table);
                Ok(wrapper.encode()?)
            })
            .await
    }
}

/// The topics Java 5.3.3's `TopicConfigManager#init` defines before loading topics.json, in its order. (The
/// trace topic is only defined with `traceTopicEnable`, off by default and not configurable here; the timer topic
/// is defined because `timerWheelEnable` defaults to true.)
fn system_topics(config: &BrokerConfig) -> Vec<TopicConfig> {
    let rw = PERM_READ | PERM_WRITE;
    let cluster = &config.cluster_name;
    let mut topics = vec![TopicConfig::new(SELF_TEST_TOPIC, 1, 1, rw)];
    if config.auto_create_topic_enable {
        let queues = config.default_topic_queue_nums;
        topics.push(TopicConfig::new(
            AUTO_CREATE_TOPIC_KEY_TOPIC,
            queues,
            queues,
            PERM_INHERIT | rw,
        ));
    }
    topics.extend([
        TopicConfig::new(BENCHMARK_TOPIC, 1024, 1024, rw),
        // clusterTopicEnable and brokerTopicEnable default to true: INHERIT | READ | WRITE.
        TopicConfig::new(cluster.clone(), 16, 16, PERM_INHERIT | rw),
        TopicConfig::new(config.broker_name.clone(), 1, 1, PERM_INHERIT | rw),
        TopicConfig::new(OFFSET_MOVED_EVENT, 1, 1, rw),
        TopicConfig::new(SCHEDULE_TOPIC, DELAY_LEVELS, DELAY_LEVELS, rw),
        TopicConfig::new(format!("{cluster}_{REPLY_TOPIC_POSTFIX}"), 1, 1, rw),
        TopicConfig::new(
            format!("{REVIVE_TOPIC_PREFIX}{cluster}"),
            REVIVE_QUEUE_NUMS,
            REVIVE_QUEUE_NUMS,
            rw,
        ),
        TopicConfig::new(
            format!("{SYNC_BROKER_MEMBER_GROUP_PREFIX}{}", config.broker_name),
            1,
            1,
            PERM_INHERIT,
        ),
        TopicConfig::new(TRANS_HALF_TOPIC, 1, 1, rw),
        TopicConfig::new(TRANS_OP_HALF_TOPIC, 1, 1, rw),
        TopicConfig::new(TIMER_TOPIC, 1, 1, rw),
    ]);
    topics
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manager() -> (tempfile::TempDir, TopicConfigManager) {
        let dir = tempfile::tempdir().unwrap();
        let config = BrokerConfig::new(dir.path());
        let manager = TopicConfigManager::load(&config, &dir.path().join("config")).unwrap();
        (dir, manager)
    }

    #[test]
    fn system_topics_and_auto_create_follow_java() {
        let (_dir, topics) = manager();
        let tbw = topics.select("TBW102").unwrap();
        assert_eq!((tbw.read_queue_nums, tbw.write_queue_nums, tbw.perm), (8, 8, 7));
        assert!(topics.select("DefaultCluster").is_some());
        assert!(topics.select("broker-a").is_some());
        for system in [
            "DefaultCluster",
            "broker-a",
            "DefaultCluster_REPLY_TOPIC",
            "TBW102",
            "rmq_sys_x",
        ] {
            assert!(topics.is_system_topic(system), "{system}");
        }
        assert!(!topics.is_system_topic("Orders"));
        let before = topics.snapshot().data_version.counter;
        let (created, fresh) = topics.create_in_send("T1", "TBW102", 4, 0, true).unwrap();
        assert!(fresh);
        assert_eq!(
            (created.read_queue_nums, created.write_queue_nums, created.perm),
            (4, 4, 6)
        );
        assert_eq!(topics.snapshot().data_version.counter, before + 1);
        assert!(
            topics.create_in_send("T2", "T1", 4, 0, true).is_none(),
            "T1 is not inheritable"
        );
        let (wide, _) = topics.create_in_send("T3", "TBW102", 16, 0, true).unwrap();
        assert_eq!(wide.write_queue_nums, 8);
        assert!(
            topics.create_in_send("T4", "TBW102", 4, 0, false).is_none(),
            "TBW102 does not count as a template while autoCreateTopicEnable is off"
        );
    }

    #[tokio::test]
    async fn persisted_topics_load_again() {
        let dir = tempfile::tempdir().unwrap();
        let config = BrokerConfig::new(dir.path());
        let config_dir = dir.path().join("config");
        let topics = TopicConfigManager::load(&config, &config_dir).unwrap();
        topics.upsert(TopicConfig::new("Orders", 2, 3, 6));
        topics.persist().await.unwrap();
        let again = TopicConfigManager::load(&config, &config_dir).unwrap();
        let orders = again.select("Orders").unwrap();
        assert_eq!((orders.read_queue_nums, orders.write_queue_nums), (2, 3));
        assert_eq!(again.snapshot().data_version, topics.snapshot().data_version);
    }
}
