//! The JSON header form, written exactly as fastjson writes Java's `RemotingCommand`: keys in alphabetical order,
//! absent values omitted, enums by name, every `extFields` value a string.

use std::fmt::Write as _;

use bytes::{BufMut, BytesMut};
use indexmap::IndexMap;
use serde::Deserialize;

use super::{RemotingCommand, SerializeType};
use crate::error::{ProtocolError, Result};
use crate::ext_fields::ExtFields;
use crate::fastjson::{JsonStyle, write_string};
use crate::language::LanguageCode;

pub(super) fn encode(command: &RemotingCommand, dst: &mut BytesMut) {
    let mut out = String::with_capacity(192);
    push_field_int(&mut out, "{\"code\":", command.code);
    if let Some(fields) = &command.ext_fields {
        out.push_str(",\"extFields\":{");
        for (i, (key, value)) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(&mut out, key, JsonStyle::Fastjson);
            out.push(':');
            write_string(&mut out, value, JsonStyle::Fastjson);
        }
        out.push('}');
    }
    push_field_int(&mut out, ",\"flag\":", command.flag);
    out.push_str(",\"language\":");
    match command.language.name() {
        Some(name) => write_string(&mut out, name, JsonStyle::Fastjson),
        None => out.push_str("\"OTHER\""),
    }
    push_field_int(&mut out, ",\"opaque\":", command.opaque);
    if let Some(remark) = &command.remark {
        out.push_str(",\"remark\":");
        write_string(&mut out, remark, JsonStyle::Fastjson);
    }
    push_field_int(
        &mut out,
        ",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":",
        command.version,
    );
    out.push('}');
    dst.put_slice(out.as_bytes());
}

/// Appends `prefix` and then `value` in decimal.
fn push_field_int(out: &mut String, prefix: &str, value: i32) {
    out.push_str(prefix);
    // Writing into a String cannot fail.
    let _ = write!(out, "{value}");
}

/// The fields of a JSON header; unknown keys (such as `serializeTypeCurrentRPC`) are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonHeader {
    #[serde(default)]
    code: i32,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    version: i32,
    #[serde(default)]
    opaque: i32,
    #[serde(default)]
    flag: i32,
    #[serde(default)]
    remark: Option<String>,
    #[serde(default)]
    ext_fields: Option<IndexMap<String, LenientString>>,
}

/// An `extFields` value: Java writes strings, other clients sometimes numbers or booleans; `null` means absent.
struct LenientString(Option<String>);

impl<'de> Deserialize<'de> for LenientString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(LenientStringVisitor)
    }
}

struct LenientStringVisitor;

impl serde::de::Visitor<'_> for LenientStringVisitor {
    type Value = LenientString;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string, number, boolean or null")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(LenientString(Some(v.to_owned())))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> std::result::Result<Self::Value, E> {
        Ok(LenientString(Some(v)))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
        Ok(LenientString(Some(v.to_string())))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
        Ok(LenientString(Some(v.to_string())))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Self::Value, E> {
        Ok(LenientString(Some(v.to_string())))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> std::result::Result<Self::Value, E> {
        Ok(LenientString(Some(v.to_string())))
    }
    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(LenientString(None))
    }
}

pub(super) fn decode(header: &[u8]) -> Result<RemotingCommand> {
    // serde would also read a struct from a JSON array; a header is always an object.
    if header.trim_ascii_start().first() != Some(&b'{') {
        return Err(ProtocolError::json(
            "command header",
            "the header is not a JSON object",
        ));
    }
    let parsed: JsonHeader =
        serde_json::from_slice(header).map_err(|e| ProtocolError::json("command header", e))?;
    let ext_fields = parsed.ext_fields.map(|fields| {
        fields
            .into_iter()
            .filter_map(|(key, value)| value.0.map(|text| (key, text)))
            .collect::<ExtFields>()
    });
    Ok(RemotingCommand {
        code: parsed.code,
        language: parsed
            .language
            .as_deref()
            .map_or(LanguageCode::OTHER, LanguageCode::from_name),
        version: parsed.version,
        opaque: parsed.opaque,
        flag: parsed.flag,
        remark: parsed.remark,
        ext_fields,
        body: bytes::Bytes::new(),
        serialize_type: SerializeType::Json,
    })
}
