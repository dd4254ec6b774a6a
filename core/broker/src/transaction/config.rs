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
