//! [`Message`]: what a producer sends, built with chained `with_*` calls.

use bytes::Bytes;
use fulmen_protocol::message::keys;
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
    /// When a timer message (5.x brokers) is delivered; the broker converts it.
    pub delivery_time: Option<DeliveryTime>,
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
            delivery_time: None,
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

    /// The same message delivered `seconds` after it is stored (Java's `setDelayTimeSec`, `TIMER_DELAY_SEC`).
    pub fn with_delay_time_sec(mut self, seconds: i64) -> Self {
        self.delivery_time = Some(DeliveryTime::DelaySec(seconds));
        self
    }

    /// The same message delivered `millis` after it is stored (Java's `setDelayTimeMs`, `TIMER_DELAY_MS`).
    pub fn with_delay_time_ms(mut self, millis: i64) -> Self {
        self.delivery_time = Some(DeliveryTime::DelayMs(millis));
        self
    }

    /// The same message delivered at `unix_millis` (Java's `setDeliverTimeMs`, `TIMER_DELIVER_MS`).
    pub fn with_deliver_time_ms(mut self, unix_millis: i64) -> Self {
        self.delivery_time = Some(DeliveryTime::DeliverAtMs(unix_millis));
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

/// When a timer message is delivered: the three ways of Java's `Message` (5.x), one property each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryTime {
    /// Seconds after storing (`TIMER_DELAY_SEC`).
    DelaySec(i64),
    /// Milliseconds after storing (`TIMER_DELAY_MS`).
    DelayMs(i64),
    /// At this time, in ms since the Unix epoch (`TIMER_DELIVER_MS`).
    DeliverAtMs(i64),
}

impl DeliveryTime {
    /// The property name and value that carry it.
    pub fn property(self) -> (&'static str, String) {
        match self {
            DeliveryTime::DelaySec(value) => (keys::TIMER_DELAY_SEC, value.to_string()),
            DeliveryTime::DelayMs(value) => (keys::TIMER_DELAY_MS, value.to_string()),
            DeliveryTime::DeliverAtMs(value) => (keys::TIMER_DELIVER_MS, value.to_string()),
        }
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
        let timed = |message: Message| message.delivery_time.map(DeliveryTime::property);
        let base = || Message::new("T", &b"x"[..]);
        assert_eq!(
            timed(base().with_delay_time_sec(5)),
            Some(("TIMER_DELAY_SEC", "5".into()))
        );
        assert_eq!(
            timed(base().with_delay_time_ms(1500)),
            Some(("TIMER_DELAY_MS", "1500".into()))
        );
        assert_eq!(
            timed(base().with_deliver_time_ms(1_700_000_000_000)),
            Some(("TIMER_DELIVER_MS", "1700000000000".into()))
        );
    }
}
