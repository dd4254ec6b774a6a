//! Fulmen's implementation of the Apache RocketMQ remoting protocol, without I/O.
//!
//! This crate turns bytes into typed values and back: frames and [`RemotingCommand`]s with JSON or binary headers,
//! request and response codes, typed custom headers, the JSON bodies in fastjson's dialect, stored message units,
//! batch bodies, compression and message ids. It has no sockets, no async runtime and no clock; every decoder
//! returns a [`ProtocolError`] instead of panicking.

pub mod body;
pub mod code;
pub mod command;
pub mod error;
pub mod ext_fields;
pub mod fastjson;
pub mod frame;
pub mod header;
pub mod java_text;
pub mod language;
pub mod message;
pub mod msgid;
pub mod properties;
mod reader;
pub mod version;

pub use code::{RequestCode, ResponseCode};
pub use command::{RemotingCommand, SerializeType};
pub use error::{ProtocolError, Result};
pub use ext_fields::{CommandHeader, ExtFields};
pub use frame::{DEFAULT_MAX_FRAME_LEN, FrameDecoder};
pub use language::LanguageCode;
pub use version::Version;
