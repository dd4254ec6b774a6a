//! `RemotingError`: every way a remoting call, connection or server can fail, with a small `Copy` kind that the
//! client facade maps onto its own error codes.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use fulmen_protocol::ProtocolError;
use thiserror::Error;

/// The broad class of a [`RemotingError`]; one `match` maps it onto the facade's `ErrorKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemotingErrorKind {
    /// No response (or no connection) within the allowed time.
    Timeout,
    /// Connecting failed, or the connection broke or was closed.
    Connection,
    /// Bytes that are not a valid command, or a command that cannot be encoded.
    Protocol,
    /// The client or server has been shut down.
    Closed,
    /// A configuration value is out of range.
    InvalidArgument,
}

/// What went wrong in the transport. Cheap to clone, so one failure can be handed to every waiting caller.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum RemotingError {
    /// The peer did not answer in time. The pending request has been forgotten.
    #[error("request to {addr} timed out after {timeout:?} without a response")]
    Timeout {
        /// The peer address.
        addr: String,
        /// The time allowed.
        timeout: Duration,
    },
    /// The TCP connection could not be set up within the connect timeout.
    #[error("connecting to {addr} timed out after {timeout:?}")]
    ConnectTimeout {
        /// The address being connected to.
        addr: String,
        /// The connect timeout.
        timeout: Duration,
    },
    /// The TCP connection could not be set up.
    #[error("connecting to {addr} failed: {source}")]
    ConnectFailed {
        /// The address being connected to.
        addr: String,
        /// The socket error.
        #[source]
        source: Arc<io::Error>,
    },
    /// The connection closed (peer EOF or reset, malformed input, a failed write, or a local close) before the
    /// request was sent or answered.
    #[error("connection to {addr} closed: {reason}")]
    ConnectionClosed {
        /// The peer address.
        addr: String,
        /// Why the connection closed.
        reason: String,
    },
    /// A command could not be encoded, or received bytes could not be decoded.
    #[error("protocol error: {0}")]
    Protocol(#[from] ProtocolError),
    /// The client or server was shut down.
    #[error("the remoting {component} has been shut down")]
    Closed {
        /// `client` or `server`.
        component: &'static str,
    },
    /// The server could not listen on its address.
    #[error("binding {addr} failed: {source}")]
    Bind {
        /// The bind address.
        addr: String,
        /// The socket error.
        #[source]
        source: Arc<io::Error>,
    },
    /// A configuration value is out of range.
    #[error("invalid remoting configuration: {0}")]
    InvalidConfig(String),
}

impl RemotingError {
    /// The broad class of this error.
    pub fn kind(&self) -> RemotingErrorKind {
        match self {
            RemotingError::Timeout { .. } => RemotingErrorKind::Timeout,
            RemotingError::ConnectTimeout { .. }
            | RemotingError::ConnectFailed { .. }
            | RemotingError::ConnectionClosed { .. }
            | RemotingError::Bind { .. } => RemotingErrorKind::Connection,
            RemotingError::Protocol(_) => RemotingErrorKind::Protocol,
            RemotingError::Closed { .. } => RemotingErrorKind::Closed,
            RemotingError::InvalidConfig(_) => RemotingErrorKind::InvalidArgument,
        }
    }

    pub(crate) fn connection_closed(addr: impl Into<String>, reason: impl Into<String>) -> Self {
        RemotingError::ConnectionClosed {
            addr: addr.into(),
            reason: reason.into(),
        }
    }
}

/// Result with [`RemotingError`].
pub type Result<T, E = RemotingError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_messages_name_the_address() {
        let err = RemotingError::Timeout {
            addr: "127.0.0.1:9876".into(),
            timeout: Duration::from_millis(300),
        };
        assert_eq!(err.kind(), RemotingErrorKind::Timeout);
        assert_eq!(
            err.to_string(),
            "request to 127.0.0.1:9876 timed out after 300ms without a response"
        );

        let err = RemotingError::connection_closed("10.0.0.1:10911", "peer closed the connection");
        assert_eq!(err.kind(), RemotingErrorKind::Connection);
        assert_eq!(
            err.to_string(),
            "connection to 10.0.0.1:10911 closed: peer closed the connection"
        );

        let err = RemotingError::from(ProtocolError::invalid("frame", "bad"));
        assert_eq!(err.kind(), RemotingErrorKind::Protocol);
        assert_eq!(
            RemotingError::Closed { component: "client" }.kind(),
            RemotingErrorKind::Closed
        );
    }
}
