//! [`PushConsumerConfig`]: the settings of a [`crate::PushConsumer`], with `DefaultMQPushConsumer`'s defaults and
//! the range checks of `DefaultMQPushConsumerImpl#checkConfig` (same "Out of range" wording).
//!
//! Java's system properties (`rocketmq.client.rebalance.waitInterval`, `…lockInterval`, `…unlockDelayTimeMills`,
//! `rocketmq.client.maxTimeConsumeContinuously`, `rocketmq.client.localOffsetStoreDir`) are fields here with the
//! same defaults, so tests can shorten them.

use std::path::PathBuf;
use std::time::Duration;

use fulmen_protocol::body::{ConsumeFromWhere, MessageModel};
use indexmap::IndexMap;

use crate::config::{ClientConfig, DEFAULT_MAX_MESSAGE_SIZE};
use crate::consumer::allocate::AllocateStrategy;
use crate::consumer::offset_store::default_local_offset_dir;
use crate::consumer::rebalance::pull_from_where::{default_consume_timestamp, parse_consume_timestamp};
use crate::error::{Error, Result};
use crate::validation::{check_consumer, check_topic};

/// Settings of a push consumer. Build with [`PushConsumerConfig::new`], then set fields or use
/// [`PushConsumerConfig::subscribe`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushConsumerConfig {
    /// The client settings (name servers, RPC timeout, route and heartbeat intervals).
    pub client: ClientConfig,
    /// The consumer group.
    pub group: String,
    /// Topic → tag expression (`*`, `TagA || TagB`), subscribed at start.
    pub subscriptions: IndexMap<String, String>,
    /// Clustering (members share the queues, offsets on the broker) or broadcasting (every member gets every
    /// message, offsets in a local file). Default clustering.
    pub message_model: MessageModel,
    /// Where a queue without a stored offset starts (`CONSUME_FROM_LAST_OFFSET`).
    pub consume_from_where: ConsumeFromWhere,
    /// The `yyyyMMddHHmmss` local time `ConsumeFromTimestamp` starts at; default half an hour before the config
    /// was created.
    pub consume_timestamp: String,
    /// How queues are shared in clustering mode (`AVG`).
    pub allocate_strategy: AllocateStrategy,
    /// Listener calls that may run at once (`consumeThreadMin`, 20; 1..=1000).
    pub consume_thread_min: u32,
    /// Accepted and checked like Java's `consumeThreadMax` (20), but as in Java only the minimum matters.
    pub consume_thread_max: u32,
    /// Concurrent mode stops pulling a queue while its first and last cached offsets are further apart than this
    /// (`consumeConcurrentlyMaxSpan`, 2000; 1..=65535).
    pub consume_concurrently_max_span: i64,
    /// Cached messages per queue before pulling pauses (`pullThresholdForQueue`, 1000; 1..=65535).
    pub pull_threshold_for_queue: usize,
    /// Cached body MiB per queue before pulling pauses (`pullThresholdSizeForQueue`, 100; 1..=1024).
    pub pull_threshold_size_for_queue: u64,
    /// Cached messages per topic, split over its queues (−1 = off; else 1..=6 553 500).
    pub pull_threshold_for_topic: i64,
    /// Cached MiB per topic, split over its queues (−1 = off; else 1..=102 400).
    pub pull_threshold_size_for_topic: i64,
    /// Pause between pulls of a queue (`pullInterval`, 0; at most 65 535 ms).
    pub pull_interval: Duration,
    /// Messages per listener call (`consumeMessageBatchMaxSize`, 1; 1..=1024).
    pub consume_message_batch_max_size: usize,
    /// Messages per pull (`pullBatchSize`, 32; 1..=1024).
    pub pull_batch_size: i32,
    /// Bytes per pull (`pullBatchSizeInBytes`, 256 KiB).
    pub pull_batch_size_in_bytes: i32,
    /// Deliveries before a message goes to the DLQ (`maxReconsumeTimes`, −1 = 16 for concurrent listeners,
    /// unlimited for orderly ones).
    pub max_reconsume_times: i32,
    /// Orderly mode: the pause of a queue after a failed listener call (`suspendCurrentQueueTimeMillis`, 1 s).
    pub suspend_current_queue_time: Duration,
    /// The longest a concurrent listener call may take (`consumeTimeout`, 15 min); then its messages count as
    /// failed and go back to the broker.
    pub consume_timeout: Duration,
    /// How long shutdown waits for running listener calls (`awaitTerminationMillisWhenShutdown`, 0 = not at all;
    /// their messages are delivered again later).
    pub await_termination_when_shutdown: Duration,
    /// The pause after a failed pull (`pullTimeDelayMillsWhenException`, 1 s).
    pub pull_delay_on_exception: Duration,
    /// How often offsets are sent to the brokers (`persistConsumerOffsetInterval`, 5 s).
    pub persist_offset_interval: Duration,
    /// How often the queues are rebalanced (`rocketmq.client.rebalance.waitInterval`, 20 s).
    pub rebalance_interval: Duration,
    /// The shortest gap between two rebalances (`rocketmq.client.rebalance.minInterval`, 1 s).
    pub rebalance_min_interval: Duration,
    /// Orderly mode: how often queue locks are renewed (`rocketmq.client.rebalance.lockInterval`, 20 s).
    pub lock_interval: Duration,
    /// Orderly mode: a dropped queue is unlocked without waiting for its listener call this long after its last
    /// lock renewal (`rocketmq.client.unlockDelayTimeMills`, 20 s).
    pub unlock_delay: Duration,
    /// Orderly mode: the longest one queue is consumed before others get a turn
    /// (`rocketmq.client.maxTimeConsumeContinuously`, 60 s).
    pub max_time_consume_continuously: Duration,
    /// Where broadcasting consumers keep their offset files (`rocketmq.client.localOffsetStoreDir`,
    /// `~/.rocketmq_offsets`): `<dir>/<clientId>/<group>/offsets.json`, the client id being `ip@DEFAULT` unless
    /// `client.instance_name` says otherwise (a broadcasting consumer keeps the default instance name, as in Java).
    pub local_offset_store_dir: PathBuf,
    /// The largest body a pulled message may decompress to (4 MiB).
    pub max_message_size: usize,
    /// The pause between dropping the queues and applying the offsets of a RESET_CONSUMER_CLIENT_OFFSET (Java's
    /// fixed 10 s).
    pub reset_offset_pause: Duration,
}

impl PushConsumerConfig {
    /// Defaults with the name servers `namesrv_addr` and the consumer `group`.
    pub fn new(namesrv_addr: impl Into<String>, group: impl Into<String>) -> Self {
        PushConsumerConfig {
            client: ClientConfig::new(namesrv_addr),
            group: group.into(),
            subscriptions: IndexMap::new(),
            message_model: MessageModel::Clustering,
            consume_from_where: ConsumeFromWhere::ConsumeFromLastOffset,
            consume_timestamp: default_consume_timestamp(),
            allocate_strategy: AllocateStrategy::Averagely,
            consume_thread_min: 20,
            consume_thread_max: 20,
            consume_concurrently_max_span: 2000,
            pull_threshold_for_queue: 1000,
            pull_threshold_size_for_queue: 100,
            pull_threshold_for_topic: -1,
            pull_threshold_size_for_topic: -1,
            pull_interval: Duration::ZERO,
            consume_message_batch_max_size: 1,
            pull_batch_size: 32,
            pull_batch_size_in_bytes: 256 * 1024,
            max_reconsume_times: -1,
            suspend_current_queue_time: Duration::from_secs(1),
            consume_timeout: Duration::from_secs(15 * 60),
            await_termination_when_shutdown: Duration::ZERO,
            pull_delay_on_exception: Duration::from_secs(1),
            persist_offset_interval: Duration::from_secs(5),
            rebalance_interval: Duration::from_secs(20),
            rebalance_min_interval: Duration::from_secs(1),
            lock_interval: Duration::from_secs(20),
            unlock_delay: Duration::from_secs(20),
            max_time_consume_continuously: Duration::from_secs(60),
            local_offset_store_dir: default_local_offset_dir(),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            reset_offset_pause: Duration::from_secs(10),
        }
    }

    /// The same config subscribing `topic` with the tag `expression`.
    pub fn subscribe(mut self, topic: impl Into<String>, expression: impl Into<String>) -> Self {
        self.subscriptions.insert(topic.into(), expression.into());
        self
    }

    /// Checks every value as `DefaultMQPushConsumerImpl#checkConfig` does.
    pub fn validate(&self) -> Result<()> {
        self.client.validate()?;
        check_consumer(&self.group, &self.message_model)?;
        for topic in self.subscriptions.keys() {
            check_topic(topic)?;
        }
        parse_consume_timestamp(&self.consume_timestamp)?;
        range("consumeThreadMin", i64::from(self.consume_thread_min), 1, 1000)?;
        range("consumeThreadMax", i64::from(self.consume_thread_max), 1, 1000)?;
        if self.consume_thread_min > self.consume_thread_max {
            return Err(Error::invalid_argument(format!(
                "consumeThreadMin ({}) is larger than consumeThreadMax ({})",
                self.consume_thread_min, self.consume_thread_max
            )));
        }
        range(
            "consumeConcurrentlyMaxSpan",
            self.consume_concurrently_max_span,
            1,
            65535,
        )?;
        range(
            "pullThresholdForQueue",
            len(self.pull_threshold_for_queue),
            1,
            65535,
        )?;
        if self.pull_threshold_for_topic != -1 {
            range(
                "pullThresholdForTopic",
                self.pull_threshold_for_topic,
                1,
                6_553_500,
            )?;
        }
        let size = i64::try_from(self.pull_threshold_size_for_queue).unwrap_or(i64::MAX);
        range("pullThresholdSizeForQueue", size, 1, 1024)?;
        if self.pull_threshold_size_for_topic != -1 {
            range(
                "pullThresholdSizeForTopic",
                self.pull_threshold_size_for_topic,
                1,
                102_400,
            )?;
        }
        let interval = i64::try_from(self.pull_interval.as_millis()).unwrap_or(i64::MAX);
        range("pullInterval", interval, 0, 65535)?;
        range(
            "consumeMessageBatchMaxSize",
            len(self.consume_message_batch_max_size),
            1,
            1024,
        )?;
        range("pullBatchSize", i64::from(self.pull_batch_size), 1, 1024)?;
        if self.pull_batch_size_in_bytes < 1 {
            return Err(Error::invalid_argument("pullBatchSizeInBytes must be at least 1"));
        }
        for (name, value) in [
            ("consume_timeout", self.consume_timeout),
            ("persist_offset_interval", self.persist_offset_interval),
            ("rebalance_interval", self.rebalance_interval),
            ("lock_interval", self.lock_interval),
        ] {
            if value.is_zero() {
                return Err(Error::invalid_argument(format!(
                    "{name} must be longer than zero"
                )));
            }
        }
        if self.max_message_size == 0 {
            return Err(Error::invalid_argument("max_message_size must be at least 1"));
        }
        Ok(())
    }

    /// The delivery limit the broker is told (`maxReconsumeTimes`, −1 → 16).
    pub(crate) fn max_reconsume_times_concurrently(&self) -> i32 {
        if self.max_reconsume_times == -1 {
            16
        } else {
            self.max_reconsume_times
        }
    }

    /// The local retry limit of orderly listeners (−1 → unlimited).
    pub(crate) fn max_reconsume_times_orderly(&self) -> i32 {
        if self.max_reconsume_times == -1 {
            i32::MAX
        } else {
            self.max_reconsume_times
        }
    }
}

fn len(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn range(name: &str, value: i64, min: i64, max: i64) -> Result<()> {
    if value < min || value > max {
        return Err(Error::invalid_argument(format!(
            "{name} Out of range [{min}, {max}]"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_javas_and_validate() {
        let config = PushConsumerConfig::new("127.0.0.1:9876", "CG").subscribe("T", "*");
        assert_eq!(config.consume_thread_min, 20);
        assert_eq!(config.pull_threshold_for_queue, 1000);
        assert_eq!(config.pull_threshold_size_for_queue, 100);
        assert_eq!(config.consume_concurrently_max_span, 2000);
        assert_eq!(config.pull_batch_size, 32);
        assert_eq!(config.consume_timeout, Duration::from_secs(900));
        assert_eq!(config.rebalance_interval, Duration::from_secs(20));
        assert_eq!(config.max_reconsume_times_concurrently(), 16);
        assert_eq!(config.max_reconsume_times_orderly(), i32::MAX);
        config.validate().unwrap();
    }

    #[test]
    fn out_of_range_values_use_javas_wording() {
        let mut config = PushConsumerConfig::new("127.0.0.1:9876", "CG");
        config.consume_thread_min = 0;
        let error = config.validate().unwrap_err();
        assert!(
            error
                .message()
                .contains("consumeThreadMin Out of range [1, 1000]"),
            "{error}"
        );
        let mut config = PushConsumerConfig::new("127.0.0.1:9876", "CG");
        config.pull_batch_size = 1025;
        assert!(
            config
                .validate()
                .unwrap_err()
                .message()
                .contains("pullBatchSize Out of range [1, 1024]")
        );
        assert!(
            PushConsumerConfig::new("127.0.0.1:9876", "DEFAULT_CONSUMER")
                .validate()
                .is_err()
        );
    }
}
