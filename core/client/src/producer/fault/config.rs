//! [`FaultDetectorConfig`]: the reachability detector of the latency fault tolerance (Java's
//! `startDetectorEnable`, `detectInterval`, `detectTimeout` and the detector thread's fixed 3 s rate).

use std::time::Duration;

use crate::error::{Error, Result};

/// Settings of the detector that probes brokers marked unreachable by failed sends. Java keeps these on
/// `ClientConfig`; only producers use them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultDetectorConfig {
    /// Whether the detector runs (`startDetectorEnable`, false). Only matters with
    /// [`crate::ProducerConfig::send_latency_fault_enable`]; while it runs, a transport failure marks its broker
    /// unreachable until a probe or a send succeeds.
    pub enabled: bool,
    /// How often the detector looks at the brokers (3 s, the rate of Java's detector thread).
    pub period: Duration,
    /// The least time between two probes of one broker (`detectInterval`, 2 s).
    pub probe_interval: Duration,
    /// How long a probe (GET_MAX_OFFSET) may take (`detectTimeout`, 200 ms).
    pub probe_timeout: Duration,
}

impl Default for FaultDetectorConfig {
    fn default() -> Self {
        FaultDetectorConfig {
            enabled: false,
            period: Duration::from_secs(3),
            probe_interval: Duration::from_secs(2),
            probe_timeout: Duration::from_millis(200),
        }
    }
}

impl FaultDetectorConfig {
    /// Checks that every duration is usable.
    pub fn validate(&self) -> Result<()> {
        if self.period.is_zero() || self.probe_timeout.is_zero() {
            return Err(Error::invalid_argument(
                "the detector period and probe timeout must be longer than zero",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_javas() {
        let config = FaultDetectorConfig::default();
        assert!(!config.enabled);
        assert_eq!(config.period, Duration::from_secs(3));
        assert_eq!(config.probe_interval, Duration::from_secs(2));
        assert_eq!(config.probe_timeout, Duration::from_millis(200));
        config.validate().unwrap();
        let zero = FaultDetectorConfig {
            period: Duration::ZERO,
            ..FaultDetectorConfig::default()
        };
        assert!(zero.validate().is_err());
    }
}
