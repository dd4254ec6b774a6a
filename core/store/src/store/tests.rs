//! A consume-queue write that fails after the commitlog append (injected with `ConsumeQueue::fail_next_appends`):
//! the queue offset stays taken, the entry is written before the queue's next message or rebuilt at the next
//! start, and no message becomes unreachable.

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use fulmen_protocol::message::decode_all;

use super::*;
use crate::markers::ABORT_FILE_NAME;

fn config(root: &Path) -> StoreConfig {
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

fn message(topic: &str, body: &str) -> MessageToStore {
    MessageToStore {
        topic: topic.to_owned(),
        body: Bytes::copy_from_slice(body.as_bytes()),
        born_host: "10.0.0.1:50000".parse().unwrap(),
        store_host: "192.168.1.2:10911".parse().unwrap(),
        ..MessageToStore::default()
    }
}

fn put(store: &MessageStore, topic: &str, body: &str) -> PutMessageResult {
    futures::executor::block_on(store.put_message(message(topic, body)))
}

/// The bodies of a queue, read from offset 0, with the queue offset each message carries.
fn read(store: &MessageStore, topic: &str) -> Vec<(i64, String)> {
    let mut offset = 0;
    let mut out = Vec::new();
    while offset < store.max_offset(topic, 0) {
        let result = store
            .get_messages(topic, 0, offset, 32, usize::MAX, None)
            .unwrap();
        for message in decode_all(&result.messages).unwrap() {
            out.push((
                message.queue_offset,
                String::from_utf8(message.body.to_vec()).unwrap(),
            ));
        }
        assert!(result.next_begin_offset > offset, "{result:?}");
        offset = result.next_begin_offset;
    }
    out
}

fn expected(bodies: &[&str]) -> Vec<(i64, String)> {
    bodies
        .iter()
        .enumerate()
        .map(|(offset, body)| (offset as i64, (*body).to_owned()))
        .collect()
}

fn queue(store: &MessageStore, topic: &str) -> Arc<crate::consume_queue::ConsumeQueue> {
    store.inner.queues.get(topic, 0).unwrap()
}

#[test]
fn a_failed_entry_is_written_before_the_queues_next_message() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    for body in ["m0", "m1", "m2"] {
        assert!(put(&store, "A", body).is_ok());
    }
    queue(&store, "A").fail_next_appends(1);
    let failed = put(&store, "A", "m3");
    assert_eq!(failed.status, PutMessageStatus::UnknownError, "{failed:?}");
    let stored = failed.append.unwrap();
    assert_eq!(stored.queue_offset, 3, "the unit took queue offset 3");
    assert_eq!(
        store.max_offset("A", 0),
        3,
        "not visible before its entry is written"
    );
    assert!(
        store.inner.dispatched_offset.load(Ordering::Acquire) <= stored.physical_offset() as u64,
        "the checkpoint must not claim the entry"
    );

    let next = put(&store, "A", "m4");
    assert!(next.is_ok(), "{next:?}");
    assert_eq!(next.append.unwrap().queue_offset, 4);
    assert_eq!(read(&store, "A"), expected(&["m0", "m1", "m2", "m3", "m4"]));
    assert_eq!(
        store.inner.dispatched_offset.load(Ordering::Acquire),
        store.commit_log_max_offset() as u64
    );
    store.shutdown().unwrap();
    assert!(!dir.path().join(ABORT_FILE_NAME).exists());
}

#[test]
fn a_queue_that_stays_unwritable_refuses_puts_and_is_rebuilt_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    for body in ["m0", "m1"] {
        assert!(put(&store, "A", body).is_ok());
    }
    queue(&store, "A").fail_next_appends(usize::MAX);
    let failed = put(&store, "A", "m2");
    assert_eq!(failed.status, PutMessageStatus::UnknownError);
    assert_eq!(failed.append.unwrap().queue_offset, 2);
    let end = store.commit_log_max_offset();
    let refused = put(&store, "A", "m3");
    assert_eq!(refused.status, PutMessageStatus::UnknownError);
    assert!(refused.append.is_none(), "{refused:?}");
    assert_eq!(store.commit_log_max_offset(), end, "a refused put stores nothing");
    // Other queues go on, far enough for the commitlog to reach later files than the stuck unit's.
    for index in 0..100 {
        assert!(put(&store, "B", &format!("b{index}")).is_ok());
    }
    assert!(store.commit_log_max_offset() > 8192);

    let error = store.shutdown().unwrap_err();
    assert!(error.to_string().contains("injected"), "{error}");
    assert!(
        dir.path().join(ABORT_FILE_NAME).exists(),
        "the next start must rebuild"
    );
    drop(store);

    let store = MessageStore::open(config(dir.path())).unwrap();
    assert!(!store.last_stop_was_clean());
    assert_eq!(
        read(&store, "A"),
        expected(&["m0", "m1", "m2"]),
        "rebuilt from the commitlog"
    );
    assert_eq!(read(&store, "B").len(), 100);
    let next = put(&store, "A", "m3");
    assert!(next.is_ok(), "{next:?}");
    assert_eq!(next.append.unwrap().queue_offset, 3);
    assert_eq!(read(&store, "A"), expected(&["m0", "m1", "m2", "m3"]));
}

#[test]
fn a_failed_batch_entry_keeps_the_rest_of_the_batch_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    assert!(put(&store, "A", "m0").is_ok());
    let entries = ["m1", "m2", "m3"]
        .iter()
        .map(|body| fulmen_protocol::message::BatchEntry {
            flag: 0,
            body: Bytes::copy_from_slice(body.as_bytes()),
            properties: fulmen_protocol::message::Properties::new(),
        })
        .collect();
    let batch = BatchToStore {
        template: message("A", ""),
        entries,
    };
    // The batch's first entry fails: it and the two after it wait in the backlog.
    queue(&store, "A").fail_next_appends(1);
    let failed = futures::executor::block_on(store.put_messages(batch));
    assert_eq!(failed.status, PutMessageStatus::UnknownError);
    assert_eq!(store.max_offset("A", 0), 1);
    // Crash: the whole batch is rebuilt from the commitlog.
    drop(store);
    let store = MessageStore::open(config(dir.path())).unwrap();
    assert_eq!(read(&store, "A"), expected(&["m0", "m1", "m2", "m3"]));
}
