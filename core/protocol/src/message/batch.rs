//! The SEND_BATCH_MESSAGE body (REMOTING.md §5.6): records back to back, each
//! `TOTALSIZE 4 | MAGICCODE 4 (0) | BODYCRC 4 (0) | FLAG 4 | BODYLENGTH 4 + body | PROPERTIESLENGTH 2 + properties`
//! with TOTALSIZE = 22 + body + properties (Java's `MessageDecoder.encodeMessage` counts both length fields;
//! REMOTING.md says 20). The same records form the body of an inner-batch stored unit.

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use super::ext::{BodyLen, MessageExt};
use super::keys;
use super::properties::{MAX_PROPERTIES_LEN, Properties};
use crate::error::{ProtocolError, Result};
use crate::reader::Reader;

const WHAT: &str = "batch record";

/// The bytes of a record besides its body and properties.
const RECORD_OVERHEAD: usize = 4 + 4 + 4 + 4 + 4 + 2;

/// One message of a batch: everything else (topic, queue, born info) comes from the request header. `Debug` shows
/// the body's length, not its bytes.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BatchEntry {
    /// The user flag.
    pub flag: i32,
    /// The body; batches are never compressed.
    pub body: Bytes,
    /// The properties; each entry carries its own `UNIQ_KEY`.
    pub properties: Properties,
}

impl fmt::Debug for BatchEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchEntry")
            .field("flag", &self.flag)
            .field("body", &BodyLen(&self.body))
            .field("properties", &self.properties)
            .finish()
    }
}

impl BatchEntry {
    /// The size of the encoded record (its TOTALSIZE), or why it cannot be encoded.
    pub fn encoded_len(&self) -> Result<usize> {
        self.properties.validate()?;
        let properties_len = self.properties.encoded_len();
        if properties_len > MAX_PROPERTIES_LEN {
            return Err(ProtocolError::invalid(
                WHAT,
                format!("properties of {properties_len} bytes exceed {MAX_PROPERTIES_LEN}"),
            ));
        }
        (RECORD_OVERHEAD + properties_len)
            .checked_add(self.body.len())
            .filter(|total| i32::try_from(*total).is_ok())
            .ok_or_else(|| {
                ProtocolError::invalid(WHAT, format!("body of {} bytes is too long", self.body.len()))
            })
    }

    /// Appends the record to `dst`; nothing is written on error.
    pub fn encode(&self, dst: &mut BytesMut) -> Result<()> {
        let total_len = self.encoded_len()?;
        dst.reserve(total_len);
        dst.put_i32(total_len as i32); // checked by encoded_len()
        dst.put_i32(0); // magic code
        dst.put_i32(0); // body CRC
        dst.put_i32(self.flag);
        dst.put_i32(self.body.len() as i32);
        dst.put_slice(&self.body);
        dst.put_i16(self.properties.encoded_len() as i16);
        self.properties.put_unchecked(dst);
        Ok(())
    }

    /// Decodes the record at the start of `src`, returning it and the bytes it occupies; the body is a slice of
    /// `src`.
    ///
    /// Like the Java broker, this walks the fields and ignores TOTALSIZE, MAGICCODE and BODYCRC. Negative lengths
    /// and properties that are not UTF-8 are errors.
    pub fn decode(src: &Bytes) -> Result<(BatchEntry, usize)> {
        decode_at(src, 0)
    }
}

/// Encodes `entries` as a batch body: the records back to back. Nothing is written on error.
pub fn encode_batch(entries: &[BatchEntry], dst: &mut BytesMut) -> Result<()> {
    let mut total_len = 0usize;
    for entry in entries {
        total_len = total_len.saturating_add(entry.encoded_len()?);
    }
    dst.reserve(total_len);
    for entry in entries {
        entry.encode(dst)?;
    }
    Ok(())
}

/// Decodes a batch body into its records.
pub fn decode_batch(src: &Bytes) -> Result<Vec<BatchEntry>> {
    let mut entries = Vec::new();
    let mut position = 0;
    while position < src.len() {
        let (entry, len) = decode_at(src, position)?;
        entries.push(entry);
        position += len;
    }
    Ok(entries)
}

/// Decodes the record starting at `start` (at most `src.len()`).
fn decode_at(src: &Bytes, start: usize) -> Result<(BatchEntry, usize)> {
    let mut r = Reader::new(src.get(start..).unwrap_or_default(), WHAT);
    r.i32()?; // TOTALSIZE
    r.i32()?; // magic code
    r.i32()?; // body CRC
    let flag = r.i32()?;
    let body_len = r.len_i32("body length")?;
    let body_start = start + r.position();
    r.bytes(body_len)?;
    let body = src.slice(body_start..body_start + body_len);
    let properties_len = r.len_i16("properties length")?;
    let properties = Properties::decode_bytes(r.bytes(properties_len)?)?;
    Ok((
        BatchEntry {
            flag,
            body,
            properties,
        },
        r.position(),
    ))
}

/// Splits an inner-batch stored unit (`INNER_BATCH` with `NEED_UNWRAP`) into its messages, as Java's client does:
/// each record becomes a message with the outer unit's topic, queue, hosts, timestamps, `sysFlag` and commitlog
/// offset, the queue offset `outer.queue_offset + i`, the record's flag, body and properties, and the outer
/// unit's `WAIT` property value (`true` when absent).
pub fn unwrap_inner_batch(outer: &MessageExt) -> Result<Vec<MessageExt>> {
    let wait_store_msg_ok = outer.properties.get(keys::WAIT_STORE_MSG_OK).unwrap_or("true");
    let wait_store_msg_ok = if wait_store_msg_ok.eq_ignore_ascii_case("true") {
        "true"
    } else {
        "false"
    };
    let entries = decode_batch(&outer.body)?;
    Ok(entries
        .into_iter()
        .zip(0i64..)
        .map(|(entry, index)| {
            let mut properties = entry.properties;
            properties.insert(keys::WAIT_STORE_MSG_OK, wait_store_msg_ok);
            MessageExt {
                topic: outer.topic.clone(),
                queue_offset: outer.queue_offset.wrapping_add(index),
                queue_id: outer.queue_id,
                flag: entry.flag,
                properties,
                body: entry.body,
                store_host: outer.store_host,
                born_host: outer.born_host,
                born_timestamp: outer.born_timestamp,
                store_timestamp: outer.store_timestamp,
                sys_flag: outer.sys_flag,
                commit_log_offset: outer.commit_log_offset,
                ..MessageExt::default()
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::sysflag::MessageSysFlag;

    fn entry(flag: i32, body: &'static [u8], uniq_key: &str) -> BatchEntry {
        let mut properties = Properties::new();
        properties.insert(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniq_key);
        BatchEntry {
            flag,
            body: Bytes::from_static(body),
            properties,
        }
    }

    #[test]
    fn encodes_the_documented_layout() {
        let mut dst = BytesMut::new();
        entry(5, b"hi", "ID1").encode(&mut dst).unwrap();
        let properties = b"UNIQ_KEY\x01ID1\x02";
        let mut expected = Vec::new();
        // Java's MessageDecoder.encodeMessage: 4 + 4 + 4 + 4 + 4 + body + 2 + properties.
        expected.extend_from_slice(&(22 + 2 + properties.len() as i32).to_be_bytes());
        expected.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 2]);
        expected.extend_from_slice(b"hi");
        expected.extend_from_slice(&(properties.len() as i16).to_be_bytes());
        expected.extend_from_slice(properties);
        assert_eq!(&dst[..], &expected[..]);
    }

    #[test]
    fn round_trips_a_batch() {
        let entries = vec![entry(0, b"one", "A"), entry(1, b"", "B"), BatchEntry::default()];
        let mut dst = BytesMut::new();
        encode_batch(&entries, &mut dst).unwrap();
        let src = dst.freeze();
        assert_eq!(decode_batch(&src).unwrap(), entries);
        assert!(decode_batch(&Bytes::new()).unwrap().is_empty());
        assert!(decode_batch(&src.slice(..src.len() - 1)).is_err());
    }

    #[test]
    fn bad_records_are_errors() {
        let mut dst = BytesMut::new();
        entry(0, b"body", "A").encode(&mut dst).unwrap();
        let good = dst.to_vec();
        let mut negative_body = good.clone();
        negative_body[16..20].copy_from_slice(&(-1i32).to_be_bytes());
        assert!(decode_batch(&Bytes::from(negative_body)).is_err());
        let mut negative_properties = good.clone();
        negative_properties[24..26].copy_from_slice(&(-2i16).to_be_bytes());
        assert!(decode_batch(&Bytes::from(negative_properties)).is_err());
        let mut bad_utf8 = good.clone();
        let last = bad_utf8.len() - 2;
        bad_utf8[last] = 0xFF;
        assert!(decode_batch(&Bytes::from(bad_utf8)).is_err());
        let mut bad_properties = BatchEntry::default();
        bad_properties.properties.insert("k", "\u{2}");
        let mut dst = BytesMut::new();
        assert!(encode_batch(&[BatchEntry::default(), bad_properties], &mut dst).is_err());
        assert!(dst.is_empty(), "nothing written on error");
    }

    #[test]
    fn unwraps_an_inner_batch() {
        let mut body = BytesMut::new();
        encode_batch(&[entry(1, b"a", "A"), entry(2, b"b", "B")], &mut body).unwrap();
        let outer = MessageExt {
            topic: "T".into(),
            queue_id: 2,
            queue_offset: 100,
            sys_flag: MessageSysFlag::INNER_BATCH | MessageSysFlag::NEED_UNWRAP,
            body: body.freeze(),
            ..MessageExt::default()
        };
        let messages = unwrap_inner_batch(&outer).unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[1].queue_offset, 101);
        assert_eq!(messages[1].flag, 2);
        assert_eq!(messages[1].body, &b"b"[..]);
        assert_eq!(messages[1].topic, "T");
        assert_eq!(messages[1].uniq_key(), Some("B"));
        assert_eq!(messages[0].properties.get(keys::WAIT_STORE_MSG_OK), Some("true"));
    }
}
