//! The broker settings UPDATE_BROKER_CONFIG (25) may change while the broker runs, and the data version of the
//! broker's configuration (Java's `Configuration`), which GET_BROKER_CONFIG (26) reports.
//!
//! Only settings Java reads on every request are live here: `autoCreateTopicEnable`,
//! `autoCreateSubscriptionGroup`, `longPollingEnable`, `shortPollingTimeMills`, `traceOn`, `regionId` and
//! `brokerPermission` (whose change Java follows with a registration; the caller does that). Values
//! are read as Java's `MixAll.properties2Object` reads them: booleans are true only for `true` (any case), numbers
//! that do not parse (`Long.parseLong`, untrimmed) leave the setting unchanged, strings are trimmed.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use fulmen_protocol::body::DataVersion;

use crate::config::BrokerConfig;
use crate::time::now_millis;

/// The live settings and the configuration's version.
#[derive(Debug)]
pub(crate) struct LiveConfig {
    auto_create_topic_enable: AtomicBool,
    auto_create_subscription_group: AtomicBool,
    long_polling_enable: AtomicBool,
    short_polling_time_millis: AtomicU64,
    trace_on: AtomicBool,
    broker_permission: AtomicI32,
    region_id: Mutex<String>,
    data_version: Mutex<DataVersion>,
}

/// Java's `Boolean.parseBoolean`.
fn java_bool(value: &str) -> bool {
    value.eq_ignore_ascii_case("true")
}

impl LiveConfig {
    /// The settings of `config`, version 0 stamped now (Java's `new DataVersion()`).
    pub(crate) fn new(config: &BrokerConfig) -> Self {
        LiveConfig {
            auto_create_topic_enable: AtomicBool::new(config.auto_create_topic_enable),
            auto_create_subscription_group: AtomicBool::new(config.auto_create_subscription_group),
            long_polling_enable: AtomicBool::new(config.long_polling_enable),
            short_polling_time_millis: AtomicU64::new(config.short_polling_time.as_millis() as u64),
            trace_on: AtomicBool::new(config.trace_on),
            broker_permission: AtomicI32::new(config.broker_permission),
            region_id: Mutex::new(config.region_id.clone()),
            data_version: Mutex::new(DataVersion {
                timestamp: now_millis(),
                ..DataVersion::default()
            }),
        }
    }

    /// `autoCreateTopicEnable`.
    pub(crate) fn auto_create_topic_enable(&self) -> bool {
        self.auto_create_topic_enable.load(Ordering::Relaxed)
    }

    /// `autoCreateSubscriptionGroup`.
    pub(crate) fn auto_create_subscription_group(&self) -> bool {
        self.auto_create_subscription_group.load(Ordering::Relaxed)
    }

    /// `longPollingEnable`.
    pub(crate) fn long_polling_enable(&self) -> bool {
        self.long_polling_enable.load(Ordering::Relaxed)
    }

    /// `shortPollingTimeMills`.
    pub(crate) fn short_polling_time(&self) -> Duration {
        Duration::from_millis(self.short_polling_time_millis.load(Ordering::Relaxed))
    }

    /// `traceOn`.
    pub(crate) fn trace_on(&self) -> bool {
        self.trace_on.load(Ordering::Relaxed)
    }

    /// `brokerPermission`.
    pub(crate) fn broker_permission(&self) -> i32 {
        self.broker_permission.load(Ordering::Relaxed)
    }

    /// `regionId`.
    pub(crate) fn region_id(&self) -> String {
        self.region_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The configuration's version.
    pub(crate) fn data_version(&self) -> DataVersion {
        *self.data_version.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies the live keys among `entries` and bumps the version (Java bumps it on every update, whatever
    /// the keys). Returns the keys that were not applied (unknown here, or not live).
    pub(crate) fn apply(&self, entries: &[(String, String)]) -> Vec<String> {
        let mut ignored = Vec::new();
        for (key, value) in entries {
            let value = value.as_str();
            match key.as_str() {
                "autoCreateTopicEnable" => self
                    .auto_create_topic_enable
                    .store(java_bool(value), Ordering::Relaxed),
                "autoCreateSubscriptionGroup" => self
                    .auto_create_subscription_group
                    .store(java_bool(value), Ordering::Relaxed),
                "longPollingEnable" => self
                    .long_polling_enable
                    .store(java_bool(value), Ordering::Relaxed),
                "traceOn" => self.trace_on.store(java_bool(value), Ordering::Relaxed),
                "shortPollingTimeMills" => {
                    // A negative hold means none, as Java's hold service treats it.
                    if let Ok(millis) = value.parse::<i64>() {
                        self.short_polling_time_millis
                            .store(millis.max(0) as u64, Ordering::Relaxed);
                    }
                }
                "brokerPermission" => {
                    if let Ok(permission) = value.parse::<i32>() {
                        self.broker_permission.store(permission, Ordering::Relaxed);
                    }
                }
                "regionId" => {
                    *self.region_id.lock().unwrap_or_else(PoisonError::into_inner) = value.trim().to_owned();
                }
                _ => ignored.push(key.clone()),
            }
        }
        let mut version = self.data_version.lock().unwrap_or_else(PoisonError::into_inner);
        version.counter += 1;
        version.state_version = 0;
        version.timestamp = now_millis();
        ignored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_read_values_like_java() {
        let live = LiveConfig::new(&BrokerConfig::new("/tmp/x"));
        assert!(live.auto_create_topic_enable());
        assert_eq!(live.data_version().counter, 0);
        let entries = [
            ("autoCreateTopicEnable", "yes"),
            ("traceOn", "TRUE"),
            ("shortPollingTimeMills", "not a number"),
            ("regionId", "  Region2 "),
            ("brokerName", "other"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let ignored = live.apply(&entries);
        assert!(!live.auto_create_topic_enable(), "only `true` is true");
        assert!(live.trace_on());
        assert_eq!(live.short_polling_time(), Duration::from_secs(1));
        assert_eq!(live.region_id(), "Region2");
        assert_eq!(ignored, ["brokerName"]);
        assert_eq!(live.data_version().counter, 1);
    }
}
