//! The ROCKETMQ binary header form (`RocketMQSerializable`): fixed fields, then the remark and the ext map, each
//! length-prefixed. A zero length reads as absent, as in Java.

use bytes::{BufMut, BytesMut};

use super::{RemotingCommand, SerializeType};
use crate::error::{ProtocolError, Result};
use crate::ext_fields::ExtFields;
use crate::language::LanguageCode;
use crate::reader::Reader;

pub(super) fn encode(command: &RemotingCommand, dst: &mut BytesMut) -> Result<()> {
    // The caller only picks this form when code and version fit 16 bits.
    dst.put_i16(command.code as i16);
    dst.put_u8(command.language.0);
    dst.put_i16(command.version as i16);
    dst.put_i32(command.opaque);
    dst.put_i32(command.flag);
    match command.remark.as_deref() {
        Some(remark) if !remark.is_empty() => {
            dst.put_i32(len_i32(remark.len(), "remark")?);
            dst.put_slice(remark.as_bytes());
        }
        _ => dst.put_i32(0),
    }
    let fields = command.ext_fields.iter().flatten();
    let map_len: usize = fields.clone().map(|(k, v)| 2 + k.len() + 4 + v.len()).sum();
    dst.put_i32(len_i32(map_len, "ext fields")?);
    for (key, value) in fields {
        let key_len = i16::try_from(key.len())
            .map_err(|_| ProtocolError::invalid("command header", format!("ext key of {} bytes", key.len())))?;
        dst.put_i16(key_len);
        dst.put_slice(key.as_bytes());
        dst.put_i32(len_i32(value.len(), "ext value")?);
        dst.put_slice(value.as_bytes());
    }
    Ok(())
}

fn len_i32(len: usize, what: &str) -> Result<i32> {
    i32::try_from(len).map_err(|_| ProtocolError::invalid("command header", format!("{what} of {len} bytes")))
}

pub(super) fn decode(header: &[u8]) -> Result<RemotingCommand> {
    let mut r = Reader::new(header, "binary command header");
    let code = i32::from(r.i16()?);
    let language = LanguageCode(r.u8()?);
    let version = i32::from(r.i16()?);
    let opaque = r.i32()?;
    let flag = r.i32()?;
    let remark_len = r.len_i32("remark length")?;
    let remark = match remark_len {
        0 => None,
        n => Some(r.utf8(n, "remark")?.to_owned()),
    };
    let map_len = r.len_i32("ext fields length")?;
    let ext_fields = match map_len {
        0 => None,
        n => Some(decode_map(r.bytes(n)?)?),
    };
    // Like Java, bytes after the ext map are ignored.
    Ok(RemotingCommand {
        code,
        language,
        version,
        opaque,
        flag,
        remark,
        ext_fields,
        body: bytes::Bytes::new(),
        serialize_type: SerializeType::RocketMq,
    })
}

fn decode_map(area: &[u8]) -> Result<ExtFields> {
    let mut r = Reader::new(area, "binary ext fields");
    let mut fields = ExtFields::new();
    while r.remaining() > 0 {
        let key_len = r.len_i16("key length")?;
        let key = r.utf8(key_len, "ext key")?;
        let value_len = r.len_i32("value length")?;
        let value = r.utf8(value_len, "ext value")?;
        // Java reads a zero length as null and drops the pair.
        if !key.is_empty() && !value.is_empty() {
            fields.insert(key.to_owned(), value.to_owned());
        }
    }
    Ok(fields)
}
