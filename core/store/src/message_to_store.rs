//! What the broker hands to the store (Java's `MessageExtBrokerInner` and `MessageExtBatch`), and how it becomes
//! encoded units before the append lock is taken: validation, body CRC, encoding with `MessageExt`.

use std::net::{Ipv4Addr, SocketAddr};

use bytes::Bytes;
use fulmen_protocol::message::{
    BatchEntry, MAX_PROPERTIES_LEN, MessageExt, MessageSysFlag, Properties, body_crc, keys,
};

use crate::commit_log::EncodedUnits;
use crate::put_result::PutMessageStatus;

/// One message to store. The store fills in the queue offset, the commitlog offset, the store timestamp and
/// the body CRC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageToStore {
    /// The topic.
    pub topic: String,
    /// The queue.
    pub queue_id: i32,
    /// The user flag.
    pub flag: i32,
    /// The body as it will be stored (compressed by the producer or not).
    pub body: Bytes,
    /// The properties (the broker adds `UNIQ_KEY`, `CLUSTER`... before storing).
    pub properties: Properties,
    /// The system flag; the IPv6 host bits are set from the addresses. Half (prepared) and rollback messages
    /// get queue offset 0 and no consume-queue entry.
    pub sys_flag: i32,
    /// When the producer made the message (ms).
    pub born_timestamp: i64,
    /// The producer's address.
    pub born_host: SocketAddr,
    /// The broker's reachable address (`brokerIP1:listenPort`), part of the offset message id.
    pub store_host: SocketAddr,
    /// How many times the message was consumed again.
    pub reconsume_times: i32,
    /// For commit and rollback records, the commitlog offset of the half message; else 0.
    pub prepared_transaction_offset: i64,
}

impl Default for MessageToStore {
    fn default() -> Self {
        let unspecified = SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 0);
        MessageToStore {
            topic: String::new(),
            queue_id: 0,
            flag: 0,
            body: Bytes::new(),
            properties: Properties::new(),
            sys_flag: 0,
            born_timestamp: 0,
            born_host: unspecified,
            store_host: unspecified,
            reconsume_times: 0,
            prepared_transaction_offset: 0,
        }
    }
}

/// A batch (SEND_BATCH_MESSAGE) to store as consecutive units with consecutive queue offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchToStore {
    /// Topic, queue, hosts, born timestamp, sys flag shared by every message. Its `body` and `flag` are
    /// ignored; its `properties` are added to each message's own (a message's value wins), so a broker that
    /// wants Java 5's per-message properties only passes none here.
    pub template: MessageToStore,
    /// The messages, decoded from the batch body with `fulmen_protocol::message::decode_batch`.
    pub entries: Vec<BatchEntry>,
}

/// A put that passed validation, encoded and waiting for the append lock.
#[derive(Debug)]
pub(crate) struct PreparedPut {
    pub(crate) topic: String,
    pub(crate) queue_id: i32,
    /// Whether the units get queue offsets and consume-queue entries (not half / rollback messages).
    pub(crate) indexed: bool,
    /// The system flag of every unit (its transaction type decides the key index).
    pub(crate) sys_flag: i32,
    /// Whether a sync-flush put waits for the disk (`WAIT` property, default true).
    pub(crate) wait_for_flush: bool,
    pub(crate) store_host: SocketAddr,
    pub(crate) units: EncodedUnits,
    /// Each unit's properties, for its tag code.
    pub(crate) properties: Vec<Properties>,
}

/// Why a put was refused before anything was written.
pub(crate) type Refusal = (PutMessageStatus, String);

/// The limits a put is checked against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PutLimits {
    /// The largest body (or sum of a batch's bodies).
    pub(crate) max_message_size: usize,
    /// The largest encoded put that fits a commitlog file.
    pub(crate) max_append_len: usize,
}

/// Validates and encodes one message.
pub(crate) fn prepare_message(message: MessageToStore, limits: PutLimits) -> Result<PreparedPut, Refusal> {
    check_topic(&message.topic)?;
    if message.body.len() > limits.max_message_size {
        return Err(illegal(format!(
            "message body of {} bytes exceeds the maximum of {}",
            message.body.len(),
            limits.max_message_size
        )));
    }
    check_properties(&message.properties)?;
    let indexed = is_indexed(message.sys_flag);
    let wait_for_flush = waits_for_flush(&message.properties);
    let unit = MessageExt {
        body_crc: body_crc(&message.body),
        queue_id: message.queue_id,
        flag: message.flag,
        sys_flag: message.sys_flag,
        born_timestamp: message.born_timestamp,
        born_host: message.born_host,
        store_host: message.store_host,
        reconsume_times: message.reconsume_times,
        prepared_transaction_offset: message.prepared_transaction_offset,
        body: message.body,
        topic: message.topic,
        properties: message.properties,
        ..MessageExt::default()
    };
    let mut units = EncodedUnits::default();
    units
        .push(&unit)
        .map_err(|error| illegal(format!("the message cannot be encoded: {error}")))?;
    check_fits(&units, limits)?;
    Ok(PreparedPut {
        topic: unit.topic,
        queue_id: unit.queue_id,
        indexed,
        sys_flag: unit.sys_flag,
        wait_for_flush,
        store_host: unit.store_host,
        units,
        properties: vec![unit.properties],
    })
}

/// Validates and encodes a batch: every entry becomes a unit with the template's fields.
pub(crate) fn prepare_batch(batch: BatchToStore, limits: PutLimits) -> Result<PreparedPut, Refusal> {
    let template = batch.template;
    check_topic(&template.topic)?;
    if batch.entries.is_empty() {
        return Err(illegal("an empty batch".to_owned()));
    }
    if MessageSysFlag::transaction_value(template.sys_flag) != MessageSysFlag::TRANSACTION_NOT_TYPE {
        return Err(illegal("a batch cannot be transactional".to_owned()));
    }
    let total_body: usize = batch.entries.iter().map(|entry| entry.body.len()).sum();
    if total_body > limits.max_message_size {
        return Err(illegal(format!(
            "batch bodies of {total_body} bytes exceed the maximum of {}",
            limits.max_message_size
        )));
    }
    let wait_for_flush = waits_for_flush(&template.properties);
    let mut units = EncodedUnits::default();
    let mut all_properties = Vec::with_capacity(batch.entries.len());
    for entry in batch.entries {
        let mut properties = entry.properties;
        for (name, value) in template.properties.iter() {
            if !properties.contains(name) {
                properties.insert(name, value);
            }
        }
        check_properties(&properties)?;
        let unit = MessageExt {
            body_crc: body_crc(&entry.body),
            queue_id: template.queue_id,
            flag: entry.flag,
            sys_flag: template.sys_flag,
            born_timestamp: template.born_timestamp,
            born_host: template.born_host,
            store_host: template.store_host,
            reconsume_times: template.reconsume_times,
            prepared_transaction_offset: template.prepared_transaction_offset,
            body: entry.body,
            topic: template.topic.clone(),
            properties,
            ..MessageExt::default()
        };
        units
            .push(&unit)
            .map_err(|error| illegal(format!("a batch message cannot be encoded: {error}")))?;
        all_properties.push(unit.properties);
    }
    check_fits(&units, limits)?;
    Ok(PreparedPut {
        topic: template.topic,
        queue_id: template.queue_id,
        indexed: true,
        sys_flag: template.sys_flag,
        wait_for_flush,
        store_host: template.store_host,
        units,
        properties: all_properties,
    })
}

/// Whether a message with `sys_flag` gets a queue offset and a consume-queue entry: not half (prepared) and
/// not rollback messages.
pub fn is_indexed(sys_flag: i32) -> bool {
    !matches!(
        MessageSysFlag::transaction_value(sys_flag),
        MessageSysFlag::TRANSACTION_PREPARED_TYPE | MessageSysFlag::TRANSACTION_ROLLBACK_TYPE
    )
}

fn waits_for_flush(properties: &Properties) -> bool {
    !properties
        .get(keys::WAIT_STORE_MSG_OK)
        .is_some_and(|value| value.eq_ignore_ascii_case("false"))
}

fn illegal(reason: String) -> Refusal {
    (PutMessageStatus::MessageIllegal, reason)
}

/// A topic names a directory under `consumequeue/`, so it must be a plain, non-empty file name.
fn check_topic(topic: &str) -> Result<(), Refusal> {
    let bad_char = topic.chars().any(|c| matches!(c, '/' | '\\' | '\0'));
    if topic.is_empty() || topic == "." || topic == ".." || bad_char {
        return Err(illegal(format!("the topic {topic:?} cannot be stored")));
    }
    Ok(())
}

fn check_properties(properties: &Properties) -> Result<(), Refusal> {
    let len = properties.encoded_len();
    if len > MAX_PROPERTIES_LEN {
        return Err((
            PutMessageStatus::PropertiesSizeExceeded,
            format!("properties of {len} bytes exceed {MAX_PROPERTIES_LEN}"),
        ));
    }
    Ok(())
}

fn check_fits(units: &EncodedUnits, limits: PutLimits) -> Result<(), Refusal> {
    if units.len() > limits.max_append_len {
        return Err(illegal(format!(
            "{} encoded bytes do not fit a commitlog file (at most {})",
            units.len(),
            limits.max_append_len
        )));
    }
    Ok(())
}
