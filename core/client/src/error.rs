//! The one error type of the client facade: [`Error`] with a small, stable [`ErrorKind`] that every binding maps
//! onto its own exceptions, plus the conversions from transport errors, protocol errors and broker response codes.

use std::fmt;
use std::sync::Arc;

use fulmen_protocol::{ProtocolError, ResponseCode};
use fulmen_remoting::{RemotingError, RemotingErrorKind};

/// The broad class of an [`Error`]. Its [`code`](ErrorKind::code) is stable across releases and languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No answer within the allowed time.
    Timeout,
    /// A connection could not be made or broke.
    Connection,
    /// The name server knows no route for the topic.
    RouteNotFound,
    /// The broker does not know the topic.
    TopicNotFound,
    /// The broker refused the request for another reason.
    Broker,
    /// The broker is busy or throttling this client.
    FlowControl,
    /// The broker or topic does not allow the operation.
    NoPermission,
    /// Bytes that do not follow the protocol.
    Protocol,
    /// The broker's store could not serve the request.
    Storage,
    /// A message, configuration or argument is not valid.
    InvalidArgument,
    /// The producer or consumer has been shut down.
    Closed,
    /// A bug or an unexpected state.
    Internal,
}

impl ErrorKind {
    /// Every kind, in declaration order (bindings check that each has a host-language error).
    pub const ALL: [ErrorKind; 12] = [
        ErrorKind::Timeout,
        ErrorKind::Connection,
        ErrorKind::RouteNotFound,
        ErrorKind::TopicNotFound,
        ErrorKind::Broker,
        ErrorKind::FlowControl,
        ErrorKind::NoPermission,
        ErrorKind::Protocol,
        ErrorKind::Storage,
        ErrorKind::InvalidArgument,
        ErrorKind::Closed,
        ErrorKind::Internal,
    ];

    /// The stable SCREAMING_SNAKE code of this kind (`TIMEOUT`, `ROUTE_NOT_FOUND`, ...).
    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::Timeout => "TIMEOUT",
            ErrorKind::Connection => "CONNECTION",
            ErrorKind::RouteNotFound => "ROUTE_NOT_FOUND",
            ErrorKind::TopicNotFound => "TOPIC_NOT_FOUND",
            ErrorKind::Broker => "BROKER",
            ErrorKind::FlowControl => "FLOW_CONTROL",
            ErrorKind::NoPermission => "NO_PERMISSION",
            ErrorKind::Protocol => "PROTOCOL",
            ErrorKind::Storage => "STORAGE",
            ErrorKind::InvalidArgument => "INVALID_ARGUMENT",
            ErrorKind::Closed => "CLOSED",
            ErrorKind::Internal => "INTERNAL",
        }
    }

    /// The kind a broker or name server response code stands for.
    pub fn from_response_code(code: ResponseCode) -> ErrorKind {
        match code {
            ResponseCode::TOPIC_NOT_EXIST => ErrorKind::TopicNotFound,
            ResponseCode::NO_PERMISSION => ErrorKind::NoPermission,
            ResponseCode::SYSTEM_BUSY | ResponseCode::FLOW_CONTROL | ResponseCode::POLLING_FULL => {
                ErrorKind::FlowControl
            }
            ResponseCode::MESSAGE_ILLEGAL
            | ResponseCode::INVALID_PARAMETER
            | ResponseCode::SUBSCRIPTION_PARSE_FAILED => ErrorKind::InvalidArgument,
            ResponseCode::SERVICE_NOT_AVAILABLE => ErrorKind::Storage,
            ResponseCode::REQUEST_CODE_NOT_SUPPORTED | ResponseCode::VERSION_NOT_SUPPORTED => {
                ErrorKind::Protocol
            }
            _ => ErrorKind::Broker,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What went wrong in a client call. Cheap to clone.
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    response_code: Option<i32>,
    broker: Option<String>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            response_code: None,
            broker: None,
            source: None,
        }
    }

    /// An [`ErrorKind::InvalidArgument`] error.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    /// The error for a response with a failure `code` and `remark` from `broker` (a broker name or address).
    pub fn from_response(code: ResponseCode, remark: Option<&str>, broker: Option<&str>) -> Self {
        let message = match remark {
            Some(remark) if !remark.is_empty() => format!("{code}: {remark}"),
            _ => code.to_string(),
        };
        Error {
            kind: ErrorKind::from_response_code(code),
            message,
            response_code: Some(code.0),
            broker: broker.map(str::to_owned),
            source: None,
        }
    }

    /// The same error, naming `broker`.
    pub fn with_broker(mut self, broker: impl Into<String>) -> Self {
        self.broker = Some(broker.into());
        self
    }

    /// The same error, carrying the response `code` it stands for.
    pub fn with_response_code(mut self, code: i32) -> Self {
        self.response_code = Some(code);
        self
    }

    /// The same error with `context` put in front of its message.
    pub fn with_context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    /// The broad class of the error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable code of the kind, as bindings expose it.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The response code the broker or name server answered with, if the error comes from one.
    pub fn response_code(&self) -> Option<i32> {
        self.response_code
    }

    /// The broker (name or address) involved, if known.
    pub fn broker(&self) -> Option<&str> {
        self.broker.as_deref()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("response_code", &self.response_code)
            .field("broker", &self.broker)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.kind.code(), self.message)?;
        if let Some(broker) = &self.broker {
            write!(f, " (broker {broker})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

impl From<RemotingError> for Error {
    fn from(error: RemotingError) -> Self {
        let kind = match error.kind() {
            RemotingErrorKind::Timeout => ErrorKind::Timeout,
            RemotingErrorKind::Connection => ErrorKind::Connection,
            RemotingErrorKind::Protocol => ErrorKind::Protocol,
            RemotingErrorKind::Closed => ErrorKind::Closed,
            RemotingErrorKind::InvalidArgument => ErrorKind::InvalidArgument,
        };
        Error {
            kind,
            message: error.to_string(),
            response_code: None,
            broker: None,
            source: Some(Arc::new(error)),
        }
    }
}

impl From<ProtocolError> for Error {
    fn from(error: ProtocolError) -> Self {
        Error {
            kind: ErrorKind::Protocol,
            message: error.to_string(),
            response_code: None,
            broker: None,
            source: Some(Arc::new(error)),
        }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn codes_are_stable() {
        let all = [
            (ErrorKind::Timeout, "TIMEOUT"),
            (ErrorKind::Connection, "CONNECTION"),
            (ErrorKind::RouteNotFound, "ROUTE_NOT_FOUND"),
            (ErrorKind::TopicNotFound, "TOPIC_NOT_FOUND"),
            (ErrorKind::Broker, "BROKER"),
            (ErrorKind::FlowControl, "FLOW_CONTROL"),
            (ErrorKind::NoPermission, "NO_PERMISSION"),
            (ErrorKind::Protocol, "PROTOCOL"),
            (ErrorKind::Storage, "STORAGE"),
            (ErrorKind::InvalidArgument, "INVALID_ARGUMENT"),
            (ErrorKind::Closed, "CLOSED"),
            (ErrorKind::Internal, "INTERNAL"),
        ];
        for (kind, code) in all {
            assert_eq!(kind.code(), code);
            assert_eq!(kind.to_string(), code);
        }
    }

    #[test]
    fn response_codes_map_to_kinds() {
        let cases = [
            (ResponseCode::TOPIC_NOT_EXIST, ErrorKind::TopicNotFound),
            (ResponseCode::NO_PERMISSION, ErrorKind::NoPermission),
            (ResponseCode::SYSTEM_BUSY, ErrorKind::FlowControl),
            (ResponseCode::FLOW_CONTROL, ErrorKind::FlowControl),
            (ResponseCode::MESSAGE_ILLEGAL, ErrorKind::InvalidArgument),
            (ResponseCode::SERVICE_NOT_AVAILABLE, ErrorKind::Storage),
            (ResponseCode::REQUEST_CODE_NOT_SUPPORTED, ErrorKind::Protocol),
            (ResponseCode::SYSTEM_ERROR, ErrorKind::Broker),
            (ResponseCode(12345), ErrorKind::Broker),
        ];
        for (code, kind) in cases {
            assert_eq!(ErrorKind::from_response_code(code), kind, "{code}");
        }
        let error = Error::from_response(ResponseCode::SYSTEM_BUSY, Some("too many"), Some("broker-a"));
        assert_eq!(error.response_code(), Some(2));
        assert_eq!(error.broker(), Some("broker-a"));
        assert_eq!(
            error.to_string(),
            "[FLOW_CONTROL] SYSTEM_BUSY(2): too many (broker broker-a)"
        );
    }

    #[test]
    fn transport_and_protocol_errors_convert() {
        let timeout = Error::from(RemotingError::Timeout {
            addr: "127.0.0.1:1".into(),
            timeout: Duration::from_millis(5),
        });
        assert_eq!(timeout.kind(), ErrorKind::Timeout);
        assert!(std::error::Error::source(&timeout).is_some());
        let closed = Error::from(RemotingError::Closed { component: "client" });
        assert_eq!(closed.code(), "CLOSED");
        let protocol = Error::from(ProtocolError::invalid("frame", "bad"));
        assert_eq!(protocol.kind(), ErrorKind::Protocol);
    }
}
