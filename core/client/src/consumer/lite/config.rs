//! [`LitePullConsumerConfig`]: the settings of a [`crate::LitePullConsumer`], with `DefaultLitePullConsumer`'s
//! defaults and the checks of `DefaultLitePullConsumerImpl#checkConfig` and of its setters.
//!
//! Java's system properties (`rocketmq.client.rebalance.waitInterval`, `…minInterval`,
//! `rocketmq.client.localOffsetStoreDir`) and `ClientConfig.persistConsumerOffsetInterval` are fields here with the
//! same defaults, so tests can shorten them.

use std::path::PathBuf;
use std::time::Duration;

use fulmen_protocol::body::{ConsumeFromWhere, MessageModel};
use indexmap::IndexMap;

use crate::config::{ClientConfig, DEFAULT_MAX_MESSAGE_SIZE, non_zero};
use crate::consumer::allocate::AllocateStrategy;
use crate::consumer::offset_store::default_local_offset_dir;
use crate::consumer::rebalance::pull_from_where::{default_consume_timestamp, parse_consume_timestamp};
use crate::error::{Error, Result};
use crate::validation::{check_consumer, check_topic};

/// The shortest auto-commit interval (`MIN_AUTOCOMMIT_INTERVAL_MILLIS`).
pub const MIN_AUTO_COMMIT_INTERVAL: Duration = Duration::from_secs(1);

/// How long the broker holds a pull that found nothing (`brokerSuspendMaxTimeMillis`, fixed at 20 s in Fulmen).
const BROKER_SUSPEND_MAX: Duration = crate::consumer::pull_api::BROKER_SUSPEND_MAX;

/// Settings of a lite pull consumer. Build with [`LitePullConsumerConfig::new`], then set fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LitePullConsumerConfig {
    /// The client settings (name servers, RPC timeout, route and heartbeat intervals).
    pub client: ClientConfig,
    /// The consumer group.
    pub group: String,
    /// Clustering (members share the queues of subscribed topics, offsets on the broker) or broadcasting (every
    /// member gets every queue, offsets in a local file). Default clustering.
    pub message_model: MessageModel,
    /// How queues of subscribed topics are shared in clustering mode (`AVG`).
    pub allocate_strategy: AllocateStrategy,
    /// Where a queue without a stored offset starts: last (default), first or timestamp offset; the deprecated
    /// values are refused as Java's setter refuses them.
    pub consume_from_where: ConsumeFromWhere,
    /// The `yyyyMMddHHmmss` local time `ConsumeFromTimestamp` starts at; default half an hour before the config
    /// was created.
    pub consume_timestamp: String,
    /// Whether [`crate::LitePullConsumer::poll`] commits the consumed offsets (in memory; they reach the broker
    /// with the periodic persist) every `auto_commit_interval` (`autoCommit`, true).
    pub auto_commit: bool,
    /// The auto-commit period (`autoCommitIntervalMillis`, 5 s; at least [`MIN_AUTO_COMMIT_INTERVAL`]).
    pub auto_commit_interval: Duration,
    /// Pulls that may be in flight at once (`pullThreadNums`, 20; the size of Java's pull thread pool).
    pub pull_thread_nums: usize,
    /// Messages per pull (`pullBatchSize`, 10); also the most one `poll` returns.
    pub pull_batch_size: i32,
    /// Pulling pauses while the pulled-but-not-polled batches times `pull_batch_size` exceed this
    /// (`pullThresholdForAll`, 10 000).
    pub pull_threshold_for_all: usize,
    /// A queue stops being pulled while its first and last cached offsets are further apart than this
    /// (`consumeMaxSpan`, 2 000).
    pub consume_max_span: i64,
    /// Cached messages per queue before pulling it pauses (`pullThresholdForQueue`, 1 000).
    pub pull_threshold_for_queue: usize,
    /// Cached body MiB per queue before pulling it pauses (`pullThresholdSizeForQueue`, 100).
    pub pull_threshold_size_for_queue: u64,
    /// How long [`crate::LitePullConsumer::poll_default`] waits (`pollTimeoutMillis`, 5 s).
    pub poll_timeout: Duration,
    /// The wait for the answer of a pull the broker may hold for 20 s (`consumerTimeoutMillisWhenSuspend`, 30 s;
    /// must exceed the 20 s hold).
    pub consumer_timeout_when_suspend: Duration,
    /// The pause after a failed pull (`pullTimeDelayMillsWhenException`, 1 s).
    pub pull_delay_on_exception: Duration,
    /// How often the queues of topics with a queue change listener are checked (`topicMetadataCheckIntervalMillis`,
    /// 30 s).
    pub topic_metadata_check_interval: Duration,
    /// How often offsets are sent to the brokers or the local file (`persistConsumerOffsetInterval`, 5 s).
    pub persist_offset_interval: Duration,
    /// How often subscribed topics are rebalanced (`rocketmq.client.rebalance.waitInterval`, 20 s).
    pub rebalance_interval: Duration,
    /// The shortest gap between two rebalances (`rocketmq.client.rebalance.minInterval`, 1 s).
    pub rebalance_min_interval: Duration,
    /// Topic → tag expression used when pulling assigned queues (`setSubExpression4Assign`; `*` when absent).
    pub assign_expressions: IndexMap<String, String>,
    /// Where broadcasting consumers keep their offset files (`rocketmq.client.localOffsetStoreDir`,
    /// `~/.rocketmq_offsets`).
    pub local_offset_store_dir: PathBuf,
    /// The largest body a pulled message may decompress to (4 MiB).
    pub max_message_size: usize,
}

impl LitePullConsumerConfig {
    /// Defaults with the name servers `namesrv_addr` and the consumer `group`.
    pub fn new(namesrv_addr: impl Into<String>, group: impl Into<String>) -> Self {
        LitePullConsumerConfig {
            client: ClientConfig::new(namesrv_addr),
            group: group.into(),
            message_model: MessageModel::Clustering,
            allocate_strategy: AllocateStrategy::Averagely,
            consume_from_where: ConsumeFromWhere::ConsumeFromLastOffset,
            consume_timestamp: default_consume_timestamp(),
            auto_commit: true,
            auto_commit_interval: Duration::from_secs(5),
            pull_thread_nums: 20,
            pull_batch_size: 10,
            pull_threshold_for_all: 10_000,
            consume_max_span: 2_000,
            pull_threshold_for_queue: 1_000,
            pull_threshold_size_for_queue: 100,
            poll_timeout: Duration::from_secs(5),
            consumer_timeout_when_suspend: Duration::from_secs(30),
            pull_delay_on_exception: Duration::from_secs(1),
            topic_metadata_check_interval: Duration::from_secs(30),
            persist_offset_interval: Duration::from_secs(5),
            rebalance_interval: Duration::from_secs(20),
            rebalance_min_interval: Duration::from_secs(1),
            assign_expressions: IndexMap::new(),
            local_offset_store_dir: default_local_offset_dir(),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
        }
    }

    /// The same config pulling assigned queues of `topic` with the tag `expression` (`setSubExpression4Assign`).
    pub fn assign_expression(mut self, topic: impl Into<String>, expression: impl Into<String>) -> Self {
        self.assign_expressions.insert(topic.into(), expression.into());
        self
    }

    /// Checks every value as `DefaultLitePullConsumerImpl#checkConfig` and the setters do.
    ///
    /// Differs from Java on purpose: Java's `setAutoCommitIntervalMillis` silently ignores values below 1 s; here
    /// they are refused, so a short interval never turns into the 5 s default unnoticed.
    pub fn validate(&self) -> Result<()> {
        self.client.validate()?;
        check_consumer(&self.group, &self.message_model)?;
        if !matches!(
            self.consume_from_where,
            ConsumeFromWhere::ConsumeFromLastOffset
                | ConsumeFromWhere::ConsumeFromFirstOffset
                | ConsumeFromWhere::ConsumeFromTimestamp
        ) {
            return Err(Error::invalid_argument("Invalid ConsumeFromWhere Value"));
        }
        parse_consume_timestamp(&self.consume_timestamp)?;
        if self.consumer_timeout_when_suspend < BROKER_SUSPEND_MAX {
            return Err(Error::invalid_argument(
                "Long polling mode, the consumer consumerTimeoutMillisWhenSuspend must greater than \
                 brokerSuspendMaxTimeMillis",
            ));
        }
        if self.auto_commit_interval < MIN_AUTO_COMMIT_INTERVAL {
            return Err(Error::invalid_argument(format!(
                "autoCommitIntervalMillis must be at least {} ms",
                MIN_AUTO_COMMIT_INTERVAL.as_millis()
            )));
        }
        for (name, value) in [
            ("pullThreadNums", self.pull_thread_nums),
            ("pullThresholdForAll", self.pull_threshold_for_all),
            ("pullThresholdForQueue", self.pull_threshold_for_queue),
        ] {
            if value == 0 {
                return Err(Error::invalid_argument(format!("{name} must be at least 1")));
            }
        }
        if self.pull_batch_size < 1 {
            return Err(Error::invalid_argument("pullBatchSize must be at least 1"));
        }
        if self.consume_max_span < 1 || self.pull_threshold_size_for_queue < 1 {
            return Err(Error::invalid_argument(
                "consumeMaxSpan and pullThresholdSizeForQueue must be at least 1",
            ));
        }
        for (topic, expression) in &self.assign_expressions {
            check_topic(topic)?;
            if expression.trim().is_empty() {
                return Err(Error::invalid_argument("subExpression can not be null or empty."));
            }
        }
        non_zero("persist_offset_interval", self.persist_offset_interval)?;
        non_zero("rebalance_interval", self.rebalance_interval)?;
        non_zero(
            "topic_metadata_check_interval",
            self.topic_metadata_check_interval,
        )?;
        if self.max_message_size == 0 {
            return Err(Error::invalid_argument("max_message_size must be at least 1"));
        }
        Ok(())
    }

    /// The tag expression assigned queues of `topic` are pulled with.
    pub(crate) fn assign_expression_of(&self, topic: &str) -> &str {
        self.assign_expressions
            .get(topic)
            .map_or(fulmen_protocol::body::SUBSCRIBE_ALL, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_javas_and_validate() {
        let config = LitePullConsumerConfig::new("127.0.0.1:9876", "CG");
        assert!(config.auto_commit);
        assert_eq!(config.auto_commit_interval, Duration::from_secs(5));
        assert_eq!(config.pull_thread_nums, 20);
        assert_eq!(config.pull_batch_size, 10);
        assert_eq!(config.pull_threshold_for_all, 10_000);
        assert_eq!(config.consume_max_span, 2_000);
        assert_eq!(config.pull_threshold_for_queue, 1_000);
        assert_eq!(config.pull_threshold_size_for_queue, 100);
        assert_eq!(config.poll_timeout, Duration::from_secs(5));
        assert_eq!(config.consumer_timeout_when_suspend, Duration::from_secs(30));
        assert_eq!(config.message_model, MessageModel::Clustering);
        assert_eq!(config.consume_from_where, ConsumeFromWhere::ConsumeFromLastOffset);
        assert_eq!(config.assign_expression_of("T"), "*");
        config.validate().unwrap();
    }

    #[test]
    fn bad_values_use_javas_wording() {
        let mut config = LitePullConsumerConfig::new("127.0.0.1:9876", "CG");
        config.consume_from_where = ConsumeFromWhere::ConsumeFromMaxOffset;
        assert_eq!(
            config.validate().unwrap_err().message(),
            "Invalid ConsumeFromWhere Value"
        );
        let mut config = LitePullConsumerConfig::new("127.0.0.1:9876", "CG");
        config.consumer_timeout_when_suspend = Duration::from_secs(10);
        assert!(
            config
                .validate()
                .unwrap_err()
                .message()
                .starts_with("Long polling mode")
        );
        let mut config = LitePullConsumerConfig::new("127.0.0.1:9876", "CG");
        config.auto_commit_interval = Duration::from_millis(999);
        assert!(config.validate().is_err());
        let config = LitePullConsumerConfig::new("127.0.0.1:9876", "CG").assign_expression("T", " ");
        assert_eq!(
            config.validate().unwrap_err().message(),
            "subExpression can not be null or empty."
        );
        assert!(
            LitePullConsumerConfig::new("127.0.0.1:9876", "DEFAULT_CONSUMER")
                .validate()
                .is_err()
        );
    }
}
