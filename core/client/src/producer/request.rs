//! Turning a [`Message`] into a SEND_MESSAGE_V2 request as Java's `sendKernelImpl` does: `UNIQ_KEY`, the
//! properties string, compression of large bodies (ZLIB, sysFlag `0x301`), the prepared flag of transactional
//! half messages, and the short-key header. Batches (SEND_BATCH_MESSAGE, `MessageBatch.encode`) are built by
//! [`PreparedMessage::batch`].

use bytes::{Bytes, BytesMut};
use fulmen_protocol::body::MessageQueue;
use fulmen_protocol::header::SendMessageRequestHeaderV2;
use fulmen_protocol::message::{
    BatchEntry, CompressionType, MessageSysFlag, Properties, compress, encode_batch, keys,
};
use fulmen_protocol::{RemotingCommand, RequestCode};

use crate::config::ProducerConfig;
use crate::error::Result;
use crate::message::Message;

/// A message ready to be sent: its id, encoded properties, and the body as it goes on the wire.
#[derive(Debug, Clone)]
pub(crate) struct PreparedMessage {
    /// The topic.
    pub(crate) topic: String,
    /// The `UNIQ_KEY` it carries, which becomes [`crate::SendResult::msg_id`].
    pub(crate) uniq_key: String,
    /// The encoded properties (§5.4).
    pub(crate) properties: String,
    /// The body, compressed when over the threshold.
    pub(crate) body: Bytes,
    /// Compression bits of `sysFlag`.
    pub(crate) sys_flag: i32,
    /// The user flag.
    pub(crate) flag: i32,
    /// For a batch: the inner messages' ids joined with `,` (the result's id).
    pub(crate) batch_ids: Option<String>,
}

impl PreparedMessage {
    /// Prepares `message` (already validated) with the id `uniq_key`.
    pub(crate) fn new(message: &Message, uniq_key: String, config: &ProducerConfig) -> Result<Self> {
        let properties = properties_of(message, &uniq_key);
        Self::with_properties(message, properties, uniq_key, 0, config)
    }

    /// Prepares the half message of a transaction of `config.group`: `TRAN_MSG` and `PGROUP` set, sysFlag
    /// PREPARED. The caller strips the delay level.
    pub(crate) fn half(message: &Message, uniq_key: String, config: &ProducerConfig) -> Result<Self> {
        let mut properties = properties_of(message, &uniq_key);
        properties.insert(keys::TRANSACTION_PREPARED, "true");
        properties.insert(keys::PRODUCER_GROUP, config.group.clone());
        let flag = MessageSysFlag::TRANSACTION_PREPARED_TYPE;
        Self::with_properties(message, properties, uniq_key, flag, config)
    }

    /// Prepares a batch (`MessageBatch.generateFromList` + `encode`, checked by the caller): each message keeps
    /// its own id from `inner_ids`, the batch gets `uniq_key` and the `WAIT` of the first message. Never
    /// compressed.
    pub(crate) fn batch(messages: &[Message], inner_ids: &[String], uniq_key: String) -> Result<Self> {
        let entries: Vec<BatchEntry> = messages
            .iter()
            .zip(inner_ids)
            .map(|(message, id)| BatchEntry {
                flag: message.flag,
                body: message.body.clone(),
                properties: properties_of(message, id),
            })
            .collect();
        let mut body = BytesMut::new();
        encode_batch(&entries, &mut body)?;
        let mut properties = Properties::new();
        let wait = messages.first().is_none_or(|first| first.wait_store_msg_ok);
        properties.insert(keys::WAIT_STORE_MSG_OK, wait.to_string());
        properties.insert(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniq_key.clone());
        Ok(PreparedMessage {
            topic: messages
                .first()
                .map(|first| first.topic.clone())
                .unwrap_or_default(),
            uniq_key,
            properties: properties.encode()?,
            body: body.freeze(),
            sys_flag: 0,
            flag: 0,
            batch_ids: Some(inner_ids.join(",")),
        })
    }

    /// Whether this is a batch (SEND_BATCH_MESSAGE).
    pub(crate) fn is_batch(&self) -> bool {
        self.batch_ids.is_some()
    }

    fn with_properties(
        message: &Message,
        properties: Properties,
        uniq_key: String,
        sys_flag: i32,
        config: &ProducerConfig,
    ) -> Result<Self> {
        let properties = properties.encode()?;
        let (body, compression_flag) = if message.body.len() >= config.compress_over {
            let compressed = compress(&message.body, CompressionType::Zlib, config.compress_level)?;
            let flag = MessageSysFlag::set_compression(MessageSysFlag::COMPRESSED, CompressionType::Zlib);
            (Bytes::from(compressed), flag)
        } else {
            (message.body.clone(), 0)
        };
        Ok(PreparedMessage {
            topic: message.topic.clone(),
            uniq_key,
            properties,
            body,
            sys_flag: sys_flag | compression_flag,
            flag: message.flag,
            batch_ids: None,
        })
    }

    /// The SEND_MESSAGE_V2 (SEND_BATCH_MESSAGE for a batch) request for `queue`, stamped `born_timestamp`.
    pub(crate) fn request(
        &self,
        queue: &MessageQueue,
        config: &ProducerConfig,
        born_timestamp: i64,
    ) -> RemotingCommand {
        let header = SendMessageRequestHeaderV2 {
            producer_group: config.group.clone(),
            topic: self.topic.clone(),
            default_topic: config.create_topic_key.clone(),
            default_topic_queue_nums: config.default_topic_queue_nums,
            queue_id: queue.queue_id,
            sys_flag: self.sys_flag,
            born_timestamp,
            flag: self.flag,
            properties: Some(self.properties.clone()),
            reconsume_times: Some(0),
            unit_mode: Some(false),
            max_reconsume_times: None,
            batch: Some(self.is_batch()),
            broker_name: Some(queue.broker_name.clone()),
        };
        let code = if self.is_batch() {
            RequestCode::SEND_BATCH_MESSAGE
        } else {
            RequestCode::SEND_MESSAGE_V2
        };
        RemotingCommand::request(code)
            .with_header(&header)
            .with_body(self.body.clone())
    }
}

/// The message's properties as they go on the wire: tags, keys (space-joined), `WAIT`, delay level, timer delivery
/// time, sharding key, user properties, then `UNIQ_KEY`.
fn properties_of(message: &Message, uniq_key: &str) -> Properties {
    let mut properties = Properties::new();
    if let Some(tags) = message.tags.as_deref().filter(|tags| !tags.is_empty()) {
        properties.insert(keys::TAGS, tags);
    }
    if !message.keys.is_empty() {
        properties.insert(keys::KEYS, message.keys.join(keys::KEY_SEPARATOR));
    }
    properties.insert(keys::WAIT_STORE_MSG_OK, message.wait_store_msg_ok.to_string());
    if let Some(level) = message.delay_level.filter(|level| *level > 0) {
        properties.insert(keys::DELAY_TIME_LEVEL, level.to_string());
    }
    if let Some(delivery) = message.delivery_time {
        let (name, value) = delivery.property();
        properties.insert(name, value);
    }
    if let Some(key) = message.sharding_key.as_deref().filter(|key| !key.is_empty()) {
        properties.insert(keys::SHARDING_KEY, key);
    }
    for (name, value) in &message.properties {
        properties.insert(name.clone(), value.clone());
    }
    properties.insert(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniq_key);
    properties
}

#[cfg(test)]
mod tests {
    use fulmen_protocol::CommandHeader;
    use fulmen_protocol::message::decompress;

    use super::*;

    #[test]
    fn header_and_properties_follow_java() {
        let config = ProducerConfig::new("h:1", "PG");
        let message = Message::new("T", &b"hello"[..])
            .with_tags("A")
            .with_keys(["k1", "k2"])
            .with_property("color", "red")
            .with_delay_level(2);
        let prepared = PreparedMessage::new(&message, "ID1".into(), &config).unwrap();
        let request = prepared.request(&MessageQueue::new("T", "broker-a", 3), &config, 1_700_000_000_000);
        assert_eq!(request.code, RequestCode::SEND_MESSAGE_V2.0);
        let header = SendMessageRequestHeaderV2::read_from(request.ext_fields.as_ref().unwrap()).unwrap();
        assert_eq!(header.producer_group, "PG");
        assert_eq!(header.default_topic, "TBW102");
        assert_eq!(header.default_topic_queue_nums, 4);
        assert_eq!(header.queue_id, 3);
        assert_eq!(header.sys_flag, 0);
        assert_eq!(header.born_timestamp, 1_700_000_000_000);
        assert_eq!(header.broker_name.as_deref(), Some("broker-a"));
        let properties = Properties::decode(header.properties.as_deref().unwrap());
        assert_eq!(properties.get("TAGS"), Some("A"));
        assert_eq!(properties.get("KEYS"), Some("k1 k2"));
        assert_eq!(properties.get("WAIT"), Some("true"));
        assert_eq!(properties.get("DELAY"), Some("2"));
        assert_eq!(properties.get("color"), Some("red"));
        assert_eq!(properties.get("UNIQ_KEY"), Some("ID1"));
        assert_eq!(&request.body[..], b"hello");
        let timed = Message::new("T", &b"x"[..]).with_deliver_time_ms(42);
        let prepared = PreparedMessage::new(&timed, "ID2".into(), &config).unwrap();
        assert_eq!(
            Properties::decode(&prepared.properties).get("TIMER_DELIVER_MS"),
            Some("42")
        );
    }

    #[test]
    fn half_messages_are_prepared_and_carry_the_group() {
        let config = ProducerConfig::new("h:1", "PG");
        let half = PreparedMessage::half(&Message::new("T", vec![b'z'; 5000]), "ID".into(), &config).unwrap();
        assert_eq!(half.sys_flag, 0x305);
        let properties = Properties::decode(&half.properties);
        assert_eq!(properties.get("TRAN_MSG"), Some("true"));
        assert_eq!(properties.get("PGROUP"), Some("PG"));
        assert_eq!(properties.get("UNIQ_KEY"), Some("ID"));
    }

    #[test]
    fn batches_encode_every_message_with_its_own_id() {
        let config = ProducerConfig::new("h:1", "PG");
        let messages = [
            Message::new("T", &b"one"[..]).with_tags("A"),
            Message::new("T", vec![b'x'; 5000]),
        ];
        let ids = ["I1".to_owned(), "I2".to_owned()];
        let batch = PreparedMessage::batch(&messages, &ids, "B".into()).unwrap();
        let request = batch.request(&MessageQueue::new("T", "b", 1), &config, 1);
        assert_eq!(request.code, RequestCode::SEND_BATCH_MESSAGE.0);
        let header = SendMessageRequestHeaderV2::read_from(request.ext_fields.as_ref().unwrap()).unwrap();
        assert_eq!(header.batch, Some(true));
        assert_eq!(header.sys_flag, 0, "batches are never compressed");
        let properties = Properties::decode(header.properties.as_deref().unwrap());
        assert_eq!(properties.get("UNIQ_KEY"), Some("B"));
        assert_eq!(properties.get("WAIT"), Some("true"));
        let entries = fulmen_protocol::message::decode_batch(&request.body).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(&entries[0].body[..], b"one");
        assert_eq!(entries[0].properties.get("TAGS"), Some("A"));
        assert_eq!(entries[0].properties.get("UNIQ_KEY"), Some("I1"));
        assert_eq!(entries[1].body.len(), 5000);
        assert_eq!(entries[1].properties.get("UNIQ_KEY"), Some("I2"));
        assert_eq!(batch.batch_ids.as_deref(), Some("I1,I2"));
    }

    #[test]
    fn bodies_from_the_threshold_on_are_zlib_compressed() {
        let config = ProducerConfig::new("h:1", "PG");
        let below = PreparedMessage::new(&Message::new("T", vec![b'x'; 4095]), "I".into(), &config).unwrap();
        assert_eq!(below.sys_flag, 0);
        let body = vec![b'y'; 4096];
        let at = PreparedMessage::new(&Message::new("T", body.clone()), "I".into(), &config).unwrap();
        assert_eq!(at.sys_flag, 0x301);
        assert!(at.body.len() < body.len());
        assert_eq!(
            decompress(&at.body, CompressionType::Zlib, 1 << 20).unwrap(),
            body
        );
    }
}
