//! How a message's consume-queue tag code is computed: the tag hash by default, replaceable so that a broker can
//! store the deliver time for delay queues (REMOTING.md §5.5, §8.7).

use std::fmt;

use fulmen_protocol::message::{Properties, keys, tags_code};

/// Computes the tag code stored in a message's consume-queue entry. It is called when a message is appended and
/// again when recovery rebuilds consume queues, with the same inputs, so it must be a pure function of them.
pub trait TagsCodeResolver: Send + Sync + fmt::Debug {
    /// The tag code of a message of `topic` with `properties`, stored at `store_timestamp` (ms).
    fn tags_code(&self, topic: &str, properties: &Properties, store_timestamp: i64) -> i64;
}

/// The default resolver: Java's `String.hashCode` of the `TAGS` property, 0 without tags.
#[derive(Debug, Clone, Copy, Default)]
pub struct TagHashResolver;

impl TagsCodeResolver for TagHashResolver {
    fn tags_code(&self, _topic: &str, properties: &Properties, _store_timestamp: i64) -> i64 {
        tags_code(properties.get(keys::TAGS))
    }
}
