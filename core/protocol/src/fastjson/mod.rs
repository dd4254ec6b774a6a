//! The fastjson 1.2.83 dialect of JSON that Java RocketMQ peers write and read.
//!
//! fastjson writes non-string map keys bare (`{0:"a"}`, `{{"topic":"T"}:1}`) and has its own escaping rules; this
//! module reads that dialect and writes it the way Java does for a given peer.
//!
//! * Reading: [`from_slice`] accepts both the native and the browser-compatible forms (plus single quotes,
//!   unquoted names, unknown fields, `$ref` objects) by first rewriting the text into standard JSON
//!   ([`to_standard_json`]) and then letting serde_json deserialize it. Map keys arrive as strings; serde_json
//!   parses integer keys from them, and object-keyed types such as `MessageQueue` parse the key's JSON text.
//! * Writing: [`to_vec`] / [`to_string`] serialize any `Serialize` value into a value tree and write it as
//!   fastjson would in the chosen [`JsonStyle`]: fields sorted by name, `None` omitted, integer and struct map keys
//!   bare (or quoted when browser-compatible), Java's number layout.

mod number;
mod reader;
mod serializer;
mod string;
mod tree;
mod writer;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ProtocolError, Result};

pub use reader::{MAX_DEPTH, MAX_KEY_NESTING, to_standard_json};
pub use string::{JsonStyle, write_string};

const WHAT: &str = "JSON body";

/// Deserializes a value from fastjson text (either style, or standard JSON).
pub fn from_slice<T: DeserializeOwned>(input: &[u8]) -> Result<T> {
    let standard = to_standard_json(input)?;
    serde_json::from_str(&standard).map_err(|e| ProtocolError::json(WHAT, e))
}

/// Deserializes a value from fastjson text held in a `str`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T> {
    from_slice(text.as_bytes())
}

/// Serializes `value` into the text fastjson 1.2.83 would write for the equivalent Java object in `style`.
///
/// Fails only if a `Serialize` implementation reports an error (or for a `u128` beyond `i128::MAX`).
pub fn to_string<T: Serialize + ?Sized>(value: &T, style: JsonStyle) -> Result<String> {
    let node = serializer::to_node(value).map_err(|e| ProtocolError::json(WHAT, e))?;
    let mut out = String::with_capacity(128);
    writer::write_node(&mut out, &node, style);
    Ok(out)
}

/// Serializes `value` like [`to_string`], as UTF-8 bytes ready to be a command body.
pub fn to_vec<T: Serialize + ?Sized>(value: &T, style: JsonStyle) -> Result<Vec<u8>> {
    to_string(value, style).map(String::into_bytes)
}

#[cfg(test)]
mod tests;
