//! [`BrokerConfig`]: the broker's settings, with Apache RocketMQ's defaults and their validation.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use fulmen_remoting::ServerConfig;
use fulmen_store::StoreConfig;

use crate::error::{BrokerError, Result};
use crate::transaction::TransactionConfig;

/// The settings of a [`Broker`](crate::Broker). Field names follow Java's `BrokerConfig` where one exists.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// The cluster the broker belongs to (`brokerClusterName`, default `DefaultCluster`).
    pub cluster_name: String,
    /// The broker name, shared by a master and its slaves (`brokerName`, default `broker-a`).
    pub broker_name: String,
    /// The broker id; 0 is the master (only masters are implemented).
    pub broker_id: i64,
    /// Where to listen; port 0 picks a free port. Default `127.0.0.1:0`.
    pub listen_addr: SocketAddr,
    /// The IP clients are told to connect to (`brokerIP1`); default the listen IP (127.0.0.1 when unspecified).
    pub broker_ip1: Option<IpAddr>,
    /// The name servers to register with (`namesrvAddr`, `ip:port` each).
    pub namesrv_addrs: Vec<String>,
    /// The message store (root dir, mapped file sizes, flush mode). Its `tags_code_resolver` is replaced at start
    /// by the broker's, which stores deliver times in the schedule and timer queues.
    pub store: StoreConfig,
    /// Whether `TBW102` is defined so that unknown topics are created on first send (`autoCreateTopicEnable`).
    pub auto_create_topic_enable: bool,
    /// The queue count of `TBW102` (`defaultTopicQueueNums`, 8).
    pub default_topic_queue_nums: i32,
    /// Whether unknown consumer groups are created on first use (`autoCreateSubscriptionGroup`).
    pub auto_create_subscription_group: bool,
    /// How often the broker registers with the name servers (`registerNameServerPeriod`, 30 s).
    pub register_period: Duration,
    /// The timeout of one registration (`registerBrokerTimeoutMills`, 24 s).
    pub register_timeout: Duration,
    /// Whether pulls that find nothing are held until a message arrives (`longPollingEnable`).
    pub long_polling_enable: bool,
    /// How long a pull is held when long polling is off (`shortPollingTimeMills`, 1 s).
    pub short_polling_time: Duration,
    /// The region reported in send responses (`regionId`, `DefaultRegion`).
    pub region_id: String,
    /// Whether message tracing is on (`traceOn`, reported in send responses).
    pub trace_on: bool,
    /// What the whole broker allows (`brokerPermission`, 6 = read and write; 4 stops writes, 2 stops reads): it
    /// masks every topic's permission in the name server registration, refuses pulls when not readable, and
    /// refuses sends to order topics and send-backs when not writable.
    pub broker_permission: i32,
    /// How often consumer offsets are written to disk (`flushConsumerOffsetInterval`, 5 s).
    pub offset_persist_interval: Duration,
    /// How long a client stays registered without a heartbeat (`channelExpiredTimeout`, 120 s).
    pub client_expiry: Duration,
    /// How often expired clients are looked for (10 s).
    pub client_scan_interval: Duration,
    /// How long a shutdown waits for requests in flight.
    pub shutdown_timeout: Duration,
    /// How long an orderly queue lock lives after its last renewal (Java's system property
    /// `rocketmq.broker.rebalance.lockMaxLiveTime`, 60 s).
    pub rebalance_lock_max_live_time: Duration,
    /// Transactional messages: half-message checks and their limits.
    pub transaction: TransactionConfig,
    /// The delay of each level, space separated, each a number with unit s/m/h/d (`messageDelayLevel`,
    /// `1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h`); level n is the n-th value.
    pub message_delay_level: String,
    /// How often `config/delayOffset.json` is written (`flushDelayOffsetInterval`, 10 s).
    pub flush_delay_offset_interval: Duration,
    /// Whether timer messages (`TIMER_DELIVER_MS` / `TIMER_DELAY_MS` / `TIMER_DELAY_SEC`) are accepted
    /// (`timerWheelEnable`, true); when false they are refused.
    pub timer_wheel_enable: bool,
    /// The longest delay a timer message may ask for, in seconds (`timerMaxDelaySec`, 259 200 = 3 days).
    pub timer_max_delay_sec: i64,
    /// The granularity deliver times are rounded down to (`timerPrecisionMs`, 1000).
    pub timer_precision_ms: i64,
    /// How often the timer's progress (`config/timerProgress.json`) is written (`timerFlushIntervalMs`, 1 s).
    pub timer_flush_interval: Duration,
}

impl BrokerConfig {
    /// Apache's defaults, with the store rooted at `store_root`.
    pub fn new(store_root: impl Into<PathBuf>) -> Self {
        BrokerConfig {
            cluster_name: "DefaultCluster".into(),
            broker_name: "broker-a".into(),
            broker_id: 0,
            listen_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            broker_ip1: None,
            namesrv_addrs: Vec::new(),
            store: StoreConfig::new(store_root),
            auto_create_topic_enable: true,
            default_topic_queue_nums: 8,
            auto_create_subscription_group: true,
            register_period: Duration::from_secs(30),
            register_timeout: Duration::from_secs(24),
            long_polling_enable: true,
            short_polling_time: Duration::from_secs(1),
            region_id: "DefaultRegion".into(),
            trace_on: true,
            broker_permission: 6,
            offset_persist_interval: Duration::from_secs(5),
            client_expiry: Duration::from_secs(120),
            client_scan_interval: Duration::from_secs(10),
            shutdown_timeout: Duration::from_secs(5),
            rebalance_lock_max_live_time: Duration::from_secs(60),
            transaction: TransactionConfig::default(),
            message_delay_level: crate::schedule::DEFAULT_MESSAGE_DELAY_LEVEL.into(),
            flush_delay_offset_interval: Duration::from_secs(10),
            timer_wheel_enable: true,
            timer_max_delay_sec: 259_200,
            timer_precision_ms: 1000,
            timer_flush_interval: Duration::from_secs(1),
        }
    }

    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<()> {
        let invalid = |what: &str| Err(BrokerError::Config(what.to_owned()));
        if self.cluster_name.is_empty() {
            return invalid("cluster_name must not be empty");
        }
        if self.broker_name.is_empty() || crate::topic_validator::validate_topic(&self.broker_name).is_err() {
            return invalid("broker_name must be a valid topic name (it is registered as a topic)");
        }
        if self.broker_id != 0 {
            return invalid("only a master (broker_id 0) is supported");
        }
        if !(1..=1024).contains(&self.default_topic_queue_nums) {
            return invalid("default_topic_queue_nums must be within 1..=1024");
        }
        for (name, value) in [
            ("register_period", self.register_period),
            ("register_timeout", self.register_timeout),
            ("short_polling_time", self.short_polling_time),
            ("offset_persist_interval", self.offset_persist_interval),
            ("client_expiry", self.client_expiry),
            ("client_scan_interval", self.client_scan_interval),
            ("shutdown_timeout", self.shutdown_timeout),
            ("rebalance_lock_max_live_time", self.rebalance_lock_max_live_time),
            ("flush_delay_offset_interval", self.flush_delay_offset_interval),
            ("timer_flush_interval", self.timer_flush_interval),
        ] {
            if value.is_zero() {
                return Err(BrokerError::Config(format!("{name} must not be zero")));
            }
        }
        if self
            .namesrv_addrs
            .iter()
            .any(|addr| addr.parse::<SocketAddr>().is_err())
        {
            return invalid("every name server address must be ip:port");
        }
        if let Some(problem) = self.transaction.problem() {
            return invalid(problem);
        }
        crate::schedule::DelayLevels::parse(&self.message_delay_level).map_err(|reason| {
            BrokerError::Config(format!(
                "messageDelayLevel {:?}: {reason}",
                self.message_delay_level
            ))
        })?;
        if self.timer_precision_ms <= 0 {
            return invalid("timer_precision_ms must be positive");
        }
        self.store.validate()?;
        Ok(())
    }

    /// The remoting server settings derived from this configuration.
    pub(crate) fn server_config(&self) -> ServerConfig {
        ServerConfig {
            bind_addr: self.listen_addr,
            shutdown_timeout: self.shutdown_timeout,
            ..ServerConfig::default()
        }
    }

    /// The address clients and messages use for this broker, given the bound address.
    pub(crate) fn advertised_addr(&self, bound: SocketAddr) -> SocketAddr {
        let ip = self.broker_ip1.unwrap_or(if bound.ip().is_unspecified() {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            bound.ip()
        });
        SocketAddr::new(ip, bound.port())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_bad_values_are_named() {
        let config = BrokerConfig::new("/tmp/x");
        config.validate().unwrap();
        assert_eq!(config.default_topic_queue_nums, 8);
        let mut bad = config.clone();
        bad.namesrv_addrs = vec!["nope".into()];
        assert!(bad.validate().is_err());
        let mut bad = config.clone();
        bad.register_period = Duration::ZERO;
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("register_period")
        );
    }

    #[test]
    fn advertised_address_prefers_broker_ip1() {
        let mut config = BrokerConfig::new("/tmp/x");
        let bound: SocketAddr = "0.0.0.0:10911".parse().unwrap();
        assert_eq!(config.advertised_addr(bound).to_string(), "127.0.0.1:10911");
        config.broker_ip1 = Some("10.0.0.5".parse().unwrap());
        assert_eq!(config.advertised_addr(bound).to_string(), "10.0.0.5:10911");
    }
}
