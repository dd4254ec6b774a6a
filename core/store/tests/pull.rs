//! Every pull status of REMOTING.md §3.3 that a store reaches through its public API, with its nextBeginOffset,
//! count and byte limits, tag filtering and the arrival listener. (OFFSET_FOUND_NULL, MESSAGE_WAS_REMOVING and a
//! queue starting late are covered by the unit tests of `src/pull.rs`.)

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions unwrap too

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use fulmen_store::{GetMessageStatus, MessageArrival, MessageArrivalListener, MessageStore, TagsCodeFilter};

fn store_with_25_messages(dir: &std::path::Path) -> MessageStore {
    let store = MessageStore::open(small_config(dir)).unwrap();
    for index in 0..25 {
        let tag = if index % 2 == 0 { "TagA" } else { "TagB" };
        put_ok(&store, message("T", 3, &format!("m{index}"), Some(tag)));
    }
    store
}

#[test]
fn statuses_and_next_begin_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_25_messages(dir.path());

    let unknown = pull(&store, "nope", 0, 0, 32);
    assert_eq!(unknown.status, GetMessageStatus::NoMessageInQueue);
    assert_eq!(
        (unknown.next_begin_offset, unknown.min_offset, unknown.max_offset),
        (0, 0, 0)
    );

    let found = pull(&store, "T", 3, 0, 32);
    assert_eq!(found.status, GetMessageStatus::Found);
    assert_eq!(found.message_count(), 10, "one consume-queue file per pull");
    assert_eq!(found.next_begin_offset, 10);
    assert_eq!((found.min_offset, found.max_offset), (0, 25));
    assert_eq!(bodies(&found)[9], "m9");

    let tail = pull(&store, "T", 3, 20, 32);
    assert_eq!(tail.queue_offsets, vec![20, 21, 22, 23, 24]);
    assert_eq!(tail.next_begin_offset, 25);

    let one = pull(&store, "T", 3, 25, 32);
    assert_eq!(one.status, GetMessageStatus::OffsetOverflowOne);
    assert_eq!(one.next_begin_offset, 25);
    assert!(one.messages.is_empty());

    let badly = pull(&store, "T", 3, 40, 32);
    assert_eq!(badly.status, GetMessageStatus::OffsetOverflowBadly);
    assert_eq!(badly.next_begin_offset, 25);

    let small = pull(&store, "T", 3, -3, 32);
    assert_eq!(small.status, GetMessageStatus::OffsetTooSmall);
    assert_eq!(small.next_begin_offset, 0);
    assert_eq!(GetMessageStatus::OffsetTooSmall.as_str(), "OFFSET_TOO_SMALL");
}

#[test]
fn count_and_byte_limits() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_25_messages(dir.path());
    let three = pull(&store, "T", 3, 2, 3);
    assert_eq!(three.queue_offsets, vec![2, 3, 4]);
    assert_eq!(three.next_begin_offset, 5);
    let unit_len = decoded(&three)[0].store_size as usize;
    let two = store.get_messages("T", 3, 0, 32, 2 * unit_len + 1, None).unwrap();
    assert_eq!(two.message_count(), 2);
    assert_eq!(two.next_begin_offset, 2);
    assert_eq!(two.messages.len(), 2 * unit_len);
    let at_least_one = store.get_messages("T", 3, 0, 32, 1, None).unwrap();
    assert_eq!(at_least_one.message_count(), 1);
    let zero = store.get_messages("T", 3, 0, 0, usize::MAX, None).unwrap();
    assert_eq!(zero.message_count(), 1, "a pull asks for at least one message");
}

#[test]
fn tag_filtering() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_25_messages(dir.path());
    let only_b = TagsCodeFilter::from_tags(["TagB"]);
    let result = store
        .get_messages("T", 3, 0, 32, usize::MAX, Some(&only_b))
        .unwrap();
    assert_eq!(result.status, GetMessageStatus::Found);
    assert_eq!(bodies(&result), ["m1", "m3", "m5", "m7", "m9"]);
    assert_eq!(result.queue_offsets, vec![1, 3, 5, 7, 9]);
    assert_eq!(result.next_begin_offset, 10);
    let none = TagsCodeFilter::from_tags(["TagC"]);
    let result = store
        .get_messages("T", 3, 4, 32, usize::MAX, Some(&none))
        .unwrap();
    assert_eq!(result.status, GetMessageStatus::NoMatchedMessage);
    assert_eq!(result.next_begin_offset, 10, "after the scanned entries");
    assert!(result.messages.is_empty());
    let all = TagsCodeFilter::all();
    assert_eq!(
        store
            .get_messages("T", 3, 0, 32, usize::MAX, Some(&all))
            .unwrap()
            .message_count(),
        10
    );
}

#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<(String, i32, i64, i64)>>);

impl MessageArrivalListener for Recorder {
    fn message_arrived(&self, arrival: &MessageArrival<'_>) {
        self.0.lock().unwrap().push((
            arrival.topic.to_owned(),
            arrival.queue_id,
            arrival.queue_offset,
            arrival.max_offset,
        ));
    }
}

#[test]
fn the_listener_hears_about_new_messages() {
    let dir = tempfile::tempdir().unwrap();
    let store = MessageStore::open(small_config(dir.path())).unwrap();
    let recorder = Arc::new(Recorder::default());
    store.set_arrival_listener(recorder.clone());
    put_ok(&store, message("T", 0, "a", None));
    put_ok(&store, message("T", 0, "b", None));
    put_ok(&store, message("U", 2, "c", None));
    assert_eq!(
        *recorder.0.lock().unwrap(),
        vec![
            ("T".into(), 0, 0, 1),
            ("T".into(), 0, 1, 2),
            ("U".into(), 2, 0, 1)
        ]
    );
}
