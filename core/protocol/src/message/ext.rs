//! `MessageExt`: a message as the broker stores it and consumers pull it, with every field of the stored unit.
//!
//! The wire form (encode and decode) lives in `unit.rs`; this file has the type and its helpers.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};

use bytes::Bytes;

use super::compression::decompress;
use super::keys;
use super::properties::Properties;
use super::sysflag::MessageSysFlag;
use super::tag::tags_code;
use super::version::MessageVersion;
use crate::error::Result;
use crate::msgid::OffsetMessageId;

/// A stored message unit: what a commitlog holds and PULL/QUERY_MESSAGE responses carry.
///
/// The body is kept as stored: still compressed when [`MessageSysFlag::COMPRESSED`] is set (see
/// [`decompressed_body`](Self::decompressed_body)). `Debug` shows the body's length, not its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct MessageExt {
    /// TOTALSIZE as decoded; 0 for a unit built in memory. Encoding computes the size and ignores this field.
    pub store_size: i32,
    /// The format version read from the magic code. Encoding upgrades to [`MessageVersion::V2`] when the topic is
    /// longer than 127 bytes.
    pub version: MessageVersion,
    /// `CRC32(body) & 0x7FFFFFFF` as stored (see [`body_crc`]); written as is.
    pub body_crc: i32,
    /// The queue the message is in.
    pub queue_id: i32,
    /// The user flag.
    pub flag: i32,
    /// The logical offset in the consume queue.
    pub queue_offset: i64,
    /// The byte offset of this unit in the commitlog.
    pub commit_log_offset: i64,
    /// The system flag ([`MessageSysFlag`]). Encoding sets the two IPv6 host bits from the host addresses.
    pub sys_flag: i32,
    /// When the producer made the message, in ms since the Unix epoch.
    pub born_timestamp: i64,
    /// The producer's address.
    pub born_host: SocketAddr,
    /// When the broker stored the message, in ms since the Unix epoch.
    pub store_timestamp: i64,
    /// The broker's address (`brokerIP1:listenPort`); with the commitlog offset it makes the offset message id.
    pub store_host: SocketAddr,
    /// How many times the message was consumed again.
    pub reconsume_times: i32,
    /// For commit and rollback records, the commitlog offset of the half message; otherwise 0.
    pub prepared_transaction_offset: i64,
    /// The body as stored.
    pub body: Bytes,
    /// The topic.
    pub topic: String,
    /// The properties.
    pub properties: Properties,
}

impl Default for MessageExt {
    fn default() -> Self {
        let unspecified = SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 0);
        MessageExt {
            store_size: 0,
            version: MessageVersion::V1,
            body_crc: 0,
            queue_id: 0,
            flag: 0,
            queue_offset: 0,
            commit_log_offset: 0,
            sys_flag: 0,
            born_timestamp: 0,
            born_host: unspecified,
            store_timestamp: 0,
            store_host: unspecified,
            reconsume_times: 0,
            prepared_transaction_offset: 0,
            body: Bytes::new(),
            topic: String::new(),
            properties: Properties::new(),
        }
    }
}

impl fmt::Debug for MessageExt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageExt")
            .field("store_size", &self.store_size)
            .field("version", &self.version)
            .field("body_crc", &self.body_crc)
            .field("queue_id", &self.queue_id)
            .field("flag", &self.flag)
            .field("queue_offset", &self.queue_offset)
            .field("commit_log_offset", &self.commit_log_offset)
            .field("sys_flag", &format_args!("{:#x}", self.sys_flag))
            .field("born_timestamp", &self.born_timestamp)
            .field("born_host", &self.born_host)
            .field("store_timestamp", &self.store_timestamp)
            .field("store_host", &self.store_host)
            .field("reconsume_times", &self.reconsume_times)
            .field("prepared_transaction_offset", &self.prepared_transaction_offset)
            .field("body", &BodyLen(&self.body))
            .field("topic", &self.topic)
            .field("properties", &self.properties)
            .finish()
    }
}

/// Shows a body as its length in `Debug` output, so that logging a message does not dump megabytes.
pub(crate) struct BodyLen<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for BodyLen<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

/// The body CRC of a stored unit: `CRC32(body) & 0x7FFFFFFF` (Java's `UtilAll.crc32`).
pub fn body_crc(body: &[u8]) -> i32 {
    (crc32fast::hash(body) & 0x7FFF_FFFF) as i32
}

impl MessageExt {
    /// The offset message id (store host and commitlog offset), Java's `MessageExt.msgId` on the broker side.
    pub fn offset_msg_id(&self) -> OffsetMessageId {
        OffsetMessageId::new(self.store_host, self.commit_log_offset)
    }

    /// The client message id (`UNIQ_KEY`), what users see as the message id; absent on very old messages.
    pub fn uniq_key(&self) -> Option<&str> {
        self.properties.get(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
    }

    /// The tag (`TAGS`).
    pub fn tags(&self) -> Option<&str> {
        self.properties.get(keys::TAGS)
    }

    /// The consume-queue tag code of the tag (0 without one).
    pub fn tags_code(&self) -> i64 {
        tags_code(self.tags())
    }

    /// The business keys (`KEYS`, space separated), empty ones skipped.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.properties
            .get(keys::KEYS)
            .unwrap_or_default()
            .split(keys::KEY_SEPARATOR)
            .filter(|key| !key.is_empty())
    }

    /// Sets [`body_crc`](Self::body_crc) from the body as stored.
    pub fn update_body_crc(&mut self) {
        self.body_crc = body_crc(&self.body);
    }

    /// Whether [`body_crc`](Self::body_crc) matches the body.
    pub fn body_crc_matches(&self) -> bool {
        self.body_crc == body_crc(&self.body)
    }

    /// Whether the stored body is compressed.
    pub fn is_compressed(&self) -> bool {
        MessageSysFlag::has(self.sys_flag, MessageSysFlag::COMPRESSED)
    }

    /// The body as the producer sent it: decompressed if the unit is compressed (failing beyond `max_len`
    /// bytes), otherwise the stored body itself without copying.
    pub fn decompressed_body(&self, max_len: usize) -> Result<Bytes> {
        if !self.is_compressed() {
            return Ok(self.body.clone());
        }
        let compression = MessageSysFlag::compression_type(self.sys_flag)?;
        Ok(decompress(&self.body, compression, max_len)?.into())
    }

    /// Replaces a compressed body by its decompressed form and clears the compressed bit, as Java's client-side
    /// decoding does (the compression type bits and the body CRC are left as they were).
    pub fn decompress_body(&mut self, max_len: usize) -> Result<()> {
        if self.is_compressed() {
            self.body = self.decompressed_body(max_len)?;
            self.sys_flag = MessageSysFlag::clear_compressed(self.sys_flag);
        }
        Ok(())
    }

    /// The `sysFlag` that encoding writes: [`sys_flag`](Self::sys_flag) with the IPv6 host bits set from the
    /// address families of [`born_host`](Self::born_host) and [`store_host`](Self::store_host).
    pub fn effective_sys_flag(&self) -> i32 {
        let mut flag = self.sys_flag & !(MessageSysFlag::BORNHOST_V6 | MessageSysFlag::STOREHOSTADDRESS_V6);
        if self.born_host.is_ipv6() {
            flag |= MessageSysFlag::BORNHOST_V6;
        }
        if self.store_host.is_ipv6() {
            flag |= MessageSysFlag::STOREHOSTADDRESS_V6;
        }
        flag
    }

    /// The version that encoding writes: [`version`](Self::version), or version 2 for a topic over 127 bytes.
    pub fn effective_version(&self) -> MessageVersion {
        MessageVersion::for_topic_len(self.version, self.topic.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::compression::{CompressionType, compress};

    #[test]
    fn crc_is_javas() {
        // CRC32("123456789") = 0xCBF43926; Java masks the sign bit.
        assert_eq!(body_crc(b"123456789"), 0x4BF4_3926);
        assert_eq!(body_crc(b""), 0);
        let mut message = MessageExt {
            body: Bytes::from_static(b"123456789"),
            ..MessageExt::default()
        };
        assert!(!message.body_crc_matches());
        message.update_body_crc();
        assert!(message.body_crc_matches());
    }

    #[test]
    fn decompresses_on_request() {
        let original = vec![7u8; 10_000];
        let packed = compress(&original, CompressionType::Zstd, 5).unwrap();
        let mut message = MessageExt {
            body: packed.into(),
            sys_flag: MessageSysFlag::set_compression(
                MessageSysFlag::TRANSACTION_PREPARED_TYPE,
                CompressionType::Zstd,
            ),
            ..MessageExt::default()
        };
        assert!(message.decompressed_body(9_999).is_err());
        assert_eq!(message.decompressed_body(10_000).unwrap(), original);
        message.decompress_body(10_000).unwrap();
        assert_eq!(message.body, original);
        assert_eq!(message.sys_flag, 0x204);
        assert!(!message.is_compressed());
        // An uncompressed body comes back as is.
        assert_eq!(message.decompressed_body(0).unwrap(), original);
    }

    #[test]
    fn property_helpers() {
        let mut message = MessageExt::default();
        assert_eq!(message.tags_code(), 0);
        assert_eq!(message.keys().count(), 0);
        message.properties.insert(keys::TAGS, "TagA");
        message.properties.insert(keys::KEYS, "order-1  order-2");
        message.properties.insert(
            keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
            "7F000001A3E530F399910F2AB16903E1",
        );
        assert_eq!(message.tags(), Some("TagA"));
        assert_eq!(message.tags_code(), 2598919);
        assert_eq!(message.keys().collect::<Vec<_>>(), ["order-1", "order-2"]);
        assert_eq!(message.uniq_key(), Some("7F000001A3E530F399910F2AB16903E1"));
    }

    #[test]
    fn debug_output_shows_the_body_length() {
        let message = MessageExt {
            body: Bytes::from(vec![b'x'; 5000]),
            sys_flag: 0x301,
            ..MessageExt::default()
        };
        let text = format!("{message:?}");
        assert!(text.contains("body: <5000 bytes>"), "{text}");
        assert!(text.contains("sys_flag: 0x301"), "{text}");
        assert!(!text.contains("xxx"));
    }

    #[test]
    fn host_bits_follow_the_addresses() {
        let mut message = MessageExt {
            sys_flag: MessageSysFlag::BORNHOST_V6 | 1,
            ..MessageExt::default()
        };
        assert_eq!(message.effective_sys_flag(), 1);
        message.store_host = "[::1]:10911".parse().unwrap();
        assert_eq!(
            message.effective_sys_flag(),
            1 | MessageSysFlag::STOREHOSTADDRESS_V6
        );
        assert_eq!(message.offset_msg_id().to_string().len(), 56);
    }
}
