//! [`LocalClusterBuilder`]: how many name servers and brokers, and how the brokers are set up.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use fulmen_broker::BrokerConfig;
use fulmen_store::FlushMode;

use crate::cluster::LocalCluster;
use crate::error::{Result, TestkitError};

/// The commitlog file size of a local broker: small, so tests that roll files stay fast, and still larger than
/// the biggest message (4 MiB).
pub const DEFAULT_COMMIT_LOG_FILE_SIZE: usize = 8 * 1024 * 1024;
/// The consume-queue file size of a local broker, in entries.
pub const DEFAULT_CONSUME_QUEUE_ENTRIES: usize = 10_000;

type ConfigureBroker = Arc<dyn Fn(usize, &mut BrokerConfig) + Send + Sync>;

/// Describes a [`LocalCluster`]; [`LocalClusterBuilder::start`] starts it.
#[derive(Clone)]
pub struct LocalClusterBuilder {
    pub(crate) name_servers: usize,
    pub(crate) brokers: usize,
    pub(crate) cluster_name: String,
    pub(crate) store_dir: Option<PathBuf>,
    pub(crate) keep_store: bool,
    pub(crate) commit_log_file_size: usize,
    pub(crate) consume_queue_entries: usize,
    pub(crate) flush_mode: FlushMode,
    pub(crate) auto_create_topics: bool,
    pub(crate) configure_broker: Option<ConfigureBroker>,
}

impl Default for LocalClusterBuilder {
    fn default() -> Self {
        LocalClusterBuilder {
            name_servers: 1,
            brokers: 1,
            cluster_name: "DefaultCluster".into(),
            store_dir: None,
            keep_store: false,
            commit_log_file_size: DEFAULT_COMMIT_LOG_FILE_SIZE,
            consume_queue_entries: DEFAULT_CONSUME_QUEUE_ENTRIES,
            flush_mode: FlushMode::default(),
            auto_create_topics: true,
            configure_broker: None,
        }
    }
}

impl LocalClusterBuilder {
    /// How many name servers (default 1). They do not know each other; every broker registers with all.
    pub fn name_servers(mut self, count: usize) -> Self {
        self.name_servers = count;
        self
    }

    /// How many brokers (default 1), named `broker-a`, `broker-b`, ..., each a master with its own store.
    pub fn brokers(mut self, count: usize) -> Self {
        self.brokers = count;
        self
    }

    /// The brokers' cluster name (default `DefaultCluster`).
    pub fn cluster_name(mut self, name: impl Into<String>) -> Self {
        self.cluster_name = name.into();
        self
    }

    /// Puts the stores under `dir` (one subdirectory per broker) instead of a fresh temporary directory. A
    /// directory given here is never removed.
    pub fn store_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.store_dir = Some(dir.into());
        self
    }

    /// Keeps the temporary store directory after the cluster is dropped (to inspect it after a failed test).
    pub fn keep_store(mut self, keep: bool) -> Self {
        self.keep_store = keep;
        self
    }

    /// The size of each commitlog file (default 8 MiB).
    pub fn commit_log_file_size(mut self, bytes: usize) -> Self {
        self.commit_log_file_size = bytes;
        self
    }

    /// The number of entries in each consume-queue file (default 10,000).
    pub fn consume_queue_entries(mut self, entries: usize) -> Self {
        self.consume_queue_entries = entries;
        self
    }

    /// Async flush (the default, every 500 ms) or sync flush.
    pub fn flush_mode(mut self, mode: FlushMode) -> Self {
        self.flush_mode = mode;
        self
    }

    /// Whether brokers create unknown topics on first send (default true, as Apache's `autoCreateTopicEnable`).
    pub fn auto_create_topics(mut self, enabled: bool) -> Self {
        self.auto_create_topics = enabled;
        self
    }

    /// Adjusts each broker's configuration (given its index) after the builder's settings are applied.
    pub fn configure_broker(
        mut self,
        configure: impl Fn(usize, &mut BrokerConfig) + Send + Sync + 'static,
    ) -> Self {
        self.configure_broker = Some(Arc::new(configure));
        self
    }

    /// Starts the name servers, then the brokers, all on 127.0.0.1 with free ports, on the caller's runtime.
    pub async fn start(self) -> Result<LocalCluster> {
        if self.name_servers == 0 {
            return Err(TestkitError::InvalidConfig(
                "at least one name server is needed".into(),
            ));
        }
        LocalCluster::launch(self).await
    }

    /// The configuration of broker `index`, registering with `namesrv_addrs` and storing under `store_root`.
    pub(crate) fn broker_config(
        &self,
        index: usize,
        namesrv_addrs: &[String],
        store_root: &std::path::Path,
    ) -> BrokerConfig {
        let name = broker_name(index);
        let mut config = BrokerConfig::new(store_root.join(&name));
        config.broker_name = name;
        config.cluster_name = self.cluster_name.clone();
        config.namesrv_addrs = namesrv_addrs.to_vec();
        config.auto_create_topic_enable = self.auto_create_topics;
        config.store.commit_log_file_size = self.commit_log_file_size;
        config.store.consume_queue_entries_per_file = self.consume_queue_entries;
        config.store.flush_mode = self.flush_mode;
        config.shutdown_timeout = Duration::from_secs(2);
        if let Some(configure) = &self.configure_broker {
            configure(index, &mut config);
        }
        config
    }
}

impl fmt::Debug for LocalClusterBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalClusterBuilder")
            .field("name_servers", &self.name_servers)
            .field("brokers", &self.brokers)
            .field("cluster_name", &self.cluster_name)
            .field("store_dir", &self.store_dir)
            .field("keep_store", &self.keep_store)
            .field("commit_log_file_size", &self.commit_log_file_size)
            .field("consume_queue_entries", &self.consume_queue_entries)
            .field("flush_mode", &self.flush_mode)
            .field("auto_create_topics", &self.auto_create_topics)
            .field("configure_broker", &self.configure_broker.is_some())
            .finish()
    }
}

/// `broker-a` ... `broker-z`, then `broker-26`, `broker-27`, ...
pub(crate) fn broker_name(index: usize) -> String {
    match u8::try_from(index) {
        Ok(small) if small < 26 => format!("broker-{}", char::from(b'a' + small)),
        _ => format!("broker-{index}"),
    }
}
