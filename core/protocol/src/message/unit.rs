//! The byte layout of a stored unit (REMOTING.md §5.1), shared by commitlog files and PULL / QUERY_MESSAGE /
//! VIEW_MESSAGE_BY_ID / POP response bodies:
//!
//! ```text
//! TOTALSIZE 4 | MAGICCODE 4 | BODYCRC 4 | QUEUEID 4 | FLAG 4 | QUEUEOFFSET 8 | PHYSICALOFFSET 8 | SYSFLAG 4
//! | BORNTIMESTAMP 8 | BORNHOST 8/20 | STORETIMESTAMP 8 | STOREHOST 8/20 | RECONSUMETIMES 4
//! | PREPARED_TRANSACTION_OFFSET 8 | BODYLENGTH 4 + body | TOPICLENGTH 1 (v1) or 2 (v2) + topic
//! | PROPERTIESLENGTH 2 + properties
//! ```
//!
//! Decoding is stricter than Java's: a unit's fields must end exactly at TOTALSIZE, and negative lengths are
//! errors rather than "empty".

use bytes::{BufMut, Bytes, BytesMut};

use super::ext::MessageExt;
use super::host;
use super::properties::{MAX_PROPERTIES_LEN, Properties};
use super::sysflag::MessageSysFlag;
use super::version::{BLANK_MAGIC_CODE, MessageVersion};
use crate::error::{ProtocolError, Result};
use crate::reader::Reader;

const WHAT: &str = "message unit";

/// The fields before the born host: TOTALSIZE to BORNTIMESTAMP.
const HEAD_LEN: usize = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8;
/// The fixed-width fields between the hosts and after them: STORETIMESTAMP, RECONSUMETIMES,
/// PREPARED_TRANSACTION_OFFSET and the body and properties lengths.
const OTHER_FIXED_LEN: usize = 8 + 4 + 8 + 4 + 2;

/// What one position of a commitlog holds.
// Boxing the message would cost an allocation per decoded unit for the sake of the rare blank.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredUnit {
    /// A message.
    Message(MessageExt),
    /// The end-of-file filler (magic `0xCBD43194`): no more messages in this commitlog file.
    Blank,
}

impl StoredUnit {
    /// Decodes the unit at the start of `src`, returning it and its TOTALSIZE.
    ///
    /// A blank needs only its first 8 bytes in `src`; its TOTALSIZE (the rest of the file) may run past the end of
    /// `src`. A message must be entirely in `src`; if it is cut short the error is
    /// [`ProtocolError::UnexpectedEnd`], while a malformed unit gives [`ProtocolError::Invalid`].
    pub fn decode(src: &Bytes) -> Result<(StoredUnit, usize)> {
        decode_at(src, 0)
    }
}

impl MessageExt {
    /// Decodes the message unit at the start of `src`, returning it and the bytes it occupies. The body is a
    /// slice of `src`, not a copy. A blank unit is an error (see [`StoredUnit::decode`] to tell it apart).
    pub fn decode(src: &Bytes) -> Result<(MessageExt, usize)> {
        match decode_at(src, 0)? {
            (StoredUnit::Message(message), len) => Ok((message, len)),
            (StoredUnit::Blank, _) => Err(blank_error()),
        }
    }

    /// The size of the encoded unit (its TOTALSIZE), or why it cannot be encoded.
    pub fn encoded_len(&self) -> Result<usize> {
        self.layout().map(|layout| layout.total_len)
    }

    /// Appends the encoded unit to `dst`, computing TOTALSIZE; nothing is written on error.
    ///
    /// The `sysFlag` written has its IPv6 host bits set from the addresses ([`Self::effective_sys_flag`]) and the
    /// version is upgraded for long topics ([`Self::effective_version`]). The body CRC is written as it is in
    /// [`body_crc`](Self::body_crc). Errors: a topic or properties string over 32767 bytes, properties that cannot
    /// be encoded, a unit over 2 GiB.
    pub fn encode(&self, dst: &mut BytesMut) -> Result<()> {
        let layout = self.layout()?;
        dst.reserve(layout.total_len);
        dst.put_i32(layout.total_len as i32); // checked by layout()
        dst.put_i32(layout.version.magic_code());
        dst.put_i32(self.body_crc);
        dst.put_i32(self.queue_id);
        dst.put_i32(self.flag);
        dst.put_i64(self.queue_offset);
        dst.put_i64(self.commit_log_offset);
        dst.put_i32(self.effective_sys_flag());
        dst.put_i64(self.born_timestamp);
        host::put(dst, &self.born_host);
        dst.put_i64(self.store_timestamp);
        host::put(dst, &self.store_host);
        dst.put_i32(self.reconsume_times);
        dst.put_i64(self.prepared_transaction_offset);
        dst.put_i32(self.body.len() as i32); // checked by layout()
        dst.put_slice(&self.body);
        match layout.version {
            MessageVersion::V1 => dst.put_u8(self.topic.len() as u8),
            MessageVersion::V2 => dst.put_i16(self.topic.len() as i16),
        }
        dst.put_slice(self.topic.as_bytes());
        dst.put_i16(layout.properties_len as i16); // checked by layout()
        self.properties.put_unchecked(dst);
        Ok(())
    }

    /// The encoded unit as bytes.
    pub fn to_bytes(&self) -> Result<Bytes> {
        let mut dst = BytesMut::new();
        self.encode(&mut dst)?;
        Ok(dst.freeze())
    }

    /// Checks every length against its field's width and computes the unit's size.
    fn layout(&self) -> Result<Layout> {
        let version = self.effective_version();
        if self.topic.len() > version.max_topic_len() {
            return Err(ProtocolError::invalid(
                WHAT,
                format!("topic of {} bytes is too long", self.topic.len()),
            ));
        }
        self.properties.validate()?;
        let properties_len = self.properties.encoded_len();
        if properties_len > MAX_PROPERTIES_LEN {
            return Err(ProtocolError::invalid(
                WHAT,
                format!("properties of {properties_len} bytes exceed {MAX_PROPERTIES_LEN}"),
            ));
        }
        let total_len = HEAD_LEN
            + host::encoded_len(&self.born_host)
            + host::encoded_len(&self.store_host)
            + OTHER_FIXED_LEN
            + version.topic_length_size()
            + self.topic.len()
            + properties_len;
        let total_len = total_len
            .checked_add(self.body.len())
            .filter(|total| i32::try_from(*total).is_ok())
            .ok_or_else(|| {
                ProtocolError::invalid(WHAT, format!("body of {} bytes is too long", self.body.len()))
            })?;
        Ok(Layout {
            version,
            properties_len,
            total_len,
        })
    }
}

/// The lengths `encode` writes, checked.
struct Layout {
    version: MessageVersion,
    properties_len: usize,
    total_len: usize,
}

/// Decodes every unit of a PULL / QUERY_MESSAGE body: message units back to back. Any malformed or truncated
/// unit, or a blank, makes the whole body an error.
pub fn decode_all(src: &Bytes) -> Result<Vec<MessageExt>> {
    let mut messages = Vec::new();
    let mut position = 0;
    while position < src.len() {
        match decode_at(src, position)? {
            (StoredUnit::Message(message), len) => {
                messages.push(message);
                position += len;
            }
            (StoredUnit::Blank, _) => return Err(blank_error()),
        }
    }
    Ok(messages)
}

fn blank_error() -> ProtocolError {
    ProtocolError::invalid(
        WHAT,
        "a blank unit (end-of-file filler) where a message was expected",
    )
}

/// Decodes the unit starting at `start` (at most `src.len()`).
fn decode_at(src: &Bytes, start: usize) -> Result<(StoredUnit, usize)> {
    let rest = src.get(start..).unwrap_or_default();
    let mut head = Reader::new(rest, WHAT);
    let total_size = head.i32()?;
    let magic_code = head.i32()?;
    let total_len = usize::try_from(total_size)
        .map_err(|_| ProtocolError::invalid(WHAT, format!("negative TOTALSIZE {total_size}")))?;
    if magic_code == BLANK_MAGIC_CODE {
        if total_len < 8 {
            return Err(ProtocolError::invalid(
                WHAT,
                format!("blank unit with TOTALSIZE {total_len}"),
            ));
        }
        return Ok((StoredUnit::Blank, total_len));
    }
    let version = MessageVersion::from_magic_code(magic_code).ok_or_else(|| {
        ProtocolError::invalid(WHAT, format!("unknown magic code {:#010X}", magic_code as u32))
    })?;
    if total_len > rest.len() {
        return Err(ProtocolError::unexpected_end(WHAT, total_len, rest.len()));
    }
    let unit = &rest[..total_len];
    let message = decode_fields(src, start, unit, version).map_err(|error| match error {
        ProtocolError::UnexpectedEnd {
            needed, available, ..
        } => ProtocolError::invalid(
            WHAT,
            format!("fields run past TOTALSIZE {total_len}: {needed} bytes needed, {available} left"),
        ),
        other => other,
    })?;
    Ok((StoredUnit::Message(message), total_len))
}

/// Reads the fields of `unit`, which starts at `start` in `src` and is exactly TOTALSIZE long.
fn decode_fields(src: &Bytes, start: usize, unit: &[u8], version: MessageVersion) -> Result<MessageExt> {
    let mut r = Reader::new(unit, WHAT);
    let store_size = r.i32()?;
    r.i32()?; // the magic code, already read
    let body_crc = r.i32()?;
    let queue_id = r.i32()?;
    let flag = r.i32()?;
    let queue_offset = r.i64()?;
    let commit_log_offset = r.i64()?;
    let sys_flag = r.i32()?;
    let born_timestamp = r.i64()?;
    let born_host = host::read(
        &mut r,
        MessageSysFlag::has(sys_flag, MessageSysFlag::BORNHOST_V6),
        WHAT,
    )?;
    let store_timestamp = r.i64()?;
    let store_host = host::read(
        &mut r,
        MessageSysFlag::has(sys_flag, MessageSysFlag::STOREHOSTADDRESS_V6),
        WHAT,
    )?;
    let reconsume_times = r.i32()?;
    let prepared_transaction_offset = r.i64()?;
    let body_len = r.len_i32("body length")?;
    let body_start = start + r.position();
    r.bytes(body_len)?;
    let body = src.slice(body_start..body_start + body_len);
    let topic_len = match version {
        MessageVersion::V1 => {
            let len = r.u8()? as i8;
            usize::try_from(len)
                .map_err(|_| ProtocolError::invalid(WHAT, format!("negative topic length {len}")))?
        }
        MessageVersion::V2 => r.len_i16("topic length")?,
    };
    let topic = r.utf8(topic_len, "topic")?.to_owned();
    let properties_len = r.len_i16("properties length")?;
    let properties = Properties::decode_bytes(r.bytes(properties_len)?)?;
    if r.remaining() != 0 {
        return Err(ProtocolError::invalid(
            WHAT,
            format!(
                "TOTALSIZE {} but the fields end after {} bytes",
                unit.len(),
                r.position()
            ),
        ));
    }
    Ok(MessageExt {
        store_size,
        version,
        body_crc,
        queue_id,
        flag,
        queue_offset,
        commit_log_offset,
        sys_flag,
        born_timestamp,
        born_host,
        store_timestamp,
        store_host,
        reconsume_times,
        prepared_transaction_offset,
        body,
        topic,
        properties,
    })
}

#[cfg(test)]
mod tests;
