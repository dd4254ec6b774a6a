//! Retention end to end on a real store: old commitlog files are deleted by age, by a (simulated) full disk and
//! on request; consume queues and index files follow; min offsets, the earliest store time and pulls agree;
//! and the store reopens after a clean stop and after a crash with its first files gone.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions unwrap too

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use fulmen_store::{
    GetMessageStatus, IndexFileGeometry, MessageStore, PutMessageStatus, RetentionConfig, SimulatedDiskUsage,
    StoreConfig,
};

const TOPICS: [&str; 2] = ["RetA", "RetB"];

/// 4 KiB commitlog files, 10 entries per consume-queue file, index files of 40 entries; retention only when a
/// test asks (`delete_when` empty, no clean-thread pass for an hour), a roomy simulated disk.
fn config(root: &Path, disk: &Arc<SimulatedDiskUsage>, reserved: Duration) -> StoreConfig {
    StoreConfig {
        index_geometry: IndexFileGeometry {
            hash_slot_num: 16,
            index_num: 40,
        },
        retention: RetentionConfig {
            file_reserved_time: reserved,
            delete_when: String::new(),
            clean_initial_delay: Duration::from_secs(3600),
            delete_commit_log_files_interval: Duration::ZERO,
            delete_consume_queue_files_interval: Duration::ZERO,
            disk_usage: disk.clone(),
            ..RetentionConfig::default()
        },
        ..small_config(root)
    }
}

/// A store in a new directory on a simulated disk used to `ratio`, keeping files for `reserved`.
fn open_store(ratio: f64, reserved: Duration) -> (tempfile::TempDir, Arc<SimulatedDiskUsage>, MessageStore) {
    let dir = tempfile::tempdir().unwrap();
    let disk = Arc::new(SimulatedDiskUsage::new(ratio));
    let store = MessageStore::open(config(dir.path(), &disk, reserved)).unwrap();
    (dir, disk, store)
}

/// Puts messages `range` alternately to both topics; the body of each is `<topic>-<queue offset>`.
fn fill(store: &MessageStore, range: std::ops::Range<usize>) {
    for index in range {
        let topic = TOPICS[index % 2];
        let offset = store.max_offset(topic, 0);
        put_ok(
            store,
            message(topic, 0, &format!("{topic}-{offset}"), Some("TagA")),
        );
    }
}

/// Checks that each queue serves exactly the messages from its min offset on, that the min offset is the first
/// message still in the commitlog, and what a pull below it answers.
fn assert_queues_follow(store: &MessageStore) {
    let commit_min = store.commit_log_min_offset();
    for topic in TOPICS {
        let min = store.min_offset(topic, 0);
        let max = store.max_offset(topic, 0);
        assert!(min > 0, "{topic}: the min offset moved");
        let messages = read_queue(store, topic, 0);
        assert_eq!(messages.len() as i64, max - min, "{topic}");
        for (index, message) in messages.iter().enumerate() {
            let offset = min + index as i64;
            assert_eq!(message.queue_offset, offset);
            assert_eq!(message.body, format!("{topic}-{offset}").as_bytes());
            assert!(message.commit_log_offset >= commit_min);
        }
        assert_eq!(
            store.earliest_store_time(topic, 0),
            Some(messages[0].store_timestamp),
            "{topic}: earliest store time"
        );
        let below = pull(store, topic, 0, 0, 32);
        assert_eq!(below.status, GetMessageStatus::OffsetTooSmall);
        assert_eq!((below.next_begin_offset, below.min_offset), (min, min));
        let just_below = pull(store, topic, 0, min - 1, 32);
        assert_eq!(just_below.status, GetMessageStatus::OffsetTooSmall, "{topic}");
    }
}

/// The min offset of each test queue.
fn queue_mins(store: &MessageStore) -> Vec<i64> {
    TOPICS.iter().map(|topic| store.min_offset(topic, 0)).collect()
}

/// The commitlog files the store uses (a preallocated spare may sit in the directory too).
fn active_files(store: &MessageStore) -> usize {
    let first = store.commit_log_min_offset() / 4096;
    let last = store.commit_log_max_offset() / 4096;
    (last - first + 1) as usize
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| entries.count())
}

#[test]
fn expired_files_go_oldest_first_and_queues_index_and_reopen_follow() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let disk = Arc::new(SimulatedDiskUsage::new(0.1));
    let reserved = Duration::from_millis(1500);
    let store = MessageStore::open(config(root, &disk, reserved)).unwrap();
    fill(&store, 0..120);
    let old_files = active_files(&store);
    assert!(old_files >= 3, "{old_files}");
    let index_files = count_files(&root.join("index"));
    assert!(index_files >= 4, "{index_files}");
    std::thread::sleep(reserved + Duration::from_millis(200));
    fill(&store, 120..200);
    let all_files = active_files(&store);
    assert!(all_files >= old_files + 2, "{all_files}");

    let report = store.clean_expired_files_now().unwrap();
    assert_eq!(report.commit_log_files, 0, "not a deleteWhen hour, disk roomy");
    let index_files_before = count_files(&root.join("index"));

    store.execute_delete_files_manually();
    let report = store.clean_expired_files_now().unwrap();
    // Every file last written before the pause goes; the one written on both sides of it stays.
    assert_eq!(report.commit_log_files, old_files - 1, "{report:?}");
    assert_eq!(active_files(&store), all_files - (old_files - 1));
    assert!(
        !commit_log_files(root)[0].ends_with("00000000000000000000"),
        "deleted from disk"
    );
    let commit_min = store.commit_log_min_offset();
    assert_eq!(commit_min, 4096 * (old_files as i64 - 1));
    assert!(report.consume_queue_files >= 2, "{report:?}");
    assert!(report.index_files >= 1, "{report:?}");
    assert_eq!(
        count_files(&root.join("index")),
        index_files_before - report.index_files
    );
    assert_queues_follow(&store);
    let after_delete = queue_mins(&store);
    let found = store.query_message(
        TOPICS[0],
        &format!("ID-{}-{}", TOPICS[0], after_delete[0]),
        32,
        0,
        i64::MAX,
    );
    assert_eq!(
        found.messages.len(),
        1,
        "a remaining message is still found by key"
    );

    // A second pass right away deletes nothing more (the remaining files are young).
    assert_eq!(store.clean_expired_files_now().unwrap().commit_log_files, 0);

    // Clean stop and reopen.
    fill(&store, 200..210);
    store.shutdown().unwrap();
    drop(store);
    let store = MessageStore::open(config(root, &disk, reserved)).unwrap();
    assert!(store.last_stop_was_clean());
    assert_eq!(store.commit_log_min_offset(), commit_min);
    let reopened = queue_mins(&store);
    assert_eq!(reopened, after_delete, "min offsets survive a clean restart");
    assert_queues_follow(&store);
    fill(&store, 210..220);

    // Crash (no shutdown) and reopen: recovery scans a commitlog that does not start at 0.
    drop(store);
    let store = MessageStore::open(config(root, &disk, reserved)).unwrap();
    assert!(!store.last_stop_was_clean());
    assert_eq!(store.commit_log_min_offset(), commit_min);
    let recovered = queue_mins(&store);
    assert_eq!(recovered, after_delete, "min offsets survive a crash");
    assert_queues_follow(&store);
    for topic in TOPICS {
        assert_eq!(store.max_offset(topic, 0), 110, "{topic}: nothing lost");
    }
    store.shutdown().unwrap();
}

#[test]
fn a_full_disk_deletes_young_files_refuses_puts_and_recovers() {
    let (_dir, disk, store) = open_store(0.1, Duration::from_secs(72 * 3600));
    fill(&store, 0..150);
    let files = active_files(&store);
    assert!(files >= 4);

    disk.set(0.80);
    assert_eq!(
        store.clean_expired_files_now().unwrap().commit_log_files,
        0,
        "over diskMaxUsedSpaceRatio: expired files only"
    );
    disk.set(0.87);
    let report = store.clean_expired_files_now().unwrap();
    assert_eq!(
        report.commit_log_files,
        files - 1,
        "over the force ratio: any age"
    );
    assert!(!store.is_disk_full());
    assert_queues_follow(&store);

    fill(&store, 150..200);
    disk.set(0.95);
    store.clean_expired_files_now().unwrap();
    assert!(store.is_disk_full());
    let refused = put(&store, message(TOPICS[0], 0, "refused", None));
    assert_eq!(refused.status, PutMessageStatus::ServiceNotAvailable);
    assert_eq!(store.disk_used_ratios(), [Some(0.95); 3]);

    disk.set(0.5);
    store.clean_expired_files_now().unwrap();
    assert!(!store.is_disk_full(), "cleared once the disk drains");
    put_ok(&store, message(TOPICS[0], 0, "accepted", None));
    store.shutdown().unwrap();
}

#[test]
fn the_clean_thread_deletes_by_itself_at_a_delete_hour() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let disk = Arc::new(SimulatedDiskUsage::new(0.1));
    let every_hour = (0..24)
        .map(|hour| format!("{hour:02}"))
        .collect::<Vec<_>>()
        .join(";");
    let mut config = config(root, &disk, Duration::from_millis(300));
    config.retention.delete_when = every_hour;
    config.retention.clean_initial_delay = Duration::from_millis(100);
    config.retention.clean_resource_interval = Duration::from_millis(100);
    let store = MessageStore::open(config).unwrap();
    fill(&store, 0..120);
    let deadline = Instant::now() + Duration::from_secs(20);
    while active_files(&store) > 1 || TOPICS.iter().any(|topic| store.min_offset(topic, 0) == 0) {
        assert!(Instant::now() < deadline, "the clean thread deleted nothing");
        std::thread::sleep(Duration::from_millis(20));
    }
    // A pass may have deleted commitlog files and not yet moved the queues (pulls meanwhile answer
    // MESSAGE_WAS_REMOVING): one more pass waits for it and then follows.
    store.clean_expired_files_now().unwrap();
    assert_queues_follow(&store);
    store.shutdown().unwrap();
}

#[test]
fn readers_racing_deletion_get_whole_messages_or_a_status() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let disk = Arc::new(SimulatedDiskUsage::new(0.87));
    let mut config = config(root, &disk, Duration::from_secs(3600));
    config.retention.delete_file_batch_max = 1;
    let store = Arc::new(MessageStore::open(config).unwrap());
    fill(&store, 0..300);
    let reader = {
        let store = store.clone();
        std::thread::spawn(move || {
            let mut reads = 0;
            for round in 0..200 {
                let topic = TOPICS[round % 2];
                let result = pull(&store, topic, 0, (round % 100) as i64, 32);
                for message in decoded(&result) {
                    assert_eq!(
                        message.body,
                        format!("{topic}-{}", message.queue_offset).as_bytes()
                    );
                    reads += 1;
                }
            }
            reads
        })
    };
    let mut deleted = 0;
    while deleted < 8 {
        let report = store.clean_expired_files_now().unwrap();
        if report.commit_log_files == 0 {
            break;
        }
        deleted += report.commit_log_files;
    }
    reader.join().unwrap();
    assert!(deleted > 0);
    store.shutdown().unwrap();
}

#[test]
fn a_crash_right_after_deletion_recovers_from_the_first_remaining_file() {
    let (dir, disk, store) = open_store(0.87, Duration::from_secs(3600));
    let root = dir.path();
    fill(&store, 0..150);
    assert!(store.clean_expired_files_now().unwrap().commit_log_files >= 3);
    fill(&store, 150..160);
    let mins = queue_mins(&store);
    let commit_min = store.commit_log_min_offset();
    drop(store);
    disk.set(0.1);
    let store = MessageStore::open(config(root, &disk, Duration::from_secs(3600))).unwrap();
    assert!(!store.last_stop_was_clean());
    assert_eq!(store.commit_log_min_offset(), commit_min);
    let recovered = queue_mins(&store);
    assert_eq!(recovered, mins);
    assert_queues_follow(&store);
    for topic in TOPICS {
        assert_eq!(store.max_offset(topic, 0), 80, "{topic}");
    }
    fill(&store, 160..170);
    assert_queues_follow(&store);
    store.shutdown().unwrap();
}

#[test]
fn a_crash_with_a_checkpoint_inside_a_deleted_file_scans_from_the_first_remaining_file() {
    let (dir, disk, store) = open_store(0.1, Duration::from_secs(3600));
    let root = dir.path();
    fill(&store, 0..40);
    // The clean stop writes a checkpoint in the second file; nothing writes another one before the crash.
    store.shutdown().unwrap();
    drop(store);
    let store = MessageStore::open(config(root, &disk, Duration::from_secs(3600))).unwrap();
    fill(&store, 40..200);
    disk.set(0.87);
    assert!(store.clean_expired_files_now().unwrap().commit_log_files >= 4);
    assert!(
        store.commit_log_min_offset() > 2 * 4096,
        "the checkpoint's file is gone"
    );
    let mins = queue_mins(&store);
    drop(store);
    disk.set(0.1);
    let store = MessageStore::open(config(root, &disk, Duration::from_secs(3600))).unwrap();
    assert!(!store.last_stop_was_clean());
    let recovered = queue_mins(&store);
    assert_eq!(recovered, mins);
    assert_queues_follow(&store);
    for topic in TOPICS {
        assert_eq!(store.max_offset(topic, 0), 100, "{topic}");
    }
    store.shutdown().unwrap();
}
