//! The properties string of a message: `name \u{1} value \u{2}` for every pair, the last one included, in UTF-8.
//!
//! Decoding follows Java's `MessageDecoder.string2messageProperties`: items are split on `\u{2}`, an item keeps its
//! name up to its first `\u{1}` and its value after it, and items with an empty name or an empty value are dropped.
//! The map keeps insertion order, so a decoded string re-encodes to the same bytes.

use std::fmt;

use bytes::{BufMut, BytesMut};
use indexmap::IndexMap;

use super::keys::{NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR};
use crate::error::{ProtocolError, Result};

/// The largest properties string a stored unit or batch record can carry: its length is a signed short.
pub const MAX_PROPERTIES_LEN: usize = i16::MAX as usize;

/// A message's properties, in insertion order.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Properties {
    map: IndexMap<String, String>,
}

impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Properties {
    /// No properties.
    pub fn new() -> Self {
        Properties::default()
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(String::as_str)
    }

    /// Whether `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// Sets `name` to `value`, keeping the position of an existing `name`; returns the previous value.
    ///
    /// Nothing is checked here: [`encode_into`](Self::encode_into) refuses names and values that the string form
    /// cannot carry.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) -> Option<String> {
        self.map.insert(name.into(), value.into())
    }

    /// Removes `name`, keeping the order of the others; returns its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.map.shift_remove(name)
    }

    /// The number of properties.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are no properties.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// The underlying map.
    pub fn as_map(&self) -> &IndexMap<String, String> {
        &self.map
    }

    /// The underlying map, by value.
    pub fn into_map(self) -> IndexMap<String, String> {
        self.map
    }

    /// The length in bytes of the encoded string.
    pub fn encoded_len(&self) -> usize {
        self.map
            .iter()
            .map(|(name, value)| name.len() + value.len() + 2)
            .sum()
    }

    /// Checks that every pair survives the string form: a non-empty name without separators and a value without
    /// `\u{2}`. An empty value is allowed but, as in Java, disappears when the string is decoded.
    pub fn validate(&self) -> Result<()> {
        for (name, value) in &self.map {
            if name.is_empty() {
                return Err(ProtocolError::invalid(
                    "message properties",
                    "empty property name",
                ));
            }
            if name.contains([NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR]) {
                return Err(ProtocolError::invalid(
                    "message properties",
                    format!("property name {name:?} contains a separator (char 1 or 2)"),
                ));
            }
            if value.contains(PROPERTY_SEPARATOR) {
                return Err(ProtocolError::invalid(
                    "message properties",
                    format!("the value of {name:?} contains the property separator (char 2)"),
                ));
            }
        }
        Ok(())
    }

    /// Appends the encoded string to `dst` after [`validate`](Self::validate); nothing is written on error.
    pub fn encode_into(&self, dst: &mut BytesMut) -> Result<()> {
        self.validate()?;
        self.put_unchecked(dst);
        Ok(())
    }

    /// The encoded string, after [`validate`](Self::validate).
    pub fn encode(&self) -> Result<String> {
        self.validate()?;
        let mut text = String::with_capacity(self.encoded_len());
        for (name, value) in &self.map {
            text.push_str(name);
            text.push(NAME_VALUE_SEPARATOR);
            text.push_str(value);
            text.push(PROPERTY_SEPARATOR);
        }
        Ok(text)
    }

    /// Appends the encoded string, for callers that already validated.
    pub(crate) fn put_unchecked(&self, dst: &mut BytesMut) {
        for (name, value) in &self.map {
            dst.put_slice(name.as_bytes());
            dst.put_u8(NAME_VALUE_SEPARATOR as u8);
            dst.put_slice(value.as_bytes());
            dst.put_u8(PROPERTY_SEPARATOR as u8);
        }
    }

    /// Parses a properties string with Java's tolerance: items without a name or a value are dropped, a missing
    /// final separator is accepted, and a repeated name keeps its last value.
    pub fn decode(text: &str) -> Properties {
        let mut properties = Properties::new();
        for item in text.split(PROPERTY_SEPARATOR) {
            match item.split_once(NAME_VALUE_SEPARATOR) {
                Some((name, value)) if !name.is_empty() && !value.is_empty() => {
                    properties.insert(name, value);
                }
                _ => {}
            }
        }
        properties
    }

    /// Parses a properties string from bytes that must be UTF-8.
    pub fn decode_bytes(raw: &[u8]) -> Result<Properties> {
        let text = std::str::from_utf8(raw)
            .map_err(|e| ProtocolError::invalid("message properties", format!("not UTF-8: {e}")))?;
        Ok(Properties::decode(text))
    }
}

impl From<IndexMap<String, String>> for Properties {
    fn from(map: IndexMap<String, String>) -> Self {
        Properties { map }
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Properties {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        Properties {
            map: pairs
                .into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .collect(),
        }
    }
}

impl<K: Into<String>, V: Into<String>> Extend<(K, V)> for Properties {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, pairs: I) {
        self.map
            .extend(pairs.into_iter().map(|(name, value)| (name.into(), value.into())));
    }
}

impl IntoIterator for Properties {
    type Item = (String, String);
    type IntoIter = indexmap::map::IntoIter<String, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_ends_with_the_separator() {
        let properties: Properties = [("TAGS", "TagA"), ("KEYS", "k1 k2"), ("UNIQ_KEY", "ABC")]
            .into_iter()
            .collect();
        let text = properties.encode().unwrap();
        assert_eq!(text, "TAGS\u{1}TagA\u{2}KEYS\u{1}k1 k2\u{2}UNIQ_KEY\u{1}ABC\u{2}");
        assert_eq!(properties.encoded_len(), text.len());
        let mut buf = BytesMut::new();
        properties.encode_into(&mut buf).unwrap();
        assert_eq!(&buf[..], text.as_bytes());
        assert_eq!(Properties::decode(&text), properties);
        assert_eq!(Properties::new().encode().unwrap(), "");
    }

    #[test]
    fn decoding_tolerates_what_java_tolerates() {
        // No final separator.
        let p = Properties::decode("a\u{1}1\u{2}b\u{1}2");
        assert_eq!(p.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "2")]);
        // Short items, empty names, empty values, items without a name separator: dropped.
        let p = Properties::decode("\u{2}ab\u{2}\u{1}x\u{2}k\u{1}\u{2}noSeparator\u{2}ok\u{1}v\u{2}\u{2}");
        assert_eq!(p.iter().collect::<Vec<_>>(), [("ok", "v")]);
        // The value runs to the item's end, further name separators included.
        let p = Properties::decode("k\u{1}v\u{1}w\u{2}");
        assert_eq!(p.get("k"), Some("v\u{1}w"));
        // A repeated name keeps its last value.
        let p = Properties::decode("k\u{1}1\u{2}j\u{1}2\u{2}k\u{1}3\u{2}");
        assert_eq!(p.iter().collect::<Vec<_>>(), [("k", "3"), ("j", "2")]);
        assert!(Properties::decode("").is_empty());
        // Multi-byte characters are fine.
        let p = Properties::decode("é\u{1}😀\u{2}");
        assert_eq!(p.get("é"), Some("😀"));
    }

    #[test]
    fn a_value_with_a_name_separator_survives() {
        let mut p = Properties::new();
        p.insert("k", "v\u{1}w");
        assert_eq!(Properties::decode(&p.encode().unwrap()), p);
    }

    #[test]
    fn unencodable_pairs_are_refused() {
        for (name, value) in [("", "v"), ("a\u{1}b", "v"), ("a\u{2}b", "v"), ("k", "v\u{2}w")] {
            let mut p = Properties::new();
            p.insert(name, value);
            assert!(p.encode().is_err(), "{name:?}={value:?}");
            let mut buf = BytesMut::new();
            assert!(p.encode_into(&mut buf).is_err());
            assert!(buf.is_empty());
        }
        let mut p = Properties::new();
        p.insert("empty", "");
        assert_eq!(p.encode().unwrap(), "empty\u{1}\u{2}");
    }

    #[test]
    fn bad_utf8_is_an_error() {
        assert!(Properties::decode_bytes(b"k\x01\xFF\x02").is_err());
        assert_eq!(
            Properties::decode_bytes(b"k\x01v\x02").unwrap().get("k"),
            Some("v")
        );
    }

    #[test]
    fn order_is_kept_on_remove() {
        let mut p: Properties = [("a", "1"), ("b", "2"), ("c", "3")].into_iter().collect();
        assert_eq!(p.remove("a").as_deref(), Some("1"));
        assert_eq!(p.encode().unwrap(), "b\u{1}2\u{2}c\u{1}3\u{2}");
    }
}
