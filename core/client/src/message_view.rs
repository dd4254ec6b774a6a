//! [`MessageView`]: a received message with everything the broker stored about it.

use bytes::Bytes;
use fulmen_protocol::body::MessageQueue;
use fulmen_protocol::message::MessageExt;
use fulmen_protocol::message::keys;
use indexmap::IndexMap;

/// A message as a consumer receives it. Bodies are already decompressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageView {
    /// The client message id (`UNIQ_KEY`), or the offset message id when the producer set none (as Java's
    /// `MessageClientExt.getMsgId`).
    pub msg_id: String,
    /// The broker's offset message id (store host + commit-log offset).
    pub offset_msg_id: String,
    /// The topic.
    pub topic: String,
    /// The queue it was read from.
    pub queue: MessageQueue,
    /// Its offset in the queue.
    pub queue_offset: i64,
    /// Its offset in the broker's commit log.
    pub commit_log_offset: i64,
    /// The payload.
    pub body: Bytes,
    /// The tag, if any.
    pub tags: Option<String>,
    /// The business keys.
    pub keys: Vec<String>,
    /// Every property, system ones included.
    pub properties: IndexMap<String, String>,
    /// The user flag.
    pub flag: i32,
    /// When the producer created it, in ms since the Unix epoch.
    pub born_timestamp: i64,
    /// The producer's address (`ip:port`).
    pub born_host: String,
    /// When the broker stored it, in ms since the Unix epoch.
    pub store_timestamp: i64,
    /// The broker's address (`ip:port`).
    pub store_host: String,
    /// How often it was delivered again after a failed consumption.
    pub reconsume_times: i32,
}

impl MessageView {
    /// The view of a decoded (and decompressed) stored message read from `broker_name`.
    pub fn from_ext(message: MessageExt, broker_name: &str) -> Self {
        let offset_msg_id = message.offset_msg_id().to_string();
        let msg_id = message
            .uniq_key()
            .map_or_else(|| offset_msg_id.clone(), str::to_owned);
        let tags = message.tags().map(str::to_owned);
        let keys = message.keys().map(str::to_owned).collect();
        MessageView {
            msg_id,
            offset_msg_id,
            queue: MessageQueue::new(message.topic.clone(), broker_name, message.queue_id),
            topic: message.topic,
            queue_offset: message.queue_offset,
            commit_log_offset: message.commit_log_offset,
            body: message.body,
            tags,
            keys,
            properties: message.properties.into_map(),
            flag: message.flag,
            born_timestamp: message.born_timestamp,
            born_host: message.born_host.to_string(),
            store_timestamp: message.store_timestamp,
            store_host: message.store_host.to_string(),
            reconsume_times: message.reconsume_times,
        }
    }

    /// One property by name.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.get(name).map(String::as_str)
    }

    /// The delay level the message was sent with, if any.
    pub fn delay_level(&self) -> Option<i32> {
        self.property(keys::DELAY_TIME_LEVEL)?.parse().ok()
    }
}
