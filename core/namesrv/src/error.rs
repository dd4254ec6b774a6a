//! The error a name server returns when it cannot start.

use fulmen_remoting::RemotingError;

/// Why a [`crate::NameServer`] could not start.
#[derive(Debug, thiserror::Error)]
pub enum NamesrvError {
    /// A setting of [`crate::NamesrvConfig`] is unusable.
    #[error("invalid name server configuration: {0}")]
    InvalidConfig(String),
    /// The remoting server could not start (the address is taken, for example).
    #[error(transparent)]
    Remoting(#[from] RemotingError),
}

/// A result with a [`NamesrvError`].
pub type Result<T> = std::result::Result<T, NamesrvError>;
