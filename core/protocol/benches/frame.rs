//! Criterion benches of the frame codec: encoding and decoding a SEND_MESSAGE_V2-shaped request with a 1 KiB body,
//! in both header forms.
#![allow(missing_docs)] // criterion_main! generates an undocumented main

use bytes::{Bytes, BytesMut};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fulmen_protocol::{FrameDecoder, RemotingCommand, RequestCode, SerializeType};
use std::hint::black_box;

fn send_request(serialize_type: SerializeType) -> RemotingCommand {
    let mut cmd = RemotingCommand::request(RequestCode::SEND_MESSAGE_V2)
        .with_opaque(42)
        .with_body(Bytes::from(vec![b'x'; 1024]))
        .with_serialize_type(serialize_type);
    for (key, value) in [
        ("a", "please_rename_unique_group_name"),
        ("b", "TopicTest"),
        ("c", "TBW102"),
        ("d", "4"),
        ("e", "1"),
        ("f", "0"),
        ("g", "1700000000000"),
        ("h", "0"),
        (
            "i",
            "TAGS\u{1}TagA\u{2}WAIT\u{1}true\u{2}UNIQ_KEY\u{1}7F000001A3E530F399910F2AB16903E1\u{2}",
        ),
        ("j", "0"),
        ("k", "false"),
        ("m", "false"),
        ("n", "broker-a"),
    ] {
        cmd.set_ext_field(key, value);
    }
    cmd
}

fn bench_frames(c: &mut Criterion) {
    for (name, form) in [("json", SerializeType::Json), ("binary", SerializeType::RocketMq)] {
        let cmd = send_request(form);
        let encoded = cmd.to_bytes().expect("encodes");
        let mut group = c.benchmark_group(format!("frame/{name}"));
        group.throughput(Throughput::Bytes(encoded.len() as u64));
        group.bench_function("encode", |b| {
            let mut buf = BytesMut::with_capacity(4096);
            b.iter(|| {
                buf.clear();
                black_box(&cmd).encode(&mut buf).expect("encodes");
            })
        });
        group.bench_function("decode", |b| {
            let decoder = FrameDecoder::default();
            b.iter(|| {
                let mut buf = BytesMut::from(&encoded[..]);
                black_box(decoder.decode(&mut buf).expect("decodes").expect("complete"))
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench_frames);
criterion_main!(benches);
