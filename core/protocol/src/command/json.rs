//! The JSON header form, written exactly as fastjson writes Java's `RemotingCommand`: keys in alphabetical order,
//! absent values omitted, enums by name, every `extFields` value a string.

use bytes::{BufMut, BytesMut};
use indexmap::IndexMap;
use serde::Deserialize;

use super::{RemotingCommand, SerializeType};
use crate::error::{ProtocolError, Result};
use crate::ext_fields::ExtFields;
use crate::fastjson::{JsonStyle, write_string};
use crate::language::LanguageCode;

pub(super) fn encode(command: &RemotingCommand, dst: &mut BytesMut) {
    let mut out = String::with_capacity(160);
    out.push_str("{\"code\":");
    out.push_str(itoa(command.code).as_str());
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
    out.push_str(",\"flag\":");
    out.push_str(itoa(command.flag).as_str());
    out.push_str(",\"language\":");
    match command.language.name() {
        Some(name) => write_string(&mut out, name, JsonStyle::Fastjson),
        None => out.push_str("\"OTHER\""),
    }
    out.push_str(",\"opaque\":");
    out.push_str(itoa(command.opaque).as_str());
    if let Some(remark) = &command.remark {
        out.push_str(",\"remark\":");
        write_string(&mut out, remark, JsonStyle::Fastjson);
    }
    out.push_str(",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":");
    out.push_str(itoa(command.version).as_str());
    out.push('}');
    dst.put_slice(out.as_bytes());
}

fn itoa(value: i32) -> String {
    value.to_string()
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
    ext_fields: Option<IndexMap<String, serde_json::Value>>,
}

pub(super) fn decode(header: &[u8]) -> Result<RemotingCommand> {
    let parsed: JsonHeader = serde_json::from_slice(header).map_err(|e| ProtocolError::json("command header", e))?;
    let ext_fields = parsed.ext_fields.map(|fields| {
        fields
            .into_iter()
            .filter_map(|(key, value)| match value {
                serde_json::Value::Null => None,
                serde_json::Value::String(text) => Some((key, text)),
                other => Some((key, other.to_string())),
            })
            .collect::<ExtFields>()
    });
    Ok(RemotingCommand {
        code: parsed.code,
        language: parsed.language.as_deref().map_or(LanguageCode::OTHER, LanguageCode::from_name),
        version: parsed.version,
        opaque: parsed.opaque,
        flag: parsed.flag,
        remark: parsed.remark,
        ext_fields,
        body: bytes::Bytes::new(),
        serialize_type: SerializeType::Json,
    })
}
