//! Property: after any sequence of puts (single and batch, several topics and queues, bodies of any size up to
//! what fits a file) and a reopen, clean or after a crash with a garbage tail, every acknowledged message reads
//! back in order with its queue offset, and new puts continue the queue offsets.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions unwrap too

mod common;

use std::collections::BTreeMap;

use bytes::Bytes;
use common::*;
use fulmen_protocol::message::{BatchEntry, Properties};
use fulmen_store::{BatchToStore, MessageStore, PutMessageStatus};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Single {
        topic: u8,
        queue: u8,
        body_len: usize,
    },
    Batch {
        topic: u8,
        queue: u8,
        count: usize,
        body_len: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..2, 0u8..3, 0usize..600).prop_map(|(topic, queue, body_len)| Op::Single { topic, queue, body_len }),
        1 => (0u8..2, 0u8..3, 1usize..6, 0usize..200)
            .prop_map(|(topic, queue, count, body_len)| Op::Batch { topic, queue, count, body_len }),
    ]
}

fn body(seq: usize, len: usize) -> Bytes {
    let mut body = format!("{seq}:").into_bytes();
    body.resize(len.max(body.len()), b'a' + (seq % 26) as u8);
    Bytes::from(body)
}

type Expected = BTreeMap<(String, i32), Vec<Bytes>>;

fn run(ops: &[Op], store: &MessageStore, expected: &mut Expected, seq: &mut usize) {
    for op in ops {
        match *op {
            Op::Single {
                topic,
                queue,
                body_len,
            } => {
                let topic = format!("T{topic}");
                let mut message = message(&topic, i32::from(queue), "", None);
                message.body = body(*seq, body_len);
                *seq += 1;
                let result = put(store, message.clone());
                assert_eq!(result.status, PutMessageStatus::PutOk);
                let list = expected.entry((topic, i32::from(queue))).or_default();
                assert_eq!(result.append.unwrap().queue_offset, list.len() as i64);
                list.push(message.body);
            }
            Op::Batch {
                topic,
                queue,
                count,
                body_len,
            } => {
                let topic = format!("T{topic}");
                let entries: Vec<BatchEntry> = (0..count)
                    .map(|index| BatchEntry {
                        flag: 0,
                        body: body(*seq + index, body_len),
                        properties: Properties::new(),
                    })
                    .collect();
                *seq += count;
                let batch = BatchToStore {
                    template: message(&topic, i32::from(queue), "", None),
                    entries: entries.clone(),
                };
                let result = futures::executor::block_on(store.put_messages(batch));
                assert_eq!(result.status, PutMessageStatus::PutOk);
                let list = expected.entry((topic, i32::from(queue))).or_default();
                assert_eq!(result.append.unwrap().queue_offset, list.len() as i64);
                list.extend(entries.into_iter().map(|entry| entry.body));
            }
        }
    }
}

fn check(store: &MessageStore, expected: &Expected) {
    for ((topic, queue_id), bodies) in expected {
        let messages = read_queue(store, topic, *queue_id);
        assert_eq!(messages.len(), bodies.len(), "{topic}/{queue_id}");
        for (index, (message, body)) in messages.iter().zip(bodies).enumerate() {
            assert_eq!(&message.body, body);
            assert_eq!(message.queue_offset, index as i64);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn acknowledged_messages_survive_a_reopen(
        before in prop::collection::vec(op(), 1..50),
        after in prop::collection::vec(op(), 0..10),
        crash in any::<bool>(),
        garbage in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut expected = Expected::new();
        let mut seq = 0;
        let store = MessageStore::open(small_config(dir.path())).unwrap();
        run(&before, &store, &mut expected, &mut seq);
        let max = store.commit_log_max_offset() as u64;
        if crash {
            drop(store);
            let room = (4096 - max % 4096) as usize;
            if room > 0 && !garbage.is_empty() {
                let file_start = max - max % 4096;
                let path = dir.path().join("commitlog").join(format!("{file_start:020}"));
                let mut bytes = std::fs::read(&path).unwrap();
                let position = (max - file_start) as usize;
                let len = garbage.len().min(room);
                bytes[position..position + len].copy_from_slice(&garbage[..len]);
                std::fs::write(&path, bytes).unwrap();
            }
        } else {
            store.shutdown().unwrap();
            drop(store);
        }
        let store = MessageStore::open(small_config(dir.path())).unwrap();
        prop_assert_eq!(store.last_stop_was_clean(), !crash);
        prop_assert_eq!(store.commit_log_max_offset() as u64, max);
        check(&store, &expected);
        run(&after, &store, &mut expected, &mut seq);
        check(&store, &expected);
    }
}
