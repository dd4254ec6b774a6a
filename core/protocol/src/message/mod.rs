//! Messages as they travel and are stored: the stored unit ([`MessageExt`]), the batch send body
//! ([`BatchEntry`]), properties, `sysFlag` bits, tag hash codes and body compression (REMOTING.md §5).
//!
//! Decoding is zero-copy for bodies (they are slices of the input [`bytes::Bytes`]) and never panics: every
//! malformed input gives a [`crate::ProtocolError`].

mod batch;
mod compression;
mod ext;
pub(crate) mod host;
pub mod keys;
mod properties;
mod sysflag;
mod tag;
mod unit;
mod version;

pub use batch::{BatchEntry, decode_batch, encode_batch, unwrap_inner_batch};
pub use compression::{
    CompressionType, DEFAULT_COMPRESS_LEVEL, DEFAULT_COMPRESS_THRESHOLD, compress, decompress,
};
pub use ext::{MessageExt, body_crc};
pub use properties::{MAX_PROPERTIES_LEN, Properties};
pub use sysflag::MessageSysFlag;
pub use tag::{java_string_hash_code, tags_code};
pub use unit::{StoredUnit, decode_all};
pub use version::{
    BLANK_MAGIC_CODE, MAGIC_CODE_V1, MAGIC_CODE_V2, MAX_V1_TOPIC_LEN, MAX_V2_TOPIC_LEN, MessageVersion,
};
