//! [`Message`]: what a producer sends, built with chained `with_*` calls.

use bytes::Bytes;
use indexmap::IndexMap;

/// A message to send: topic, body and the optional attributes Apache RocketMQ carries as properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The topic.
    pub topic: String,
    /// The payload.
    pub body: Bytes,
    /// The tag consumers filter by (`TAGS`).
    pub tags: Option<String>,
    /// Business keys the broker indexes (`KEYS`, space-joined on the wire).
    pub keys: Vec<String>,
    /// User properties; names used by the system are refused when sending.
    pub properties: IndexMap<String, String>,
    /// The delay level (1 to 18 on a default broker; `DELAY`), if the message is to be delivered later.
    pub delay_level: Option<i32>,
    /// The sharding key (`__SHARDINGKEY`), the message group of ordered messages.
    pub sharding_key: Option<String>,
    /// The user flag stored with the message.
    pub flag: i32,
    /// Whether the broker answers only once the message is stored (`WAIT`, default true).
    pub wait_store_msg_ok: bool,
}

impl Message {
    /// A message to `topic` with `body` and nothing else.
    pub fn new(topic: impl Into<String>, body: impl Into<Bytes>) -> Self {
        Message {
            topic: topic.into(),
            body: body.into(),
            tags: None,
            keys: Vec::new(),
            properties: IndexMap::new(),
            delay_level: None,
            sharding_key: None,
            flag: 0,
            wait_store_msg_ok: true,
        }
    }

    /// The same message with `tags`.
    pub fn with_tags(mut self, tags: impl Into<String>) -> Self {
        self.tags = Some(tags.into());
        self
    }

    /// The same message with `keys` (replacing earlier keys).
    pub fn with_keys<I, K>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = K>,
        K: Into<String>,
    {
        self.keys = keys.into_iter().map(Into::into).collect();
        self
    }

    /// The same message with one more user property.
    pub fn with_property(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.properties.insert(name.into(), value.into());
        self
    }

    /// The same message with a delay level.
    pub fn with_delay_level(mut self, level: i32) -> Self {
        self.delay_level = Some(level);
        self
    }

    /// The same message with a sharding key.
    pub fn with_sharding_key(mut self, key: impl Into<String>) -> Self {
        self.sharding_key = Some(key.into());
        self
    }

    /// The same message with a user flag.
    pub fn with_flag(mut self, flag: i32) -> Self {
        self.flag = flag;
        self
    }

    /// The same message with `WAIT` set to `wait`.
    pub fn with_wait_store_msg_ok(mut self, wait: bool) -> Self {
        self.wait_store_msg_ok = wait;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_sets_every_field() {
        let message = Message::new("T", &b"hi"[..])
            .with_tags("A")
            .with_keys(["k1", "k2"])
            .with_property("p", "v")
            .with_delay_level(3)
            .with_sharding_key("order-1")
            .with_flag(7)
            .with_wait_store_msg_ok(false);
        assert_eq!(message.tags.as_deref(), Some("A"));
        assert_eq!(message.keys, ["k1", "k2"]);
        assert_eq!(message.properties["p"], "v");
        assert_eq!(message.delay_level, Some(3));
        assert_eq!(message.sharding_key.as_deref(), Some("order-1"));
        assert_eq!(message.flag, 7);
        assert!(!message.wait_store_msg_ok);
        assert!(Message::new("T", &b"x"[..]).wait_store_msg_ok);
    }
}
