//! Query by key through the store: keys and unique keys indexed from puts, time ranges, rotation over several
//! index files, clean reopen, and the rebuild after a crash (the store dropped without shutdown).

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;
use fulmen_protocol::message::{MessageExt, MessageSysFlag, keys};
use fulmen_store::{IndexFileGeometry, MessageStore, QueryMessageResult, StoreConfig};

const ALL: (i64, i64) = (0, i64::MAX);

fn config(root: &Path, index_num: u32) -> StoreConfig {
    StoreConfig {
        index_geometry: IndexFileGeometry {
            hash_slot_num: 16,
            index_num,
        },
        ..small_config(root)
    }
}

fn put_keyed(store: &MessageStore, topic: &str, body: &str, user_keys: &str) -> i64 {
    let mut message = message(topic, 0, body, None);
    message.properties.insert(keys::KEYS, user_keys);
    put_ok(store, message).append.unwrap().physical_offsets[0]
}

fn query(store: &MessageStore, topic: &str, key: &str, max_num: usize) -> QueryMessageResult {
    store.query_message(topic, key, max_num, ALL.0, ALL.1)
}

fn bodies_of(result: &QueryMessageResult) -> Vec<String> {
    result
        .messages
        .iter()
        .map(|unit| String::from_utf8(MessageExt::decode(unit).unwrap().0.body.to_vec()).unwrap())
        .collect()
}

#[test]
fn finds_messages_by_key_and_by_unique_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path(), 1000)).unwrap();
    let first = put_keyed(&store, "T", "m0", "order-1 shared");
    put_keyed(&store, "T", "m1", "order-2  shared");
    put_keyed(&store, "U", "m2", "order-1");

    let found = query(&store, "T", "order-1", 32);
    assert_eq!(bodies_of(&found), ["m0"]);
    assert_eq!(found.physical_offsets, [first]);
    assert_eq!(
        bodies_of(&query(&store, "T", "shared", 32)),
        ["m0", "m1"],
        "ascending offsets"
    );
    assert_eq!(
        bodies_of(&query(&store, "U", "order-1", 32)),
        ["m2"],
        "the topic is part of the key"
    );
    assert_eq!(
        bodies_of(&query(&store, "T", "ID-m1", 32)),
        ["m1"],
        "UNIQ_KEY is indexed"
    );
    assert_eq!(
        bodies_of(&query(&store, "T", "shared", 1)),
        ["m1"],
        "max_num keeps the newest"
    );
    assert!(
        query(&store, "T", "", 32).messages.is_empty(),
        "empty tokens are not indexed"
    );
    let missing = query(&store, "T", "nope", 32);
    assert_eq!(missing, QueryMessageResult::default());

    let newest = store.index_service().files().last().unwrap().header();
    assert_eq!(found.index_last_update_phy_offset, newest.end_phy_offset);
    assert_eq!(found.index_last_update_timestamp, newest.end_timestamp);
    assert!(found.index_last_update_phy_offset > first);
    store.shutdown().unwrap();
}

#[test]
fn max_num_is_capped_by_max_msgs_num_batch() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(StoreConfig {
        max_msgs_num_batch: 3,
        ..config(dir.path(), 1000)
    })
    .unwrap();
    for index in 0..5 {
        put_keyed(&store, "T", &format!("m{index}"), "k");
    }
    assert_eq!(bodies_of(&query(&store, "T", "k", 32)), ["m2", "m3", "m4"]);
    store.shutdown().unwrap();
}

#[test]
fn the_time_range_selects_messages() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path(), 1000)).unwrap();
    let offset = put_keyed(&store, "T", "early", "k");
    let early = MessageExt::decode(&store.unit_at(offset).unwrap())
        .unwrap()
        .0
        .store_timestamp;
    std::thread::sleep(Duration::from_millis(1100));
    put_keyed(&store, "T", "late", "k");
    // Index entries keep whole seconds since the file's first entry: "early" is at `early`, "late" at or
    // after `early + 1000`.
    let found = store.query_message("T", "k", 32, early + 1, i64::MAX);
    assert_eq!(bodies_of(&found), ["late"]);
    let found = store.query_message("T", "k", 32, 0, early + 999);
    assert_eq!(bodies_of(&found), ["early"]);
    assert!(
        store
            .query_message("T", "k", 32, 0, early - 1)
            .messages
            .is_empty()
    );
    store.shutdown().unwrap();
}

#[test]
fn rollback_records_are_not_indexed_but_prepared_ones_are() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path(), 1000)).unwrap();
    for (body, kind) in [
        ("half", MessageSysFlag::TRANSACTION_PREPARED_TYPE),
        ("rollback", MessageSysFlag::TRANSACTION_ROLLBACK_TYPE),
        ("commit", MessageSysFlag::TRANSACTION_COMMIT_TYPE),
    ] {
        let mut message = message("T", 0, body, None);
        message.properties.insert(keys::KEYS, "tx");
        message.sys_flag = kind;
        put_ok(&store, message);
    }
    assert_eq!(bodies_of(&query(&store, "T", "tx", 32)), ["half", "commit"]);
    store.shutdown().unwrap();
}

#[test]
fn message_index_enable_false_indexes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(StoreConfig {
        message_index_enable: false,
        ..config(dir.path(), 1000)
    })
    .unwrap();
    put_keyed(&store, "T", "m0", "k");
    assert!(query(&store, "T", "k", 32).messages.is_empty());
    assert!(store.index_service().files().is_empty());
    store.shutdown().unwrap();
}

#[test]
fn full_files_rotate_and_queries_span_them() {
    let dir = tempfile::tempdir().unwrap();
    // 5 usable entries per file; each message has 2 (UNIQ_KEY and one key).
    let store = MessageStore::open(config(dir.path(), 6)).unwrap();
    let mut offsets = Vec::new();
    for index in 0..12 {
        offsets.push(put_keyed(&store, "T", &format!("m{index}"), "k"));
    }
    let files = store.index_service().files();
    assert_eq!(files.len(), 5, "24 entries in files of 5");
    for pair in files.windows(2) {
        assert!(pair[0].path() < pair[1].path(), "names sort by creation");
        let (older, newer) = (pair[0].header(), pair[1].header());
        assert!(newer.begin_phy_offset >= older.end_phy_offset);
        assert!(newer.begin_timestamp >= older.end_timestamp);
    }
    let found = query(&store, "T", "k", 32);
    assert_eq!(found.physical_offsets, offsets);
    assert_eq!(bodies_of(&query(&store, "T", "ID-m0", 32)), ["m0"]);
    assert_eq!(bodies_of(&query(&store, "T", "ID-m11", 32)), ["m11"]);
    store.shutdown().unwrap();
}

#[test]
fn the_index_survives_a_clean_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path(), 6)).unwrap();
    for index in 0..7 {
        put_keyed(&store, "T", &format!("m{index}"), "k");
    }
    let before = query(&store, "T", "k", 32);
    let files = store.index_service().files().len();
    store.shutdown().unwrap();
    drop(store);

    let store = MessageStore::open(config(dir.path(), 6)).unwrap();
    assert_eq!(store.index_service().files().len(), files);
    assert_eq!(query(&store, "T", "k", 32), before);
    put_keyed(&store, "T", "m7", "k");
    assert_eq!(query(&store, "T", "k", 32).messages.len(), 8);
    store.shutdown().unwrap();
}

/// Puts `range` with the key `k`, many per 4 KiB commitlog file.
fn fill(store: &MessageStore, range: std::ops::Range<usize>) -> Vec<i64> {
    range
        .map(|index| put_keyed(store, "T", &format!("m{index:03}-{}", "x".repeat(200)), "k"))
        .collect()
}

#[test]
fn the_index_is_rebuilt_after_a_crash() {
    for index_num in [7, 1000] {
        let dir = tempfile::tempdir().unwrap();
        let store = MessageStore::open(config(dir.path(), index_num)).unwrap();
        let mut offsets = fill(&store, 0..30);
        // A clean stop writes a checkpoint at the end of those 30 messages.
        store.shutdown().unwrap();
        drop(store);
        let store = MessageStore::open(config(dir.path(), index_num)).unwrap();
        offsets.extend(fill(&store, 30..70));
        // Crash: entries beyond the checkpoint are in the (surviving) index files.
        drop(store);

        let store = MessageStore::open(config(dir.path(), index_num)).unwrap();
        assert!(!store.last_stop_was_clean());
        let found = store.query_message("T", "k", 64, 0, i64::MAX);
        assert_eq!(
            found.physical_offsets,
            offsets[6..],
            "the newest 64, each once ({index_num})"
        );
        for index in [0, 29, 30, 69] {
            let key = format!("ID-m{index:03}-{}", "x".repeat(200));
            assert_eq!(
                store.query_message("T", &key, 32, 0, i64::MAX).physical_offsets,
                [offsets[index]],
                "message {index} ({index_num})"
            );
        }
        offsets.extend(fill(&store, 70..72));
        let found = store.query_message("T", "k", 2, 0, i64::MAX);
        assert_eq!(
            found.physical_offsets,
            offsets[70..],
            "new puts are indexed ({index_num})"
        );
        store.shutdown().unwrap();
    }
}

#[test]
fn a_crash_without_any_checkpoint_rebuilds_everything() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(config(dir.path(), 7)).unwrap();
    let offsets = fill(&store, 0..20);
    drop(store);
    let store = MessageStore::open(config(dir.path(), 7)).unwrap();
    assert_eq!(
        store.query_message("T", "k", 64, 0, i64::MAX).physical_offsets,
        offsets
    );
    store.shutdown().unwrap();
}
