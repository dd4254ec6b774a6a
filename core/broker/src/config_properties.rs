//! Reading Apache's `broker.conf` keys into a [`BrokerConfig`]: the same names Java's `BrokerStartup` maps onto
//! `BrokerConfig`, `NettyServerConfig` and `MessageStoreConfig`, so an existing broker.conf works unchanged.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use fulmen_store::FlushMode;

use crate::config::BrokerConfig;
use crate::error::{BrokerError, Result};

pub(crate) mod retention;

/// What applying a properties file did besides setting values.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AppliedProperties {
    /// Keys Fulmen does not use (Apache features not built yet, or unknown names), in file order. Java ignores
    /// unknown keys silently; callers should say which were ignored.
    pub ignored: Vec<String>,
}

type Setter = fn(&mut BrokerConfig, &str) -> std::result::Result<(), String>;

/// Every key Fulmen reads, with how it is applied.
const SETTERS: &[(&str, Setter)] = &[
    ("brokerClusterName", |c, v| text(v).map(|x| c.cluster_name = x)),
    ("brokerName", |c, v| text(v).map(|x| c.broker_name = x)),
    ("brokerId", |c, v| parse(v).map(|x| c.broker_id = x)),
    ("brokerRole", set_broker_role),
    ("namesrvAddr", |c, v| {
        c.namesrv_addrs = v
            .split(';')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(String::from)
            .collect();
        Ok(())
    }),
    ("listenPort", |c, v| {
        parse(v).map(|port| c.listen_addr.set_port(port))
    }),
    ("bindAddress", |c, v| {
        parse::<IpAddr>(v).map(|ip| c.listen_addr.set_ip(ip))
    }),
    ("brokerIP1", |c, v| parse(v).map(|ip| c.broker_ip1 = Some(ip))),
    ("storePathRootDir", |c, v| {
        text(v).map(|x| c.store.root_dir = PathBuf::from(x))
    }),
    ("mappedFileSizeCommitLog", |c, v| {
        parse(v).map(|x| c.store.commit_log_file_size = x)
    }),
    ("mappedFileSizeConsumeQueue", |c, v| {
        // Java rounds the size up to whole 20-byte entries.
        let bytes: usize = parse(v)?;
        c.store.consume_queue_entries_per_file = bytes.div_ceil(20);
        Ok(())
    }),
    ("flushDiskType", set_flush_disk_type),
    ("flushIntervalCommitLog", |c, v| {
        if let FlushMode::Async { interval } = &mut c.store.flush_mode {
            *interval = millis(v)?;
        }
        Ok(())
    }),
    ("flushIntervalConsumeQueue", |c, v| {
        millis(v).map(|x| c.store.consume_queue_flush_interval = x)
    }),
    ("maxMessageSize", |c, v| {
        parse(v).map(|x| c.store.max_message_size = x)
    }),
    ("checkCRCOnRecover", |c, v| {
        boolean(v).map(|x| c.store.check_crc_on_recover = x)
    }),
    ("autoCreateTopicEnable", |c, v| {
        boolean(v).map(|x| c.auto_create_topic_enable = x)
    }),
    ("defaultTopicQueueNums", |c, v| {
        parse(v).map(|x| c.default_topic_queue_nums = x)
    }),
    ("autoCreateSubscriptionGroup", |c, v| {
        boolean(v).map(|x| c.auto_create_subscription_group = x)
    }),
    ("registerNameServerPeriod", |c, v| {
        millis(v).map(|x| c.register_period = x)
    }),
    ("registerBrokerTimeoutMills", |c, v| {
        millis(v).map(|x| c.register_timeout = x)
    }),
    ("longPollingEnable", |c, v| {
        boolean(v).map(|x| c.long_polling_enable = x)
    }),
    ("shortPollingTimeMills", |c, v| {
        millis(v).map(|x| c.short_polling_time = x)
    }),
    ("regionId", |c, v| text(v).map(|x| c.region_id = x)),
    ("traceOn", |c, v| boolean(v).map(|x| c.trace_on = x)),
    ("brokerPermission", |c, v| {
        parse(v).map(|x| c.broker_permission = x)
    }),
    ("flushConsumerOffsetInterval", |c, v| {
        millis(v).map(|x| c.offset_persist_interval = x)
    }),
    ("channelExpiredTimeout", |c, v| {
        millis(v).map(|x| c.client_expiry = x)
    }),
    ("transactionTimeOut", |c, v| {
        millis(v).map(|x| c.transaction.timeout = x)
    }),
    ("transactionCheckMax", |c, v| {
        parse(v).map(|x| c.transaction.check_max = x)
    }),
    ("transactionCheckInterval", |c, v| {
        millis(v).map(|x| c.transaction.check_interval = x)
    }),
    ("rejectTransactionMessage", |c, v| {
        boolean(v).map(|x| c.transaction.reject_transaction_message = x)
    }),
    ("messageDelayLevel", |c, v| {
        text(v).map(|x| c.message_delay_level = x)
    }),
    ("flushDelayOffsetInterval", |c, v| {
        millis(v).map(|x| c.flush_delay_offset_interval = x)
    }),
    ("timerWheelEnable", |c, v| {
        boolean(v).map(|x| c.timer_wheel_enable = x)
    }),
    ("timerMaxDelaySec", |c, v| {
        parse::<i32>(v).map(|x| c.timer_max_delay_sec = x.into())
    }),
    ("timerPrecisionMs", |c, v| {
        parse::<i32>(v).map(|x| c.timer_precision_ms = x.into())
    }),
    ("timerFlushIntervalMs", |c, v| {
        millis(v).map(|x| c.timer_flush_interval = x)
    }),
];

impl BrokerConfig {
    /// Applies `key=value` entries as Apache's broker reads its `broker.conf` (see
    /// [`fulmen_protocol::properties::parse`]), in order, later entries winning. Values are trimmed; booleans
    /// follow Java's `Boolean.parseBoolean`. A value that does not parse is an error naming the key; keys Fulmen
    /// does not use are returned in [`AppliedProperties::ignored`]. Run [`BrokerConfig::validate`] afterwards.
    pub fn apply_properties<'a>(
        &mut self,
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<AppliedProperties> {
        let mut applied = AppliedProperties::default();
        for (key, value) in entries {
            let outcome = match SETTERS.iter().find(|(name, _)| *name == key) {
                Some((_, set)) => Some(set(self, value.trim())),
                None => retention::set(&mut self.store.retention, key, value),
            };
            match outcome {
                Some(result) => {
                    result.map_err(|reason| BrokerError::Config(format!("{key}={value}: {reason}")))?
                }
                None => applied.ignored.push(key.to_owned()),
            }
        }
        Ok(applied)
    }
}

fn parse<T: std::str::FromStr>(value: &str) -> std::result::Result<T, String>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|error: T::Err| error.to_string())
}

fn millis(value: &str) -> std::result::Result<Duration, String> {
    parse::<u64>(value).map(Duration::from_millis)
}

fn text(value: &str) -> std::result::Result<String, String> {
    Ok(value.to_owned())
}

/// `Boolean.parseBoolean`: `true` in any case is true, anything else false (never an error).
fn boolean(value: &str) -> std::result::Result<bool, String> {
    Ok(value.eq_ignore_ascii_case("true"))
}

fn set_flush_disk_type(config: &mut BrokerConfig, value: &str) -> std::result::Result<(), String> {
    config.store.flush_mode = match value {
        "SYNC_FLUSH" => FlushMode::Sync,
        "ASYNC_FLUSH" => match config.store.flush_mode {
            FlushMode::Async { interval } => FlushMode::Async { interval },
            FlushMode::Sync => FlushMode::default(),
        },
        _ => return Err("expected ASYNC_FLUSH or SYNC_FLUSH".into()),
    };
    Ok(())
}

fn set_broker_role(_: &mut BrokerConfig, value: &str) -> std::result::Result<(), String> {
    match value {
        "ASYNC_MASTER" | "SYNC_MASTER" => Ok(()),
        "SLAVE" => Err("slaves are not supported; Fulmen brokers are masters".into()),
        _ => Err("expected ASYNC_MASTER, SYNC_MASTER or SLAVE".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fulmen_protocol::properties;

    fn apply(text: &str) -> Result<(BrokerConfig, AppliedProperties)> {
        let mut config = BrokerConfig::new("/tmp/default");
        let entries = properties::parse(text);
        let applied = config.apply_properties(entries.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        Ok((config, applied))
    }

    #[test]
    fn reads_an_apache_broker_conf() {
        let text = "brokerClusterName = DefaultCluster\nbrokerName = broker-b\nbrokerId = 0\n\
                    deleteWhen = 04\nfileReservedTime = 48\nbrokerRole = ASYNC_MASTER\n\
                    flushDiskType = SYNC_FLUSH\nnamesrvAddr=127.0.0.1:9876;127.0.0.1:9877\nlistenPort=10921\n\
                    brokerIP1=127.0.0.1\nstorePathRootDir=/data/store\nmappedFileSizeCommitLog=1048576\n\
                    mappedFileSizeConsumeQueue=60000\nautoCreateTopicEnable=false\nautoCreateSubscriptionGroup=FALSE\n\
                    defaultTopicQueueNums=4\nflushConsumerOffsetInterval=1000\n";
        let (config, applied) = apply(text).unwrap();
        assert_eq!(config.broker_name, "broker-b");
        assert_eq!(config.namesrv_addrs, ["127.0.0.1:9876", "127.0.0.1:9877"]);
        assert_eq!(config.listen_addr.to_string(), "127.0.0.1:10921");
        assert_eq!(config.broker_ip1, Some("127.0.0.1".parse().unwrap()));
        assert_eq!(config.store.root_dir, PathBuf::from("/data/store"));
        assert_eq!(config.store.commit_log_file_size, 1 << 20);
        assert_eq!(config.store.consume_queue_entries_per_file, 3000);
        assert_eq!(config.store.flush_mode, FlushMode::Sync);
        assert!(!config.auto_create_topic_enable);
        assert!(!config.auto_create_subscription_group);
        assert_eq!(config.default_topic_queue_nums, 4);
        assert_eq!(config.offset_persist_interval, Duration::from_secs(1));
        assert!(applied.ignored.is_empty(), "{applied:?}");
        assert_eq!(
            config.store.retention.file_reserved_time,
            Duration::from_secs(48 * 3600)
        );
        config.validate().unwrap();
    }

    #[test]
    fn flush_interval_applies_to_async_flush_in_either_order() {
        let (config, _) = apply("flushIntervalCommitLog=200\nflushDiskType=ASYNC_FLUSH\n").unwrap();
        assert_eq!(
            config.store.flush_mode,
            FlushMode::Async {
                interval: Duration::from_millis(200)
            }
        );
    }

    #[test]
    fn reads_the_transaction_keys() {
        let (config, applied) = apply(
            "transactionTimeOut=1500\ntransactionCheckMax=3\ntransactionCheckInterval=1000\n\
             rejectTransactionMessage=TRUE\n",
        )
        .unwrap();
        assert!(applied.ignored.is_empty(), "{:?}", applied.ignored);
        assert_eq!(config.transaction.timeout, Duration::from_millis(1500));
        assert_eq!(config.transaction.check_max, 3);
        assert_eq!(config.transaction.check_interval, Duration::from_secs(1));
        assert!(config.transaction.reject_transaction_message);
        let defaults = BrokerConfig::new("/tmp/x").transaction;
        assert_eq!(defaults.timeout, Duration::from_secs(6));
        assert_eq!(defaults.check_max, 15);
        assert_eq!(defaults.check_interval, Duration::from_secs(30));
        assert!(!defaults.reject_transaction_message);
    }

    #[test]
    fn delay_and_timer_keys_are_read_and_a_bad_delay_unit_is_a_config_error() {
        let text = "messageDelayLevel=1s 2s 3m\nflushDelayOffsetInterval=500\ntimerWheelEnable=false\n\
                    timerMaxDelaySec=60\ntimerPrecisionMs=100\ntimerFlushIntervalMs=200\n";
        let (config, applied) = apply(text).unwrap();
        assert!(applied.ignored.is_empty(), "{:?}", applied.ignored);
        assert_eq!(config.message_delay_level, "1s 2s 3m");
        assert_eq!(config.flush_delay_offset_interval, Duration::from_millis(500));
        assert!(!config.timer_wheel_enable);
        assert_eq!(config.timer_max_delay_sec, 60);
        assert_eq!(config.timer_precision_ms, 100);
        assert_eq!(config.timer_flush_interval, Duration::from_millis(200));
        config.validate().unwrap();
        let (config, _) = apply("messageDelayLevel=1s 5x\n").unwrap();
        let error = config.validate().unwrap_err().to_string();
        assert!(error.contains("messageDelayLevel"), "{error}");
    }

    #[test]
    fn bad_values_name_their_key() {
        let error = apply("listenPort=ninety\n").unwrap_err().to_string();
        assert!(error.contains("listenPort=ninety"), "{error}");
        let error = apply("flushDiskType=SOMETIMES\n").unwrap_err().to_string();
        assert!(error.contains("ASYNC_FLUSH or SYNC_FLUSH"), "{error}");
        let error = apply("brokerRole=SLAVE\n").unwrap_err().to_string();
        assert!(error.contains("slaves are not supported"), "{error}");
    }
}
