//! What the application provides and gets back in a transaction: [`TransactionListener`] (Java's
//! `TransactionListener`), [`LocalTransactionState`] and [`TransactionSendResult`].

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use fulmen_protocol::header::EndTransactionRequestHeader;

use crate::message::Message;
use crate::message_view::MessageView;
use crate::send_result::SendResult;

/// The outcome of a local transaction (Java's `LocalTransactionState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalTransactionState {
    /// Deliver the half message (`COMMIT_MESSAGE`).
    CommitMessage,
    /// Discard the half message (`ROLLBACK_MESSAGE`).
    RollbackMessage,
    /// Not known yet: the broker checks back later (`UNKNOW`).
    Unknown,
}

impl LocalTransactionState {
    /// The Java enum name (`COMMIT_MESSAGE`, `ROLLBACK_MESSAGE`, `UNKNOW`).
    pub const fn name(self) -> &'static str {
        match self {
            LocalTransactionState::CommitMessage => "COMMIT_MESSAGE",
            LocalTransactionState::RollbackMessage => "ROLLBACK_MESSAGE",
            LocalTransactionState::Unknown => "UNKNOW",
        }
    }

    /// The `commitOrRollback` value of END_TRANSACTION for this state.
    pub(crate) const fn commit_or_rollback(self) -> i32 {
        match self {
            LocalTransactionState::CommitMessage => EndTransactionRequestHeader::COMMIT,
            LocalTransactionState::RollbackMessage => EndTransactionRequestHeader::ROLLBACK,
            LocalTransactionState::Unknown => EndTransactionRequestHeader::UNKNOWN,
        }
    }
}

impl fmt::Display for LocalTransactionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The future a [`TransactionListener`] returns.
pub type TransactionFuture = Pin<Box<dyn Future<Output = LocalTransactionState> + Send + 'static>>;

/// The argument passed through [`super::TransactionProducer::send_in_transaction`] to
/// [`TransactionListener::execute`] (Java's `Object arg`); downcast it with `arg.downcast_ref::<T>()`.
pub type TransactionArg = dyn Any + Send + Sync;

/// Runs and checks the local transactions of a [`super::TransactionProducer`].
///
/// Both methods return a `'static` future: clone from the arguments what the future needs. A panic in either
/// counts as [`LocalTransactionState::Unknown`] (Java: an exception), and the broker is told why in the remark.
pub trait TransactionListener: Send + Sync + 'static {
    /// Runs the local transaction of `message`, whose half message the broker has just stored; `message` carries
    /// the property `__transactionId__` when the broker reported a transaction id.
    fn execute(&self, message: &Message, arg: &TransactionArg) -> TransactionFuture;

    /// Tells the state of the local transaction of a half message the broker asks about (it stayed unknown or
    /// its END_TRANSACTION was lost).
    fn check(&self, message: &MessageView) -> TransactionFuture;
}

/// The outcome of [`super::TransactionProducer::send_in_transaction`] (Java's `TransactionSendResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionSendResult {
    /// How the half message was stored; its [`transaction_id`](SendResult::transaction_id) is the transaction's.
    pub send_result: SendResult,
    /// The state reported to the broker.
    pub local_transaction_state: LocalTransactionState,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_map_to_javas_names_and_flags() {
        assert_eq!(LocalTransactionState::CommitMessage.to_string(), "COMMIT_MESSAGE");
        assert_eq!(LocalTransactionState::RollbackMessage.name(), "ROLLBACK_MESSAGE");
        assert_eq!(LocalTransactionState::Unknown.name(), "UNKNOW");
        assert_eq!(LocalTransactionState::CommitMessage.commit_or_rollback(), 8);
        assert_eq!(LocalTransactionState::RollbackMessage.commit_or_rollback(), 12);
        assert_eq!(LocalTransactionState::Unknown.commit_or_rollback(), 0);
    }
}
