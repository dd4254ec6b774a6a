//! The broker's error type.

use fulmen_protocol::ProtocolError;
use fulmen_remoting::RemotingError;
use fulmen_store::StoreError;

/// What can go wrong when starting or running a broker.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    /// The configuration is not usable.
    #[error("invalid broker configuration: {0}")]
    Config(String),
    /// The message store or a config file failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The transport failed (e.g. the listen address is taken).
    #[error(transparent)]
    Remoting(#[from] RemotingError),
    /// A config file or body could not be encoded or decoded.
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// A blocking task (store open, file write) panicked or was cancelled.
    #[error("background task failed: {0}")]
    Task(String),
}

/// A result with a [`BrokerError`].
pub type Result<T, E = BrokerError> = std::result::Result<T, E>;
