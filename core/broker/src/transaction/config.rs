//! [`TransactionConfig`]: the settings of transactional messages, Java's `BrokerConfig` transaction fields with
//! their Apache defaults (`transactionTimeOut`, `transactionCheckMax`, `transactionCheckInterval`,
//! `rejectTransactionMessage`).

use std::time::Duration;

/// How half messages are accepted and checked back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionConfig {
    /// A half message younger than this is not checked yet (`transactionTimeOut`, 6 s).
    pub timeout: Duration,
    /// After this many checks a half message is discarded to `TRANS_CHECK_MAX_TIME_TOPIC`
    /// (`transactionCheckMax`, 15).
    pub check_max: i32,
    /// How often unresolved half messages are looked for (`transactionCheckInterval`, 30 s).
    pub check_interval: Duration,
    /// Whether sends of half messages are refused with NO_PERMISSION (`rejectTransactionMessage`, false).
    pub reject_transaction_message: bool,
    /// A half message older than this is discarded unchecked. Java uses the store's `fileReservedTime` (72 h)
    /// here; Fulmen keeps its own copy of that default until the store's retention setting is wired in.
    pub half_message_max_age: Duration,
}

impl Default for TransactionConfig {
    fn default() -> Self {
        TransactionConfig {
            timeout: Duration::from_secs(6),
            check_max: 15,
            check_interval: Duration::from_secs(30),
            reject_transaction_message: false,
            half_message_max_age: Duration::from_secs(72 * 3600),
        }
    }
}

impl TransactionConfig {
    /// The settings under Java's `BrokerConfig` key names, as GET_BROKER_CONFIG reports them.
    pub(crate) fn java_properties(&self) -> [(&'static str, String); 4] {
        [
            ("transactionTimeOut", self.timeout.as_millis().to_string()),
            ("transactionCheckMax", self.check_max.to_string()),
            (
                "transactionCheckInterval",
                self.check_interval.as_millis().to_string(),
            ),
            (
                "rejectTransactionMessage",
                self.reject_transaction_message.to_string(),
            ),
        ]
    }

    /// Why the settings are unusable, if they are.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        if self.check_interval.is_zero() {
            return Some("transaction.check_interval must not be zero");
        }
        if self.check_max < 1 {
            return Some("transaction.check_max must be at least 1");
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reported_under_javas_keys_with_javas_defaults() {
        let reported = TransactionConfig::default().java_properties();
        let expected = [
            ("transactionTimeOut", "6000"),
            ("transactionCheckMax", "15"),
            ("transactionCheckInterval", "30000"),
            ("rejectTransactionMessage", "false"),
        ];
        for ((key, value), (want_key, want_value)) in reported.iter().zip(expected) {
            assert_eq!((*key, value.as_str()), (want_key, want_value));
        }
    }
}
