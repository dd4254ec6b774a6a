//! The testkit's error type.

use fulmen_broker::BrokerError;
use fulmen_namesrv::NamesrvError;

/// Why a [`LocalCluster`](crate::LocalCluster) operation failed.
#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    /// The cluster description is not usable (zero name servers, for example).
    #[error("invalid local cluster: {0}")]
    InvalidConfig(String),
    /// There is no broker or name server with this index.
    #[error("there is no {what} with index {index} (the cluster has {count})")]
    NoSuchMember {
        /// `"broker"` or `"name server"`.
        what: &'static str,
        /// The index asked for.
        index: usize,
        /// How many there are.
        count: usize,
    },
    /// The cluster was shut down.
    #[error("the local cluster is shut down")]
    ShutDown,
    /// The store directory could not be created.
    #[error("cannot create the store directory: {0}")]
    Io(#[from] std::io::Error),
    /// A name server did not start.
    #[error(transparent)]
    Namesrv(#[from] NamesrvError),
    /// A broker did not start.
    #[error(transparent)]
    Broker(#[from] BrokerError),
}

/// A result with a [`TestkitError`].
pub type Result<T, E = TestkitError> = std::result::Result<T, E>;
