//! Serde glue for [`LanguageCode`] fields: written as the Java enum name, read from a name (unknown names give
//! `OTHER`) or an ordinal.

use serde::{Deserializer, Serializer};

use crate::language::LanguageCode;

/// Writes the Java name; a code without a name is written as `OTHER`.
pub(crate) fn serialize<S: Serializer>(code: &LanguageCode, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(code.name().unwrap_or("OTHER"))
}

/// Reads a Java name or ordinal.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<LanguageCode, D::Error> {
    deserializer.deserialize_any(LanguageVisitor)
}

struct LanguageVisitor;

impl serde::de::Visitor<'_> for LanguageVisitor {
    type Value = LanguageCode;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a language name")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<LanguageCode, E> {
        Ok(LanguageCode::from_name(name))
    }

    fn visit_u64<E: serde::de::Error>(self, ordinal: u64) -> Result<LanguageCode, E> {
        Ok(u8::try_from(ordinal).map_or(LanguageCode::OTHER, LanguageCode))
    }

    fn visit_i64<E: serde::de::Error>(self, ordinal: i64) -> Result<LanguageCode, E> {
        Ok(u8::try_from(ordinal).map_or(LanguageCode::OTHER, LanguageCode))
    }
}
