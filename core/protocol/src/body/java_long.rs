//! Serde glue for Java `long` fields: read from a number or from a string of digits, because fastjson's
//! browser-compatible mode quotes longs beyond ±(2^53-1) (`"brokerOffset":"1152921504606846976"`).

use serde::{Deserialize, Deserializer};

/// Reads an `i64` written as a number or as a quoted integer.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(JavaLongVisitor)
}

/// An `i64` map value or list item read like [`deserialize`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JavaLong(pub(crate) i64);

impl<'de> Deserialize<'de> for JavaLong {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer).map(JavaLong)
    }
}

struct JavaLongVisitor;

impl serde::de::Visitor<'_> for JavaLongVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a long, possibly quoted")
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<i64, E> {
        Ok(value)
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<i64, E> {
        i64::try_from(value).map_err(|_| E::custom(format!("{value} does not fit a long")))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<i64, E> {
        text.parse()
            .map_err(|_| E::custom(format!("{text:?} is not a long")))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use crate::fastjson;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Holder {
        #[serde(deserialize_with = "super::deserialize")]
        value: i64,
    }

    #[test]
    fn reads_numbers_and_quoted_longs() {
        let read = |text: &str| fastjson::from_str::<Holder>(text).map(|h| h.value);
        assert_eq!(read(r#"{"value":-5}"#).unwrap(), -5);
        assert_eq!(read(r#"{"value":"1152921504606846976"}"#).unwrap(), 1 << 60);
        assert!(read(r#"{"value":"x"}"#).is_err());
        assert!(read(r#"{"value":18446744073709551615}"#).is_err());
        assert!(read(r#"{"value":1.5}"#).is_err());
    }
}
