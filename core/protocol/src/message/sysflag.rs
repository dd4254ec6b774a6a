//! The `sysFlag` bits of a message (Java's `MessageSysFlag`): compression, transaction type, IPv6 hosts and inner
//! batches.

use super::compression::CompressionType;
use crate::error::Result;

/// The bits of a message's `sysFlag` and the helpers that read and change them.
///
/// | bits | mask | meaning |
/// |---|---|---|
/// | 0 | `0x001` | [`COMPRESSED`](Self::COMPRESSED) |
/// | 1 | `0x002` | [`MULTI_TAGS`](Self::MULTI_TAGS) |
/// | 2–3 | `0x00C` | transaction type, see [`transaction_value`](Self::transaction_value) |
/// | 4 | `0x010` | [`BORNHOST_V6`](Self::BORNHOST_V6) |
/// | 5 | `0x020` | [`STOREHOSTADDRESS_V6`](Self::STOREHOSTADDRESS_V6) |
/// | 6 | `0x040` | [`NEED_UNWRAP`](Self::NEED_UNWRAP) |
/// | 7 | `0x080` | [`INNER_BATCH`](Self::INNER_BATCH) |
/// | 8–10 | `0x700` | compression type, see [`compression_type`](Self::compression_type) |
#[derive(Debug, Clone, Copy)]
pub struct MessageSysFlag;

impl MessageSysFlag {
    /// The stored body is compressed with the algorithm of the compression type bits.
    pub const COMPRESSED: i32 = 0x1;
    /// The topic filter type is MULTI_TAG (effectively unused).
    pub const MULTI_TAGS: i32 = 0x2;
    /// Transaction type: an ordinary message.
    pub const TRANSACTION_NOT_TYPE: i32 = 0x0;
    /// Transaction type: a half (prepared) transactional message.
    pub const TRANSACTION_PREPARED_TYPE: i32 = 0x4;
    /// Transaction type: the commit record of a transaction.
    pub const TRANSACTION_COMMIT_TYPE: i32 = 0x8;
    /// Transaction type: the rollback record of a transaction.
    pub const TRANSACTION_ROLLBACK_TYPE: i32 = 0xC;
    /// The two transaction type bits.
    pub const TRANSACTION_MASK: i32 = 0xC;
    /// The born host is IPv6 (16 address bytes instead of 4).
    pub const BORNHOST_V6: i32 = 0x10;
    /// The store host is IPv6 (16 address bytes instead of 4).
    pub const STOREHOSTADDRESS_V6: i32 = 0x20;
    /// The body is an inner batch that consumers must unwrap.
    pub const NEED_UNWRAP: i32 = 0x40;
    /// The unit holds an inner batch of messages.
    pub const INNER_BATCH: i32 = 0x80;
    /// Compression type bits: LZ4.
    pub const COMPRESSION_LZ4_TYPE: i32 = 0x100;
    /// Compression type bits: ZSTD.
    pub const COMPRESSION_ZSTD_TYPE: i32 = 0x200;
    /// Compression type bits: ZLIB (`0x000`, the legacy value, also means zlib).
    pub const COMPRESSION_ZLIB_TYPE: i32 = 0x300;
    /// The three compression type bits.
    pub const COMPRESSION_TYPE_MASK: i32 = 0x700;

    /// The transaction type bits of `flag`: one of the `TRANSACTION_*_TYPE` values.
    pub const fn transaction_value(flag: i32) -> i32 {
        flag & Self::TRANSACTION_MASK
    }

    /// `flag` with its transaction type replaced by `transaction_type` (one of the `TRANSACTION_*_TYPE` values).
    pub const fn reset_transaction_value(flag: i32, transaction_type: i32) -> i32 {
        (flag & !Self::TRANSACTION_MASK) | (transaction_type & Self::TRANSACTION_MASK)
    }

    /// `flag` without the [`COMPRESSED`](Self::COMPRESSED) bit (the compression type bits are kept, as in Java).
    pub const fn clear_compressed(flag: i32) -> i32 {
        flag & !Self::COMPRESSED
    }

    /// `flag` marked as compressed with `compression`: the [`COMPRESSED`](Self::COMPRESSED) bit set and the
    /// compression type bits replaced.
    pub const fn set_compression(flag: i32, compression: CompressionType) -> i32 {
        (flag & !Self::COMPRESSION_TYPE_MASK) | Self::COMPRESSED | compression.sys_flag_bits()
    }

    /// The algorithm named by the compression type bits of `flag` (meaningful when
    /// [`COMPRESSED`](Self::COMPRESSED) is set); an error for the unassigned values 4 to 7.
    pub fn compression_type(flag: i32) -> Result<CompressionType> {
        CompressionType::from_sys_flag(flag)
    }

    /// Whether `flag` has any of the bits of `bits`.
    pub const fn has(flag: i32, bits: i32) -> bool {
        flag & bits != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_bits() {
        let flag = MessageSysFlag::COMPRESSED | MessageSysFlag::TRANSACTION_PREPARED_TYPE;
        assert_eq!(
            MessageSysFlag::transaction_value(flag),
            MessageSysFlag::TRANSACTION_PREPARED_TYPE
        );
        let committed =
            MessageSysFlag::reset_transaction_value(flag, MessageSysFlag::TRANSACTION_COMMIT_TYPE);
        assert_eq!(
            committed,
            MessageSysFlag::COMPRESSED | MessageSysFlag::TRANSACTION_COMMIT_TYPE
        );
        assert_eq!(
            MessageSysFlag::transaction_value(0xFFFF),
            MessageSysFlag::TRANSACTION_ROLLBACK_TYPE
        );
    }

    #[test]
    fn compression_bits() {
        // A Java 5.x producer sends 0x301 for a zlib body, a 4.x producer 0x001.
        assert_eq!(MessageSysFlag::set_compression(0, CompressionType::Zlib), 0x301);
        assert_eq!(
            MessageSysFlag::set_compression(0x301, CompressionType::Lz4),
            0x101
        );
        assert_eq!(MessageSysFlag::set_compression(0x4, CompressionType::Zstd), 0x205);
        assert_eq!(
            MessageSysFlag::compression_type(0x001).unwrap(),
            CompressionType::Zlib
        );
        assert_eq!(
            MessageSysFlag::compression_type(0x301).unwrap(),
            CompressionType::Zlib
        );
        assert_eq!(
            MessageSysFlag::compression_type(0x101).unwrap(),
            CompressionType::Lz4
        );
        assert_eq!(
            MessageSysFlag::compression_type(0x201).unwrap(),
            CompressionType::Zstd
        );
        assert!(MessageSysFlag::compression_type(0x401).is_err());
        assert_eq!(MessageSysFlag::clear_compressed(0x301), 0x300);
        assert!(MessageSysFlag::has(0x30, MessageSysFlag::BORNHOST_V6));
        assert!(!MessageSysFlag::has(0x20, MessageSysFlag::BORNHOST_V6));
    }
}
