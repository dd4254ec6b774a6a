//! The [`JsonBody`] trait: decode and encode a body in fastjson's dialect.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::fastjson::{self, JsonStyle};

/// A command body carried as JSON (`RemotingSerializable` on the Java side).
pub trait JsonBody: Serialize + DeserializeOwned {
    /// Reads the body from either fastjson style (or standard JSON).
    fn decode(bytes: &[u8]) -> Result<Self> {
        fastjson::from_slice(bytes)
    }

    /// Writes the body as Java's `RemotingSerializable#encode()` does (fastjson defaults).
    fn encode(&self) -> Result<Vec<u8>> {
        fastjson::to_vec(self, JsonStyle::Fastjson)
    }

    /// Writes the body in the given style.
    fn encode_with(&self, style: JsonStyle) -> Result<Vec<u8>> {
        fastjson::to_vec(self, style)
    }
}
