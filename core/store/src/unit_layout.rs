//! Where the fields that the store fills in at append time sit inside an encoded stored unit (REMOTING.md §5.1),
//! so that a unit encoded before taking the append lock can be patched in place once its offsets are known.

use fulmen_protocol::message::{BLANK_MAGIC_CODE, MessageSysFlag, MessageVersion};

/// TOTALSIZE and MAGICCODE: the bytes needed to tell what a position holds.
pub const UNIT_HEADER_LEN: usize = 8;
/// The smallest size of an end-of-file filler (`int remaining, int BLANK_MAGIC_CODE`).
pub const BLANK_MIN_LEN: usize = 8;
/// QUEUEOFFSET (8 bytes).
pub const QUEUE_OFFSET_POSITION: usize = 20;
/// PHYSICALOFFSET (8 bytes).
pub const PHYSICAL_OFFSET_POSITION: usize = 28;
/// SYSFLAG (4 bytes).
pub const SYS_FLAG_POSITION: usize = 36;
/// BORNHOST (8 or 20 bytes) follows BORNTIMESTAMP.
const BORN_HOST_POSITION: usize = 48;
/// Enough bytes to read everything up to and including STORETIMESTAMP with an IPv6 born host.
pub const STORE_TIMESTAMP_READ_LEN: usize = BORN_HOST_POSITION + 20 + 8;

/// The position of STORETIMESTAMP (8 bytes), which depends on the width of the born host.
pub fn store_timestamp_position(sys_flag: i32) -> usize {
    if MessageSysFlag::has(sys_flag, MessageSysFlag::BORNHOST_V6) {
        BORN_HOST_POSITION + 20
    } else {
        BORN_HOST_POSITION + 8
    }
}

/// What the first 8 bytes at a commitlog position say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitHeader {
    /// Zeros: nothing was ever written here.
    Empty,
    /// The end-of-file filler, with its TOTALSIZE (the rest of the file).
    Blank(usize),
    /// A message unit of this TOTALSIZE.
    Message(usize),
    /// Anything else: torn or foreign bytes.
    Invalid,
}

impl UnitHeader {
    /// Reads TOTALSIZE and MAGICCODE.
    pub fn parse(bytes: [u8; UNIT_HEADER_LEN]) -> UnitHeader {
        let [s0, s1, s2, s3, m0, m1, m2, m3] = bytes;
        let total_size = i32::from_be_bytes([s0, s1, s2, s3]);
        let magic = i32::from_be_bytes([m0, m1, m2, m3]);
        if total_size == 0 && magic == 0 {
            return UnitHeader::Empty;
        }
        let Ok(size) = usize::try_from(total_size) else {
            return UnitHeader::Invalid;
        };
        if magic == BLANK_MAGIC_CODE && size >= BLANK_MIN_LEN {
            UnitHeader::Blank(size)
        } else if MessageVersion::from_magic_code(magic).is_some() && size > UNIT_HEADER_LEN {
            UnitHeader::Message(size)
        } else {
            UnitHeader::Invalid
        }
    }
}

/// The end-of-file filler for `remaining` bytes.
pub fn blank(remaining: usize) -> [u8; BLANK_MIN_LEN] {
    let mut filler = [0u8; BLANK_MIN_LEN];
    // The remaining space of a file is below its size, which fits an i32 (checked by the config).
    filler[..4].copy_from_slice(&(remaining as i32).to_be_bytes());
    filler[4..].copy_from_slice(&BLANK_MAGIC_CODE.to_be_bytes());
    filler
}

/// Overwrites the 8-byte big-endian field at `position` of `unit`.
pub fn patch_i64(unit: &mut [u8], position: usize, value: i64) {
    if let Some(field) = unit.get_mut(position..position + 8) {
        field.copy_from_slice(&value.to_be_bytes());
    }
}

/// Reads the 8-byte big-endian field at `position`.
pub fn read_i64(bytes: &[u8], position: usize) -> Option<i64> {
    let field: [u8; 8] = bytes.get(position..position + 8)?.try_into().ok()?;
    Some(i64::from_be_bytes(field))
}

/// Reads the 4-byte big-endian field at `position`.
pub fn read_i32(bytes: &[u8], position: usize) -> Option<i32> {
    let field: [u8; 4] = bytes.get(position..position + 4)?.try_into().ok()?;
    Some(i32::from_be_bytes(field))
}

/// The store timestamp of the unit that starts `bytes` (which must hold at least its first 76 bytes, or up to
/// STORETIMESTAMP).
pub fn read_store_timestamp(bytes: &[u8]) -> Option<i64> {
    let sys_flag = read_i32(bytes, SYS_FLAG_POSITION)?;
    read_i64(bytes, store_timestamp_position(sys_flag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert_eq!(UnitHeader::parse([0; 8]), UnitHeader::Empty);
        assert_eq!(UnitHeader::parse(blank(100)), UnitHeader::Blank(100));
        let mut message = [0u8; 8];
        message[..4].copy_from_slice(&200i32.to_be_bytes());
        message[4..].copy_from_slice(&MessageVersion::V2.magic_code().to_be_bytes());
        assert_eq!(UnitHeader::parse(message), UnitHeader::Message(200));
        message[..4].copy_from_slice(&(-5i32).to_be_bytes());
        assert_eq!(UnitHeader::parse(message), UnitHeader::Invalid);
        assert_eq!(UnitHeader::parse([1, 2, 3, 4, 5, 6, 7, 8]), UnitHeader::Invalid);
    }
}
