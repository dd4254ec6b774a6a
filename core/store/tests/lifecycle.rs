//! The lock file, the abort marker, sync flush with group commit, and the config validation.

mod common;

use std::sync::Arc;

use common::*;
use fulmen_store::{FlushMode, MessageStore, PutMessageStatus, StoreConfig, StoreError};

#[test]
fn a_second_store_on_the_same_directory_fails() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    let error = MessageStore::open(small_config(dir.path())).unwrap_err();
    assert!(matches!(error, StoreError::LockHeld { .. }), "{error}");
    assert!(error.to_string().contains("in use"), "{error}");
    let pid = std::fs::read_to_string(dir.path().join("abort")).unwrap();
    assert_eq!(pid, std::process::id().to_string());
    store.shutdown().unwrap();
    drop(store);
    MessageStore::open(small_config(dir.path())).unwrap();
}

#[test]
fn invalid_configurations_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = StoreConfig {
        consume_queue_entries_per_file: 0,
        ..small_config(dir.path())
    };
    assert!(matches!(
        MessageStore::open(config),
        Err(StoreError::InvalidConfig(_))
    ));
}

#[test]
fn a_different_file_size_on_reopen_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    put_ok(&store, message("T", 0, "x", None));
    store.shutdown().unwrap();
    drop(store);
    let config = StoreConfig {
        commit_log_file_size: 8192,
        ..small_config(dir.path())
    };
    let error = MessageStore::open(config).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
}

fn sync_config(root: &std::path::Path) -> StoreConfig {
    StoreConfig {
        flush_mode: FlushMode::Sync,
        ..small_config(root)
    }
}

#[test]
fn a_sync_flush_put_returns_after_the_flush() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(sync_config(dir.path())).unwrap();
    for index in 0..20 {
        let append = put_ok(&store, message("T", 0, &format!("m{index}"), None))
            .append
            .unwrap();
        assert!(store.commit_log_flushed_offset() >= append.end_offset);
    }
}

#[test]
fn concurrent_sync_flush_puts_share_flushes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MessageStore::open(sync_config(dir.path())).unwrap());
    let threads: Vec<_> = (0..4)
        .map(|thread| {
            let store = store.clone();
            std::thread::spawn(move || {
                for index in 0..25 {
                    let result = put(&store, message("T", thread, &format!("{thread}-{index}"), None));
                    assert_eq!(result.status, PutMessageStatus::PutOk);
                    assert!(store.commit_log_flushed_offset() >= result.append.unwrap().end_offset);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    for queue_id in 0..4 {
        assert_eq!(store.max_offset("T", queue_id), 25);
    }
    // Acknowledged puts survive a crash.
    drop(Arc::into_inner(store).unwrap());
    let store = MessageStore::open(sync_config(dir.path())).unwrap();
    assert!(!store.last_stop_was_clean());
    for queue_id in 0..4 {
        assert_eq!(read_queue(&store, "T", queue_id).len(), 25);
    }
}

#[test]
fn a_put_that_does_not_wait_returns_ok() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(sync_config(dir.path())).unwrap();
    let mut no_wait = message("T", 0, "x", None);
    no_wait.properties.insert("WAIT", "false");
    assert_eq!(put(&store, no_wait).status, PutMessageStatus::PutOk);
    store.shutdown().unwrap();
    assert!(store.commit_log_flushed_offset() >= store.commit_log_max_offset());
}

#[test]
fn the_store_and_its_put_futures_can_move_between_threads() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    fn assert_send<T: Send>(_: &T) {}
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    assert_send_sync(&store);
    let future = store.put_message(message("T", 0, "x", None));
    assert_send(&future);
    assert_eq!(
        futures::executor::block_on(future).status,
        PutMessageStatus::PutOk
    );
}

#[test]
fn readers_see_complete_messages_while_a_writer_appends() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MessageStore::open(small_config(dir.path())).unwrap());
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || {
            for index in 0..300 {
                put_ok(&store, message("T", 0, &format!("m{index}"), None));
            }
        })
    };
    let mut offset = 0;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while offset < 300 {
        assert!(std::time::Instant::now() < deadline, "the reader fell behind");
        let result = pull(&store, "T", 0, offset, 32);
        for (message, queue_offset) in decoded(&result).iter().zip(&result.queue_offsets) {
            assert_eq!(message.queue_offset, *queue_offset);
            assert_eq!(message.body, format!("m{queue_offset}").as_bytes());
        }
        offset = result.next_begin_offset.max(offset);
        std::thread::yield_now();
    }
    writer.join().unwrap();
}
