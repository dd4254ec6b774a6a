//! The magic codes of a stored unit and the two message versions they name (Java's `MessageVersion`), which
//! differ only in the width of the topic length.

/// The magic code of a version 1 unit (topic length in one signed byte).
pub const MAGIC_CODE_V1: i32 = 0xDAA3_20A7_u32 as i32;
/// The magic code of a version 2 unit (topic length in a signed short).
pub const MAGIC_CODE_V2: i32 = 0xDAA3_20AB_u32 as i32;
/// The magic code of the filler at the end of a commitlog file: no messages follow in that file.
pub const BLANK_MAGIC_CODE: i32 = 0xCBD4_3194_u32 as i32;

/// The longest topic a version 1 unit can carry: its length is a signed byte.
pub const MAX_V1_TOPIC_LEN: usize = i8::MAX as usize;
/// The longest topic a version 2 unit can carry: its length is a signed short.
pub const MAX_V2_TOPIC_LEN: usize = i16::MAX as usize;

/// The format version of a stored unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MessageVersion {
    /// Magic `0xDAA320A7`: the topic length is one signed byte.
    #[default]
    V1,
    /// Magic `0xDAA320AB`: the topic length is a signed short.
    V2,
}

impl MessageVersion {
    /// The magic code written for this version.
    pub const fn magic_code(self) -> i32 {
        match self {
            MessageVersion::V1 => MAGIC_CODE_V1,
            MessageVersion::V2 => MAGIC_CODE_V2,
        }
    }

    /// The version a magic code names; `None` for anything else, the blank magic included.
    pub const fn from_magic_code(magic_code: i32) -> Option<Self> {
        match magic_code {
            MAGIC_CODE_V1 => Some(MessageVersion::V1),
            MAGIC_CODE_V2 => Some(MessageVersion::V2),
            _ => None,
        }
    }

    /// The width in bytes of the topic length field.
    pub const fn topic_length_size(self) -> usize {
        match self {
            MessageVersion::V1 => 1,
            MessageVersion::V2 => 2,
        }
    }

    /// The longest topic, in bytes, this version can carry.
    pub const fn max_topic_len(self) -> usize {
        match self {
            MessageVersion::V1 => MAX_V1_TOPIC_LEN,
            MessageVersion::V2 => MAX_V2_TOPIC_LEN,
        }
    }

    /// The version to write a topic of `topic_len` bytes with, given the `preferred` one: version 2 when the topic
    /// does not fit version 1 (the broker's `autoMessageVersionOnTopicLen`).
    pub const fn for_topic_len(preferred: MessageVersion, topic_len: usize) -> Self {
        if topic_len > MAX_V1_TOPIC_LEN {
            MessageVersion::V2
        } else {
            preferred
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_codes_are_javas() {
        assert_eq!(MAGIC_CODE_V1, -626843481);
        assert_eq!(MAGIC_CODE_V2, -626843477);
        assert_eq!(BLANK_MAGIC_CODE, -875286124);
        assert_eq!(
            MessageVersion::from_magic_code(MAGIC_CODE_V2),
            Some(MessageVersion::V2)
        );
        assert_eq!(MessageVersion::from_magic_code(BLANK_MAGIC_CODE), None);
        assert_eq!(
            MessageVersion::for_topic_len(MessageVersion::V1, 127),
            MessageVersion::V1
        );
        assert_eq!(
            MessageVersion::for_topic_len(MessageVersion::V1, 128),
            MessageVersion::V2
        );
        assert_eq!(
            MessageVersion::for_topic_len(MessageVersion::V2, 1),
            MessageVersion::V2
        );
    }
}
