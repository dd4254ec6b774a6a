//! A topic with many queues, as Apache's `BenchmarkTest` (1024): the first message of each queue creates the
//! queue's directory and first file on the put path, without fsync. Every message must be readable at once,
//! after a clean reopen, and after a crash (the store dropped without shutdown, so the consume queues are
//! rebuilt from the commitlog).

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions unwrap too

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;
use fulmen_store::{MessageStore, StoreConfig};

const QUEUES: i32 = 1024;

fn config(root: &Path) -> StoreConfig {
    StoreConfig {
        commit_log_file_size: 1024 * 1024,
        ..small_config(root)
    }
}

fn assert_every_queue(store: &MessageStore) {
    for queue_id in 0..QUEUES {
        let messages = read_queue(store, "BenchmarkTest", queue_id);
        assert_eq!(messages.len(), 1, "queue {queue_id}");
        assert_eq!(messages[0].body, format!("m{queue_id}").as_bytes());
        assert_eq!(messages[0].queue_offset, 0);
    }
    assert_eq!(store.queues().len(), QUEUES as usize);
}

#[test]
fn one_message_in_each_of_1024_new_queues_survives_a_reopen_and_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path())).unwrap();
    for queue_id in 0..QUEUES {
        put_ok(
            &store,
            message("BenchmarkTest", queue_id, &format!("m{queue_id}"), None),
        );
    }
    assert_every_queue(&store);
    store.shutdown().unwrap();
    drop(store);

    let store = MessageStore::open(config(dir.path())).unwrap();
    assert!(store.last_stop_was_clean());
    assert_every_queue(&store);
    drop(store);

    let store = MessageStore::open(config(dir.path())).unwrap();
    assert!(!store.last_stop_was_clean());
    assert_every_queue(&store);
}

#[test]
fn new_queues_written_after_the_last_checkpoint_are_rebuilt_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let config = StoreConfig {
        consume_queue_flush_interval: Duration::from_millis(50),
        ..config(dir.path())
    };
    let store = MessageStore::open(config.clone()).unwrap();
    for queue_id in 0..QUEUES {
        put_ok(
            &store,
            message("BenchmarkTest", queue_id, &format!("m{queue_id}"), None),
        );
        if queue_id == QUEUES / 2 {
            // The first half is flushed and checkpointed; recovery trusts it and rebuilds the rest.
            wait_for_checkpoint(dir.path(), store.commit_log_max_offset());
        }
    }
    drop(store);
    let store = MessageStore::open(config).unwrap();
    assert!(!store.last_stop_was_clean());
    assert_every_queue(&store);
}
