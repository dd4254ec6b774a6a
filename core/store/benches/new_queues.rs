//! The first put into a fresh consume queue: the store creates the queue's directory and its first file on the
//! put path (a topic with many queues, such as Apache's `BenchmarkTest` with 1024, pays this once per queue).
//! Each measured put goes to a queue that has never been written; stores are replaced every 1024 queues, and
//! opening and dropping them is not measured. Their directories are deleted only at the end: ext4 avoids
//! reusing recently deleted inodes, and searching past them would be measured as part of creating a queue.
//!
//! Run with `cargo bench -p fulmen-store --bench new_queues`.

use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use fulmen_protocol::message::{Properties, keys};
use fulmen_store::{FlushMode, MessageStore, MessageToStore, PutMessageStatus, StoreConfig};

/// The queues of one store, as in Apache's `BenchmarkTest`.
const QUEUES_PER_STORE: u64 = 1024;

fn message(queue_id: i32) -> MessageToStore {
    let mut properties = Properties::new();
    properties.insert(keys::TAGS, "TagA");
    properties.insert(
        keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
        "7F000001A3E530F399910F2AB16903E1",
    );
    MessageToStore {
        topic: "BenchmarkTest".into(),
        queue_id,
        body: Bytes::from(vec![b'x'; 128]),
        properties,
        born_host: "10.0.0.1:50000".parse().expect("address"),
        store_host: "10.0.0.2:10911".parse().expect("address"),
        ..MessageToStore::default()
    }
}

/// A fresh store on `dir`. The background flush of consume queues is pushed out of the measurement, so that
/// only the put path is timed (the default 1 s interval would add fsyncs of other queues to some samples).
fn open_store(dir: &std::path::Path) -> MessageStore {
    let config = StoreConfig {
        commit_log_file_size: 64 * 1024 * 1024,
        flush_mode: FlushMode::Async {
            interval: Duration::from_millis(500),
        },
        consume_queue_flush_interval: Duration::from_secs(3600),
        ..StoreConfig::new(dir)
    };
    MessageStore::open(config).expect("open store")
}

/// Times `iters` first puts, each into a queue not written before; the stores' directories go to `dirs`.
fn first_puts(iters: u64, dirs: &mut Vec<tempfile::TempDir>) -> Duration {
    let mut measured = Duration::ZERO;
    let mut remaining = iters;
    while remaining > 0 {
        let count = remaining.min(QUEUES_PER_STORE);
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = open_store(dir.path());
        let messages: Vec<MessageToStore> = (0..count).map(|queue_id| message(queue_id as i32)).collect();
        let start = Instant::now();
        for message in messages {
            let result = futures::executor::block_on(store.put_message(message));
            assert_eq!(result.status, PutMessageStatus::PutOk);
        }
        measured += start.elapsed();
        // Dropped without shutdown: the flushes a shutdown does are not what this measures.
        drop(store);
        dirs.push(dir);
        remaining -= count;
    }
    measured
}

fn new_queues(c: &mut Criterion) {
    let mut group = c.benchmark_group("consume_queue");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    let mut dirs = Vec::new();
    group.bench_function("first_put_into_a_fresh_queue", |b| {
        b.iter_custom(|iters| first_puts(iters, &mut dirs))
    });
    group.finish();
    drop(dirs);
}

criterion_group!(benches, new_queues);
criterion_main!(benches);
