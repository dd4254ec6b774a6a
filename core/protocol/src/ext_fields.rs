//! `extFields`: the string map that carries every typed header field on the wire, and the conversions between
//! Rust values and those strings (Java's `Integer.parseInt`, `Long.parseLong`, `Boolean.parseBoolean`).

use indexmap::IndexMap;

use crate::error::{ProtocolError, Result};

/// The custom header of a command. Insertion order is kept, so a decoded command re-encodes to the same bytes.
pub type ExtFields = IndexMap<String, String>;

/// A value that travels as an `extFields` string.
pub trait ExtValue: Sized {
    /// Parses the wire string; `None` when it is not a valid value of this type.
    fn parse_ext(text: &str) -> Option<Self>;
    /// The wire string.
    fn to_ext(&self) -> String;
}

impl ExtValue for String {
    fn parse_ext(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
    fn to_ext(&self) -> String {
        self.clone()
    }
}

impl ExtValue for i32 {
    fn parse_ext(text: &str) -> Option<Self> {
        text.parse().ok()
    }
    fn to_ext(&self) -> String {
        self.to_string()
    }
}

impl ExtValue for i64 {
    fn parse_ext(text: &str) -> Option<Self> {
        text.parse().ok()
    }
    fn to_ext(&self) -> String {
        self.to_string()
    }
}

impl ExtValue for bool {
    /// Java's `Boolean.parseBoolean`: `true` in any case is true, everything else is false.
    fn parse_ext(text: &str) -> Option<Self> {
        Some(text.eq_ignore_ascii_case("true"))
    }
    fn to_ext(&self) -> String {
        self.to_string()
    }
}

/// A field of a typed header: a required value (`T`) or an optional one (`Option<T>`).
pub trait HeaderField: Sized {
    /// Reads the field stored under `key`; `header` names the header type in errors.
    fn read(fields: &ExtFields, header: &'static str, key: &'static str) -> Result<Self>;
    /// Writes the field under `key`; absent optional values are not written.
    fn write(&self, key: &'static str, fields: &mut ExtFields);
}

fn parse_field<T: ExtValue>(text: &str, header: &'static str, key: &'static str) -> Result<T> {
    T::parse_ext(text).ok_or_else(|| ProtocolError::InvalidField { header, field: key, value: text.to_owned() })
}

impl<T: ExtValue> HeaderField for T {
    fn read(fields: &ExtFields, header: &'static str, key: &'static str) -> Result<Self> {
        let text = fields.get(key).ok_or(ProtocolError::MissingField { header, field: key })?;
        parse_field(text, header, key)
    }
    fn write(&self, key: &'static str, fields: &mut ExtFields) {
        fields.insert(key.to_owned(), self.to_ext());
    }
}

impl<T: ExtValue> HeaderField for Option<T> {
    fn read(fields: &ExtFields, header: &'static str, key: &'static str) -> Result<Self> {
        fields.get(key).map(|text| parse_field(text, header, key)).transpose()
    }
    fn write(&self, key: &'static str, fields: &mut ExtFields) {
        if let Some(value) = self {
            value.write(key, fields);
        }
    }
}

/// A typed custom header: converts to and from `extFields`.
pub trait CommandHeader: Sized {
    /// The Java class name, used in error messages.
    const NAME: &'static str;
    /// Writes every present field into `fields`.
    fn write_to(&self, fields: &mut ExtFields);
    /// Reads the header, failing with the name of the first missing or invalid required field.
    fn read_from(fields: &ExtFields) -> Result<Self>;

    /// The header as a fresh `extFields` map.
    fn to_ext_fields(&self) -> ExtFields {
        let mut fields = ExtFields::new();
        self.write_to(&mut fields);
        fields
    }
}

/// Defines a typed header struct and its [`CommandHeader`] implementation from `field: Type = "wireKey"` lines.
/// `Option<T>` fields are optional; any other type is required.
macro_rules! command_header {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident: $ty:ty = $key:literal,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                pub $field: $ty,
            )*
        }

        impl $crate::ext_fields::CommandHeader for $name {
            const NAME: &'static str = stringify!($name);

            #[allow(unused_variables)]
            fn write_to(&self, fields: &mut $crate::ext_fields::ExtFields) {
                $( $crate::ext_fields::HeaderField::write(&self.$field, $key, fields); )*
            }

            #[allow(unused_variables)]
            fn read_from(fields: &$crate::ext_fields::ExtFields) -> $crate::error::Result<Self> {
                Ok($name {
                    $( $field: $crate::ext_fields::HeaderField::read(fields, stringify!($name), $key)?, )*
                })
            }
        }
    };
}
pub(crate) use command_header;

#[cfg(test)]
mod tests {
    use super::*;

    command_header! {
        /// A header for the tests.
        pub struct SampleHeader {
            group: String = "consumerGroup",
            queue_id: i32 = "queueId",
            offset: Option<i64> = "queueOffset",
            flag: bool = "flag",
        }
    }

    #[test]
    fn round_trips_and_skips_absent_optionals() {
        let header = SampleHeader { group: "G".into(), queue_id: 3, offset: None, flag: true };
        let fields = header.to_ext_fields();
        assert_eq!(fields.get("queueId").map(String::as_str), Some("3"));
        assert!(!fields.contains_key("queueOffset"));
        assert_eq!(SampleHeader::read_from(&fields).unwrap(), header);
    }

    #[test]
    fn missing_and_invalid_fields_are_named() {
        let mut fields = ExtFields::new();
        fields.insert("consumerGroup".into(), "G".into());
        fields.insert("flag".into(), "TRUE".into());
        assert_eq!(
            SampleHeader::read_from(&fields).unwrap_err().to_string(),
            "SampleHeader: the required field `queueId` is missing"
        );
        fields.insert("queueId".into(), "x1".into());
        assert_eq!(
            SampleHeader::read_from(&fields).unwrap_err(),
            ProtocolError::InvalidField { header: "SampleHeader", field: "queueId", value: "x1".into() }
        );
        fields.insert("queueId".into(), "-1".into());
        let parsed = SampleHeader::read_from(&fields).unwrap();
        assert!(parsed.flag, "Java's Boolean.parseBoolean ignores case");
        assert_eq!(parsed.queue_id, -1);
    }
}
