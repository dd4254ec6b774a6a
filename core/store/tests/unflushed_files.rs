//! Files that a power loss can leave with a wrong length. A consume-queue file is created without fsync and
//! made durable by its first flush, so one created since the last flush may come back empty: at the end of its
//! queue it is deleted on open and its entries are rebuilt from the commitlog. Commitlog files are durable from
//! their creation, so a wrong length there still fails the open, and so does a consume queue whose files all
//! have another size (the configured file size changed).

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions unwrap too

mod common;

use std::path::{Path, PathBuf};

use common::*;
use fulmen_store::{MessageStore, StoreConfig, StoreError};

fn fill(store: &MessageStore, topic: &str, range: std::ops::Range<usize>) {
    for index in range {
        put_ok(
            store,
            message(topic, 0, &format!("{topic}-{index}"), Some("TagA")),
        );
    }
}

fn assert_queue(store: &MessageStore, topic: &str, count: usize) {
    let messages = read_queue(store, topic, 0);
    assert_eq!(messages.len(), count, "{topic}");
    for (index, message) in messages.iter().enumerate() {
        assert_eq!(message.body, format!("{topic}-{index}").as_bytes());
        assert_eq!(message.queue_offset, index as i64);
    }
}

/// The consume-queue file of `topic` (queue 0) that starts at entry `first_entry` (10 entries per file).
fn cq_file(root: &Path, topic: &str, first_entry: u64) -> PathBuf {
    root.join(format!("consumequeue/{topic}/0/{:020}", first_entry * 20))
}

fn truncate(path: &Path, len: u64) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len)
        .unwrap();
}

#[test]
fn an_empty_consume_queue_file_at_the_end_is_deleted_and_its_entries_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    fill(&store, "A", 0..15);
    // The checkpoint of this clean shutdown counts on everything so far.
    store.shutdown().unwrap();
    drop(store);

    let store = MessageStore::open(small_config(dir.path())).unwrap();
    // A's third file (entries 20..) and C's only file are created after the checkpoint and never flushed
    // (`small_config` flushes consume queues once an hour).
    fill(&store, "A", 15..25);
    fill(&store, "C", 0..3);
    drop(store);
    // A power loss: both files come back empty.
    truncate(&cq_file(dir.path(), "A", 20), 0);
    truncate(&cq_file(dir.path(), "C", 0), 0);

    let store = MessageStore::open(small_config(dir.path())).unwrap();
    assert!(!store.last_stop_was_clean());
    assert_queue(&store, "A", 25);
    assert_queue(&store, "C", 3);
    assert_eq!(
        std::fs::metadata(cq_file(dir.path(), "A", 20)).unwrap().len(),
        200,
        "rebuilt"
    );
    fill(&store, "A", 25..26);
    assert_queue(&store, "A", 26);
    store.shutdown().unwrap();
    drop(store);

    let store = MessageStore::open(small_config(dir.path())).unwrap();
    assert_queue(&store, "A", 26);
    assert_queue(&store, "C", 3);
}

#[test]
fn a_wrong_sized_consume_queue_file_before_the_last_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    fill(&store, "A", 0..25);
    drop(store);
    truncate(&cq_file(dir.path(), "A", 10), 0);
    let error = MessageStore::open(small_config(dir.path())).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert!(cq_file(dir.path(), "A", 20).exists(), "nothing deleted");
}

#[test]
fn a_wrong_sized_commit_log_file_still_fails_the_open() {
    for len in [0, 100] {
        let dir = tempfile::tempdir().unwrap();
        let store = MessageStore::open(small_config(dir.path())).unwrap();
        // Enough for two commitlog files, whether or not the allocator preallocated a spare before the drop.
        fill(&store, "A", 0..60);
        drop(store);
        let files = commit_log_files(dir.path());
        assert!(files.len() >= 2, "{files:?}");
        truncate(files.last().unwrap(), len);
        let error = MessageStore::open(small_config(dir.path())).unwrap_err();
        assert!(matches!(error, StoreError::Corrupt { .. }), "{len}: {error}");
        assert!(files.last().unwrap().exists(), "not deleted");
    }
}

#[test]
fn a_changed_consume_queue_file_size_fails_the_open_and_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    fill(&store, "A", 0..5);
    store.shutdown().unwrap();
    drop(store);
    let config = StoreConfig {
        consume_queue_entries_per_file: 20,
        ..small_config(dir.path())
    };
    let error = MessageStore::open(config).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    assert_queue(&store, "A", 5);
}
