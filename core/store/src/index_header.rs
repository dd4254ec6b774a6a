//! The 40-byte header at the start of an index file (Apache RocketMQ's `IndexHeader`, REMOTING.md §7.3).
//!
//! ```text
//! @0  long beginTimestamp   store time of the file's first entry (or the previous file's end, see below)
//! @8  long endTimestamp     store time of the file's latest entry
//! @16 long beginPhyOffset   commitlog offset of the file's first entry
//! @24 long endPhyOffset     commitlog offset of the file's latest entry
//! @32 int  hashSlotCount    how many hash slots are in use
//! @36 int  indexCount       the number of the next entry; starts at 1 (entry 0 is never used)
//! ```
//!
//! All values are big-endian, as Java's `ByteBuffer` writes them. Decoding never panics: short input yields
//! `None`.

/// The size of the header in bytes (Java's `IndexHeader.INDEX_HEADER_SIZE`).
pub const INDEX_HEADER_SIZE: usize = 40;

const BEGIN_TIMESTAMP_AT: usize = 0;
const END_TIMESTAMP_AT: usize = 8;
const BEGIN_PHY_OFFSET_AT: usize = 16;
const END_PHY_OFFSET_AT: usize = 24;
const HASH_SLOT_COUNT_AT: usize = 32;
const INDEX_COUNT_AT: usize = 36;

/// The header of an index file, as Java keeps it in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexHeader {
    /// Store timestamp (ms) of the first entry; time differences of entries count from it.
    pub begin_timestamp: i64,
    /// Store timestamp (ms) of the latest entry.
    pub end_timestamp: i64,
    /// Commitlog offset of the first entry.
    pub begin_phy_offset: i64,
    /// Commitlog offset of the latest entry.
    pub end_phy_offset: i64,
    /// The number of hash slots that hold a chain.
    pub hash_slot_count: i32,
    /// The number the next entry gets; 1 in an empty file.
    pub index_count: i32,
}

impl Default for IndexHeader {
    /// The header of a new file: all zero but `index_count`, which starts at 1 as in Java.
    fn default() -> Self {
        IndexHeader {
            begin_timestamp: 0,
            end_timestamp: 0,
            begin_phy_offset: 0,
            end_phy_offset: 0,
            hash_slot_count: 0,
            index_count: 1,
        }
    }
}

impl IndexHeader {
    /// The 40 bytes of the header (Java's `IndexHeader#updateByteBuffer`).
    pub fn encode(&self) -> [u8; INDEX_HEADER_SIZE] {
        let mut bytes = [0u8; INDEX_HEADER_SIZE];
        bytes[BEGIN_TIMESTAMP_AT..END_TIMESTAMP_AT].copy_from_slice(&self.begin_timestamp.to_be_bytes());
        bytes[END_TIMESTAMP_AT..BEGIN_PHY_OFFSET_AT].copy_from_slice(&self.end_timestamp.to_be_bytes());
        bytes[BEGIN_PHY_OFFSET_AT..END_PHY_OFFSET_AT].copy_from_slice(&self.begin_phy_offset.to_be_bytes());
        bytes[END_PHY_OFFSET_AT..HASH_SLOT_COUNT_AT].copy_from_slice(&self.end_phy_offset.to_be_bytes());
        bytes[HASH_SLOT_COUNT_AT..INDEX_COUNT_AT].copy_from_slice(&self.hash_slot_count.to_be_bytes());
        bytes[INDEX_COUNT_AT..INDEX_HEADER_SIZE].copy_from_slice(&self.index_count.to_be_bytes());
        bytes
    }

    /// The header stored in the first 40 bytes of `bytes`, exactly as stored; `None` if `bytes` is shorter.
    pub fn decode(bytes: &[u8]) -> Option<IndexHeader> {
        Some(IndexHeader {
            begin_timestamp: i64::from_be_bytes(array_at(bytes, BEGIN_TIMESTAMP_AT)?),
            end_timestamp: i64::from_be_bytes(array_at(bytes, END_TIMESTAMP_AT)?),
            begin_phy_offset: i64::from_be_bytes(array_at(bytes, BEGIN_PHY_OFFSET_AT)?),
            end_phy_offset: i64::from_be_bytes(array_at(bytes, END_PHY_OFFSET_AT)?),
            hash_slot_count: i32::from_be_bytes(array_at(bytes, HASH_SLOT_COUNT_AT)?),
            index_count: i32::from_be_bytes(array_at(bytes, INDEX_COUNT_AT)?),
        })
    }

    /// The header as Java's `IndexHeader#load` keeps it: decoded, with an `index_count` of 0 or less (a file
    /// created but never written or flushed) taken as 1.
    pub fn load(bytes: &[u8]) -> Option<IndexHeader> {
        let mut header = Self::decode(bytes)?;
        if header.index_count <= 0 {
            header.index_count = 1;
        }
        Some(header)
    }
}

/// The `N` bytes at `at`, if `bytes` has them.
fn array_at<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    let slice = bytes.get(at..at.checked_add(N)?)?;
    let mut array = [0u8; N];
    array.copy_from_slice(slice);
    Some(array)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn encodes_javas_layout() {
        let header = IndexHeader {
            begin_timestamp: 0x0102_0304_0506_0708,
            end_timestamp: 2,
            begin_phy_offset: 3,
            end_phy_offset: -4,
            hash_slot_count: 5,
            index_count: 6,
        };
        let bytes = header.encode();
        assert_eq!(&bytes[0..8], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(&bytes[8..16], &2i64.to_be_bytes());
        assert_eq!(&bytes[16..24], &3i64.to_be_bytes());
        assert_eq!(&bytes[24..32], &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc]);
        assert_eq!(&bytes[32..36], &[0, 0, 0, 5]);
        assert_eq!(&bytes[36..40], &[0, 0, 0, 6]);
        assert_eq!(IndexHeader::decode(&bytes), Some(header));
    }

    #[test]
    fn new_header_counts_from_one_and_load_restores_that() {
        assert_eq!(IndexHeader::default().index_count, 1);
        let zeros = [0u8; INDEX_HEADER_SIZE];
        assert_eq!(IndexHeader::decode(&zeros).map(|h| h.index_count), Some(0));
        assert_eq!(IndexHeader::load(&zeros), Some(IndexHeader::default()));
        let negative = IndexHeader {
            index_count: -7,
            ..IndexHeader::default()
        };
        assert_eq!(
            IndexHeader::load(&negative.encode()).map(|h| h.index_count),
            Some(1)
        );
    }

    #[test]
    fn short_input_is_none() {
        for len in 0..INDEX_HEADER_SIZE {
            assert_eq!(IndexHeader::decode(&vec![0xab; len]), None);
            assert_eq!(IndexHeader::load(&vec![0xab; len]), None);
        }
    }

    proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
            let decoded = IndexHeader::decode(&bytes);
            prop_assert_eq!(decoded.is_some(), bytes.len() >= INDEX_HEADER_SIZE);
            if let Some(header) = decoded {
                prop_assert_eq!(&header.encode()[..], &bytes[..INDEX_HEADER_SIZE]);
                prop_assert!(IndexHeader::load(&bytes).is_some_and(|h| h.index_count >= 1));
            }
        }
    }
}
