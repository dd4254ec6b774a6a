//! Preallocated spare files: the allocator thread creates the next commitlog and consume-queue file once the
//! current one is half written, the writer takes it, shutdown deletes an unused one, and recovery ignores one
//! left behind by a crash (or by anything else) instead of taking it for the last file.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions unwrap too

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use fulmen_store::{MessageStore, PutMessageResult, StoreConfig};

const COMMIT_LOG_SPARE: &str = "commitlog/00000000000000004096";
/// Ten 20-byte entries per consume-queue file in `small_config`.
const QUEUE_SPARE: &str = "consumequeue/A/0/00000000000000000200";

fn put_body(store: &MessageStore, index: usize, body_len: usize) -> PutMessageResult {
    let mut message = message("A", 0, &format!("A-{index}"), Some("TagA"));
    let mut body = format!("A-{index}:").into_bytes();
    body.resize(body_len, b'x');
    message.body = body.into();
    put_ok(store, message)
}

fn wait_for(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} was not preallocated",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

fn check_queue(store: &MessageStore, count: usize) {
    let messages = read_queue(store, "A", 0);
    assert_eq!(messages.len(), count);
    for (index, message) in messages.iter().enumerate() {
        assert_eq!(message.queue_offset, index as i64);
        assert!(message.body.starts_with(format!("A-{index}:").as_bytes()));
    }
}

/// Puts 7 messages of ~400 bytes: the commitlog's first file and the queue's first file are both more than half
/// written but not full, so both spares get requested.
fn fill_past_half(store: &MessageStore) -> u64 {
    for index in 0..7 {
        put_body(store, index, 300);
    }
    let max = store.commit_log_max_offset() as u64;
    assert!((2048..4096).contains(&max), "{max}");
    assert_eq!(store.max_offset("A", 0), 7);
    max
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

#[cfg(unix)]
#[test]
fn the_writer_takes_the_spare_the_allocator_prepared() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    let max = fill_past_half(&store);
    let spare = dir.path().join(COMMIT_LOG_SPARE);
    wait_for(&spare);
    wait_for(&dir.path().join(QUEUE_SPARE));
    assert_eq!(
        store.commit_log_max_offset() as u64,
        max,
        "a spare holds no offsets"
    );
    let spare_inode = inode(&spare);
    let queue_spare_inode = inode(&dir.path().join(QUEUE_SPARE));

    let mut index = 7;
    while store.commit_log_max_offset() < 4096 + 2048 {
        put_body(&store, index, 300);
        index += 1;
    }
    assert_eq!(
        inode(&spare),
        spare_inode,
        "the spare was taken, not created again"
    );
    assert_eq!(inode(&dir.path().join(QUEUE_SPARE)), queue_spare_inode);
    wait_for(&dir.path().join("commitlog/00000000000000008192"));
    check_queue(&store, index);

    store.shutdown().unwrap();
    assert_eq!(
        names(&dir.path().join("commitlog")),
        ["00000000000000000000", "00000000000000004096"],
        "shutdown deletes the unused spare"
    );
    drop(store);
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    check_queue(&store, index);
}

#[test]
fn a_spare_left_by_a_crash_does_not_move_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let config = StoreConfig {
        consume_queue_flush_interval: Duration::from_millis(30),
        ..small_config(dir.path())
    };
    let store = MessageStore::open(config.clone()).unwrap();
    fill_past_half(&store);
    wait_for(&dir.path().join(COMMIT_LOG_SPARE));
    wait_for(&dir.path().join(QUEUE_SPARE));
    // Another queue moves the commitlog, and then the checkpoint, into the third file: recovery will not
    // rebuild queue A, it has to read A's consume queue as it is, next to its spare.
    for index in 0..80 {
        put_ok(&store, message("B", 0, &format!("B-{index}"), None));
    }
    let max = store.commit_log_max_offset() as u64;
    assert!(max > 8192, "{max}");
    wait_for_checkpoint(dir.path(), 8192);
    drop(store);
    assert!(
        dir.path().join(QUEUE_SPARE).exists(),
        "a crash leaves the spare behind"
    );

    let store = MessageStore::open(config).unwrap();
    assert!(!store.last_stop_was_clean());
    assert_eq!(store.commit_log_max_offset() as u64, max);
    assert_eq!(store.max_offset("A", 0), 7);
    check_queue(&store, 7);
    assert_eq!(read_queue(&store, "B", 0).len(), 80);
    let next = put_body(&store, 7, 300).append.unwrap();
    let physical = next.physical_offset() as u64;
    assert!(
        physical == max
            || (physical == max.next_multiple_of(4096) && 4096 - max % 4096 < next.wrote_bytes as u64 + 8),
        "appends continue after the last unit (or at the next file if it does not fit): {physical}, {max}"
    );
    assert_eq!(next.queue_offset, 7);
    continue_across_files(&store, 8);
}

#[test]
fn a_spare_left_behind_after_a_clean_shutdown_does_not_move_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    let max = fill_past_half(&store);
    wait_for(&dir.path().join(COMMIT_LOG_SPARE));
    wait_for(&dir.path().join(QUEUE_SPARE));
    store.shutdown().unwrap();
    drop(store);
    assert!(
        !dir.path().join(COMMIT_LOG_SPARE).exists(),
        "shutdown deletes the spares"
    );
    assert!(!dir.path().join(QUEUE_SPARE).exists());
    // A spare that was not deleted (e.g. the deletion failed): an empty file under the next name.
    std::fs::write(dir.path().join(COMMIT_LOG_SPARE), vec![0u8; 4096]).unwrap();
    std::fs::write(dir.path().join(QUEUE_SPARE), vec![0u8; 200]).unwrap();

    let store = MessageStore::open(small_config(dir.path())).unwrap();
    assert!(store.last_stop_was_clean());
    assert_eq!(store.commit_log_max_offset() as u64, max);
    assert_eq!(store.max_offset("A", 0), 7);
    let next = put_body(&store, 7, 300).append.unwrap();
    assert_eq!(next.physical_offset() as u64, max);
    assert_eq!(next.queue_offset, 7);
    continue_across_files(&store, 8);
}

/// Puts until the commitlog has crossed two more files and the queue is in its third, then checks every
/// message of the queue.
fn continue_across_files(store: &MessageStore, from: usize) {
    let mut index = from;
    let target = store.commit_log_max_offset() + 2 * 4096;
    while store.commit_log_max_offset() < target || store.max_offset("A", 0) < 25 {
        put_body(store, index, 300);
        index += 1;
    }
    check_queue(store, index);
}
