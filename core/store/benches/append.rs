//! Appending 1 KiB messages to a store with async flush (the default mode); criterion reports bytes per second.
//!
//! Run with `cargo bench -p fulmen-store --bench append`.

use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fulmen_protocol::message::{Properties, keys};
use fulmen_store::{FlushMode, MessageStore, MessageToStore, PutMessageStatus, StoreConfig};

const BODY_LEN: usize = 1024;

fn append(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = StoreConfig {
        commit_log_file_size: 64 * 1024 * 1024,
        flush_mode: FlushMode::Async {
            interval: Duration::from_millis(500),
        },
        ..StoreConfig::new(dir.path())
    };
    let store = MessageStore::open(config).expect("open store");
    let mut properties = Properties::new();
    properties.insert(keys::TAGS, "TagA");
    properties.insert(
        keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
        "7F000001A3E530F399910F2AB16903E1",
    );
    let message = MessageToStore {
        topic: "BenchTopic".into(),
        queue_id: 0,
        body: Bytes::from(vec![b'x'; BODY_LEN]),
        properties,
        born_host: "10.0.0.1:50000".parse().expect("address"),
        store_host: "10.0.0.2:10911".parse().expect("address"),
        ..MessageToStore::default()
    };
    let mut group = c.benchmark_group("commitlog");
    group.throughput(Throughput::Bytes(BODY_LEN as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("append_1KiB_async_flush", |b| {
        b.iter(|| {
            let result = futures::executor::block_on(store.put_message(message.clone()));
            assert_eq!(result.status, PutMessageStatus::PutOk);
        })
    });
    group.finish();
    store.shutdown().expect("shutdown");
}

criterion_group!(benches, append);
criterion_main!(benches);
