//! Golden vectors written by the official Apache RocketMQ 5.3.3 Java classes (`interop/java`, stored under
//! `tests/vectors/`): every vector decodes to the fields Java decoded, and where Java's encoding is deterministic,
//! re-encodes to the very same bytes.

mod golden;
