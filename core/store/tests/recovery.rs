//! Reopening after a clean shutdown and recovering after a crash: the store is dropped without shutdown (the
//! `abort` marker stays), then the files are damaged the way a crash leaves them.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions unwrap too

mod common;

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::time::Duration;

use common::*;
use fulmen_protocol::message::MessageSysFlag;
use fulmen_store::{ABORT_FILE_NAME, MessageStore, StoreConfig};

/// Writes `bytes` at commitlog offset `offset` behind the store's back.
fn write_commit_log(root: &Path, offset: u64, bytes: &[u8]) {
    let file_start = offset - offset % 4096;
    let path = root.join("commitlog").join(format!("{file_start:020}"));
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.seek(SeekFrom::Start(offset - file_start)).unwrap();
    file.write_all(bytes).unwrap();
}

fn fill(store: &MessageStore, topic: &str, queue_id: i32, range: std::ops::Range<usize>) {
    for index in range {
        put_ok(
            store,
            message(topic, queue_id, &format!("{topic}-{index}"), Some("TagA")),
        );
    }
}

fn assert_queue(store: &MessageStore, topic: &str, queue_id: i32, count: usize) {
    let messages = read_queue(store, topic, queue_id);
    assert_eq!(messages.len(), count, "{topic}/{queue_id}");
    for (index, message) in messages.iter().enumerate() {
        assert_eq!(message.body, format!("{topic}-{index}").as_bytes());
        assert_eq!(message.queue_offset, index as i64);
    }
}

#[test]
fn reopen_after_a_clean_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    assert!(store.last_stop_was_clean());
    assert!(dir.path().join(ABORT_FILE_NAME).exists());
    fill(&store, "A", 0, 0..40);
    fill(&store, "B", 1, 0..25);
    let max = store.commit_log_max_offset();
    store.shutdown().unwrap();
    store.shutdown().unwrap();
    assert!(!dir.path().join(ABORT_FILE_NAME).exists());
    drop(store);

    let store = MessageStore::open(small_config(dir.path())).unwrap();
    assert!(store.last_stop_was_clean());
    assert_eq!(store.commit_log_max_offset(), max);
    assert_queue(&store, "A", 0, 40);
    assert_queue(&store, "B", 1, 25);
    let mut queues = store.queues();
    queues.sort();
    assert_eq!(queues, [("A".to_owned(), 0), ("B".to_owned(), 1)]);
    fill(&store, "A", 0, 40..45);
    assert_eq!(store.commit_log_min_offset(), 0);
    assert_queue(&store, "A", 0, 45);
}

#[test]
fn a_crash_with_garbage_after_the_last_unit_is_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    fill(&store, "A", 0, 0..40);
    let max = store.commit_log_max_offset() as u64;
    drop(store);
    assert!(
        dir.path().join(ABORT_FILE_NAME).exists(),
        "no shutdown: the marker stays"
    );
    let room = (4096 - max % 4096) as usize;
    write_commit_log(dir.path(), max, &vec![0xAB; room.min(300)]);

    let store = MessageStore::open(small_config(dir.path())).unwrap();
    assert!(!store.last_stop_was_clean());
    assert_eq!(store.commit_log_max_offset() as u64, max);
    assert_queue(&store, "A", 0, 40);
    let next = put_ok(&store, message("A", 0, "A-40", Some("TagA")))
        .append
        .unwrap();
    assert_eq!(next.physical_offset() as u64, max, "the garbage was cut off");
    assert_eq!(next.queue_offset, 40);
    assert_queue(&store, "A", 0, 41);
}

#[test]
fn a_torn_or_corrupt_last_unit_is_dropped() {
    for damage in ["half a unit", "bad crc", "wrong physical offset"] {
        let dir = tempfile::tempdir().unwrap();
        let store = MessageStore::open(small_config(dir.path())).unwrap();
        fill(&store, "A", 0, 0..10);
        let last = put_ok(&store, message("A", 0, "A-10", Some("TagA")))
            .append
            .unwrap();
        let unit = store.unit_at(last.physical_offset()).unwrap().to_vec();
        drop(store);
        // Make a copy of the last unit that claims to sit right after it, then damage it.
        let position = last.end_offset as u64;
        let mut copy = unit.clone();
        copy[28..36].copy_from_slice(&(position as i64).to_be_bytes());
        match damage {
            "half a unit" => copy.truncate(copy.len() / 2),
            // The body starts at byte 88 with IPv4 hosts (REMOTING.md §5.1).
            "bad crc" => copy[88] ^= 0xFF,
            _ => copy[28..36].copy_from_slice(&12345i64.to_be_bytes()),
        }
        write_commit_log(dir.path(), position, &copy);

        let store = MessageStore::open(small_config(dir.path())).unwrap();
        assert_eq!(store.commit_log_max_offset() as u64, position, "{damage}");
        assert_queue(&store, "A", 0, 11);
        assert_eq!(store.message_at(position as i64), None, "{damage}");
    }
}

#[test]
fn an_intact_unit_after_the_end_is_kept_and_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    fill(&store, "A", 0, 0..5);
    // The unit reached the page cache but its index entry did not: put one, then wipe its entry.
    fill(&store, "A", 0, 5..6);
    drop(store);
    let cq_path = dir.path().join("consumequeue/A/0/00000000000000000000");
    let mut entries = std::fs::read(&cq_path).unwrap();
    entries[100..120].fill(0);
    std::fs::write(&cq_path, entries).unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    assert_queue(&store, "A", 0, 6);
}

#[test]
fn lost_consume_queues_are_rebuilt_from_the_commitlog() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    for index in 0..30 {
        put_ok(
            &store,
            message("A", index % 3, &format!("A-{}", index / 3), Some("TagA")),
        );
        put_ok(&store, message("B", 0, &format!("B-{index}"), Some("TagB")));
    }
    drop(store);
    std::fs::remove_dir_all(dir.path().join("consumequeue/A/1")).unwrap();
    std::fs::remove_dir_all(dir.path().join("consumequeue/B")).unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    for queue_id in 0..3 {
        assert_queue(&store, "A", queue_id, 10);
    }
    assert_queue(&store, "B", 0, 30);
    let filter = fulmen_store::TagsCodeFilter::from_tags(["TagB"]);
    let tagged = store
        .get_messages("B", 0, 0, 32, usize::MAX, Some(&filter))
        .unwrap();
    assert_eq!(tagged.message_count(), 10, "tag codes are rebuilt too");
}

#[test]
fn rebuilt_consume_queues_skip_prepared_and_rollback_units() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    let mut units = Vec::new();
    for index in 0..6 {
        put_ok(&store, message("T", 0, &format!("T-{index}"), Some("TagA")));
        let mut unqueued = message("T", 0, &format!("tx-{index}"), Some("TagA"));
        unqueued.sys_flag = if index % 2 == 0 {
            MessageSysFlag::TRANSACTION_PREPARED_TYPE
        } else {
            MessageSysFlag::TRANSACTION_ROLLBACK_TYPE
        };
        let append = put_ok(&store, unqueued).append.unwrap();
        assert_eq!(append.queue_offset, 0);
        units.push(append.physical_offset());
    }
    drop(store);
    std::fs::remove_dir_all(dir.path().join("consumequeue/T")).unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    assert_queue(&store, "T", 0, 6);
    for physical in units {
        assert_eq!(store.message_at(physical).unwrap().queue_offset, 0);
    }
}

#[test]
fn consume_queue_entries_past_the_commitlog_end_are_dropped_on_a_clean_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    fill(&store, "A", 0, 0..8);
    let last = put_ok(&store, message("A", 0, "A-8", None)).append.unwrap();
    store.shutdown().unwrap();
    drop(store);
    write_commit_log(
        dir.path(),
        last.physical_offset() as u64,
        &vec![0; last.wrote_bytes],
    );
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    assert_eq!(store.commit_log_max_offset(), last.physical_offset());
    assert_eq!(store.max_offset("A", 0), 8);
    assert_queue(&store, "A", 0, 8);
}

#[test]
fn recovery_starts_from_the_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let config = StoreConfig {
        consume_queue_flush_interval: Duration::from_millis(30),
        ..small_config(dir.path())
    };
    let store = MessageStore::open(config.clone()).unwrap();
    fill(&store, "A", 0, 0..150);
    // Let the flush thread write a checkpoint past the first files.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let checkpoint = std::fs::read(dir.path().join("checkpoint")).unwrap();
        let logics = i64::from_be_bytes(checkpoint[40..48].try_into().unwrap());
        if logics >= 8192 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no checkpoint written");
        std::thread::sleep(Duration::from_millis(20));
    }
    fill(&store, "A", 0, 150..160);
    let max = store.commit_log_max_offset() as u64;
    drop(store);
    write_commit_log(dir.path(), max, &[0x5A; 64]);
    let store = MessageStore::open(config).unwrap();
    assert_eq!(store.commit_log_max_offset() as u64, max);
    assert_queue(&store, "A", 0, 160);
}

#[test]
fn a_unit_whose_queue_offset_jumps_past_its_queue_ends_the_data() {
    // A copy of the last unit placed right after it, with a valid PHYSICALOFFSET and body CRC, claiming queue
    // offset `claimed`: only the queue's next offset (11) is accepted; a jump ends the data there.
    for (claimed, kept) in [(11i64, true), (12, false), (1 << 40, false)] {
        let dir = tempfile::tempdir().unwrap();
        let store = MessageStore::open(small_config(dir.path())).unwrap();
        fill(&store, "A", 0, 0..10);
        let last = put_ok(&store, message("A", 0, "A-10", Some("TagA")))
            .append
            .unwrap();
        let unit = store.unit_at(last.physical_offset()).unwrap().to_vec();
        drop(store);
        let position = last.end_offset as u64;
        assert!(
            position % 4096 + unit.len() as u64 <= 4096,
            "the copy fits the file"
        );
        let mut copy = unit.clone();
        copy[20..28].copy_from_slice(&claimed.to_be_bytes());
        copy[28..36].copy_from_slice(&(position as i64).to_be_bytes());
        write_commit_log(dir.path(), position, &copy);

        let store = MessageStore::open(small_config(dir.path())).unwrap();
        assert!(!store.last_stop_was_clean());
        if kept {
            assert_eq!(store.commit_log_max_offset() as u64, position + unit.len() as u64);
            assert_eq!(store.max_offset("A", 0), 12);
            assert_eq!(store.message_at(position as i64).unwrap().queue_offset, 11);
            continue;
        }
        assert_eq!(
            store.commit_log_max_offset() as u64,
            position,
            "claimed {claimed}"
        );
        assert_eq!(store.max_offset("A", 0), 11, "no filler entries up to {claimed}");
        assert_queue(&store, "A", 0, 11);
        assert_eq!(store.message_at(position as i64), None);
        let queue_files = std::fs::read_dir(dir.path().join("consumequeue/A/0"))
            .unwrap()
            .count();
        assert!(queue_files <= 3, "{queue_files} consume-queue files");
        let next = put_ok(&store, message("A", 0, "A-11", Some("TagA")))
            .append
            .unwrap();
        assert_eq!((next.physical_offset() as u64, next.queue_offset), (position, 11));
        assert_queue(&store, "A", 0, 12);
    }
}

/// A resolver that stores `store_timestamp + 7` for topic `S` (as a broker stores deliver times).
#[derive(Debug)]
struct PlusSeven;

impl fulmen_store::TagsCodeResolver for PlusSeven {
    fn tags_code(
        &self,
        topic: &str,
        properties: &fulmen_protocol::message::Properties,
        store_timestamp: i64,
    ) -> i64 {
        if topic == "S" {
            store_timestamp + 7
        } else {
            fulmen_store::TagHashResolver.tags_code(topic, properties, store_timestamp)
        }
    }
}

#[test]
fn the_configured_tag_code_resolver_is_used_on_append_and_on_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let config = StoreConfig {
        tags_code_resolver: std::sync::Arc::new(PlusSeven),
        ..small_config(dir.path())
    };
    let store = MessageStore::open(config.clone()).unwrap();
    let stored = put_ok(&store, message("S", 0, "s", Some("TagA")));
    let stored_at = stored.append.unwrap().store_timestamp;
    assert_eq!(store.queue_entry("S", 0, 0).unwrap().tags_code, stored_at + 7);
    drop(store);
    std::fs::remove_dir_all(dir.path().join("consumequeue/S")).unwrap();
    let store = MessageStore::open(config).unwrap();
    assert_eq!(
        store.queue_entry("S", 0, 0).unwrap().tags_code,
        stored_at + 7,
        "rebuilt with the resolver"
    );
    assert_eq!(store.queue_entry("S", 0, 1), None);
}
