//! The [`JsonBody`] trait: decode and encode a body in fastjson's dialect.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ProtocolError, Result};
use crate::fastjson::{self, JsonStyle};

/// A command body carried as JSON (`RemotingSerializable` on the Java side).
pub trait JsonBody: Serialize + DeserializeOwned {
    /// Reads the body from either fastjson style (or standard JSON). Errors name the body type.
    fn decode(bytes: &[u8]) -> Result<Self> {
        fastjson::from_slice(bytes).map_err(|error| match error {
            ProtocolError::Json { reason, .. } => ProtocolError::Json {
                what: short_type_name::<Self>(),
                reason,
            },
            other => other,
        })
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

/// `TopicRouteData` for `fulmen_protocol::body::route::TopicRouteData`.
fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::TopicRouteData;

    #[test]
    fn errors_name_the_body() {
        let error = TopicRouteData::decode(b"{\"queueDatas\":7}").unwrap_err();
        assert!(
            matches!(
                error,
                ProtocolError::Json {
                    what: "TopicRouteData",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().starts_with("invalid JSON in TopicRouteData: "),
            "{error}"
        );
    }
}
