//! [`TransactionProducerConfig`]: a producer's settings plus the check-back limits of Java's
//! `TransactionMQProducer` (`checkThreadPoolMinSize`/`MaxSize` 1, `checkRequestHoldMax` 2 000).

use crate::config::ProducerConfig;
use crate::error::{Error, Result};

/// Settings of a [`super::TransactionProducer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionProducerConfig {
    /// The producer settings; `producer.group` is the transaction's producer group.
    pub producer: ProducerConfig,
    /// Broker checks waiting for the listener beyond this are dropped (`checkRequestHoldMax`, 2 000).
    pub check_queue_capacity: usize,
    /// Checks run at the same time (`checkThreadPoolMaxSize`, 1).
    pub check_concurrency: usize,
}

impl TransactionProducerConfig {
    /// Defaults with the name servers `namesrv_addr` and the producer `group`.
    pub fn new(namesrv_addr: impl Into<String>, group: impl Into<String>) -> Self {
        TransactionProducerConfig::from(ProducerConfig::new(namesrv_addr, group))
    }

    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<()> {
        self.producer.validate()?;
        if self.check_queue_capacity == 0 || self.check_concurrency == 0 {
            return Err(Error::invalid_argument(
                "check_queue_capacity and check_concurrency must be at least 1",
            ));
        }
        Ok(())
    }
}

impl From<ProducerConfig> for TransactionProducerConfig {
    fn from(producer: ProducerConfig) -> Self {
        TransactionProducerConfig {
            producer,
            check_queue_capacity: 2_000,
            check_concurrency: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_javas_and_zero_is_refused() {
        let config = TransactionProducerConfig::new("h:1", "PG");
        assert_eq!(config.check_queue_capacity, 2_000);
        assert_eq!(config.check_concurrency, 1);
        config.validate().unwrap();
        let mut bad = config.clone();
        bad.check_concurrency = 0;
        assert!(bad.validate().is_err());
    }
}
