//! The one error type of the protocol crate: every decoder returns it instead of panicking.

use thiserror::Error;

/// What went wrong while encoding or decoding protocol data.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The input ended before a complete value could be read.
    #[error("unexpected end of {what}: needed {needed} more bytes, {available} available")]
    UnexpectedEnd {
        /// What was being read.
        what: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes available.
        available: usize,
    },
    /// A frame's declared length is over the limit.
    #[error("frame of {length} bytes exceeds the limit of {max} bytes")]
    FrameTooLarge {
        /// Declared total length.
        length: usize,
        /// The configured maximum.
        max: usize,
    },
    /// A structure is malformed: a bad length, magic code, flag or other field.
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// What was being decoded.
        what: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// JSON text could not be parsed or produced.
    #[error("invalid JSON in {what}: {reason}")]
    Json {
        /// What was being decoded.
        what: &'static str,
        /// The parser's message.
        reason: String,
    },
    /// A required field of a typed header is absent.
    #[error("{header}: the required field `{field}` is missing")]
    MissingField {
        /// The header type.
        header: &'static str,
        /// The wire key of the field.
        field: &'static str,
    },
    /// A field of a typed header has a value that does not parse as its type.
    #[error("{header}: the field `{field}` has an invalid value {value:?}")]
    InvalidField {
        /// The header type.
        header: &'static str,
        /// The wire key of the field.
        field: &'static str,
        /// The value found.
        value: String,
    },
    /// Compressing or decompressing a body failed.
    #[error("{algorithm} {operation} failed: {reason}")]
    Compression {
        /// zlib, lz4 or zstd.
        algorithm: &'static str,
        /// compress or decompress.
        operation: &'static str,
        /// The library's message.
        reason: String,
    },
}

impl ProtocolError {
    /// A malformed-structure error.
    pub fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        ProtocolError::Invalid { what, reason: reason.into() }
    }

    /// A JSON error.
    pub fn json(what: &'static str, reason: impl std::fmt::Display) -> Self {
        ProtocolError::Json { what, reason: reason.to_string() }
    }

    /// An input-too-short error while reading `what`.
    pub fn unexpected_end(what: &'static str, needed: usize, available: usize) -> Self {
        ProtocolError::UnexpectedEnd { what, needed, available }
    }
}

/// Result with [`ProtocolError`].
pub type Result<T, E = ProtocolError> = std::result::Result<T, E>;
