//! Helpers shared by the integration tests: small stores in temporary directories and message builders.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;
use fulmen_protocol::message::{MessageExt, Properties, decode_all, keys};
use fulmen_store::{
    FlushMode, GetMessageResult, MessageStore, MessageToStore, PutMessageResult, PutMessageStatus,
    StoreConfig,
};

/// A store config with 4 KiB commitlog files and 10 entries per consume-queue file; no background flush of
/// consume queues or checkpoint during a test (so crash tests control what recovery sees).
pub fn small_config(root: &Path) -> StoreConfig {
    StoreConfig {
        commit_log_file_size: 4096,
        consume_queue_entries_per_file: 10,
        flush_mode: FlushMode::Async {
            interval: Duration::from_millis(20),
        },
        consume_queue_flush_interval: Duration::from_secs(3600),
        ..StoreConfig::new(root)
    }
}

/// A message with a body, an optional tag and a unique key.
pub fn message(topic: &str, queue_id: i32, body: &str, tag: Option<&str>) -> MessageToStore {
    let mut properties = Properties::new();
    if let Some(tag) = tag {
        properties.insert(keys::TAGS, tag);
    }
    properties.insert(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX, format!("ID-{body}"));
    MessageToStore {
        topic: topic.to_owned(),
        queue_id,
        body: Bytes::copy_from_slice(body.as_bytes()),
        properties,
        born_timestamp: 1_700_000_000_000,
        born_host: "10.0.0.1:50000".parse().unwrap(),
        store_host: "192.168.1.2:10911".parse().unwrap(),
        ..MessageToStore::default()
    }
}

/// Puts and waits.
pub fn put(store: &MessageStore, message: MessageToStore) -> PutMessageResult {
    futures::executor::block_on(store.put_message(message))
}

/// Puts and checks PUT_OK; returns the result.
pub fn put_ok(store: &MessageStore, message: MessageToStore) -> PutMessageResult {
    let result = put(store, message);
    assert_eq!(result.status, PutMessageStatus::PutOk, "{result:?}");
    result
}

/// Pulls everything available (no filter).
pub fn pull(
    store: &MessageStore,
    topic: &str,
    queue_id: i32,
    offset: i64,
    max_count: usize,
) -> GetMessageResult {
    store
        .get_messages(topic, queue_id, offset, max_count, usize::MAX, None)
        .unwrap()
}

/// The decoded messages of a pull.
pub fn decoded(result: &GetMessageResult) -> Vec<MessageExt> {
    decode_all(&result.messages).unwrap()
}

/// The bodies of a pull, as strings.
pub fn bodies(result: &GetMessageResult) -> Vec<String> {
    decoded(result)
        .iter()
        .map(|message| String::from_utf8(message.body.to_vec()).unwrap())
        .collect()
}

/// Reads a whole queue from its min offset, following nextBeginOffset.
pub fn read_queue(store: &MessageStore, topic: &str, queue_id: i32) -> Vec<MessageExt> {
    let mut offset = store.min_offset(topic, queue_id);
    let mut messages = Vec::new();
    while offset < store.max_offset(topic, queue_id) {
        let result = pull(store, topic, queue_id, offset, 32);
        messages.extend(decoded(&result));
        assert!(result.next_begin_offset > offset, "{result:?}");
        offset = result.next_begin_offset;
    }
    messages
}

/// The commitlog files of a store, in order.
pub fn commit_log_files(root: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root.join("commitlog"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

/// Waits (bounded) until the checkpoint says that the consume queues are complete up to `offset`.
pub fn wait_for_checkpoint(root: &Path, offset: i64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let checkpoint = std::fs::read(root.join("checkpoint")).unwrap();
        let logics = i64::from_be_bytes(checkpoint[40..48].try_into().unwrap());
        if logics >= offset {
            return;
        }
        assert!(Instant::now() < deadline, "no checkpoint written");
        std::thread::sleep(Duration::from_millis(10));
    }
}
