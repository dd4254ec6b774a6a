//! Criterion benches of message units: decoding a pull body of 32 stored units of 1 KiB each (the push consumer's
//! default batch), and encoding one unit as the broker does on append.
#![allow(missing_docs)] // criterion_main! generates an undocumented main

use bytes::{Bytes, BytesMut};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fulmen_protocol::message::{MessageExt, MessageVersion, Properties, decode_all};
use std::hint::black_box;
use std::net::SocketAddr;

fn sample_unit(queue_offset: i64) -> MessageExt {
    let properties: Properties = [
        ("TAGS", "TagA"),
        ("KEYS", "order-1 order-2"),
        ("UNIQ_KEY", "7F000001A3E530F399910F2AB16903E1"),
        ("WAIT", "true"),
        ("CLUSTER", "DefaultCluster"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let host: SocketAddr = "127.0.0.1:10911".parse().expect("valid address");
    let mut message = MessageExt {
        store_size: 0,
        version: MessageVersion::V1,
        body_crc: 0,
        queue_id: 1,
        flag: 0,
        queue_offset,
        commit_log_offset: queue_offset * 1200,
        sys_flag: 0,
        born_timestamp: 1_700_000_000_000,
        born_host: "127.0.0.1:50000".parse().expect("valid address"),
        store_timestamp: 1_700_000_000_001,
        store_host: host,
        reconsume_times: 0,
        prepared_transaction_offset: 0,
        body: Bytes::from(vec![b'x'; 1024]),
        topic: "TopicTest".to_owned(),
        properties,
    };
    message.update_body_crc();
    message
}

fn bench_units(c: &mut Criterion) {
    let mut pull_body = BytesMut::new();
    for offset in 0..32 {
        sample_unit(offset).encode(&mut pull_body).expect("encodes");
    }
    let pull_body = pull_body.freeze();

    let mut group = c.benchmark_group("message_unit");
    group.throughput(Throughput::Bytes(pull_body.len() as u64));
    group.bench_function("decode_pull_body_32x1KiB", |b| {
        b.iter(|| black_box(decode_all(black_box(&pull_body)).expect("decodes")))
    });
    group.finish();

    let unit = sample_unit(7);
    let mut group = c.benchmark_group("message_unit");
    group.throughput(Throughput::Bytes(unit.encoded_len().expect("fits") as u64));
    group.bench_function("encode_1KiB", |b| {
        let mut buf = BytesMut::with_capacity(2048);
        b.iter(|| {
            buf.clear();
            black_box(&unit).encode(&mut buf).expect("encodes");
        })
    });
    group.finish();
}

criterion_group!(benches, bench_units);
criterion_main!(benches);
