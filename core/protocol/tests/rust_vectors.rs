//! The reverse of the golden vectors: bytes written by Fulmen's encoders, with the fields the official Java
//! classes must read from them, in the vector schema of `tests/vectors/README.md`.
//!
//! Every vector here is checked by our own decoder first. With `FULMEN_RUST_VECTORS_DIR` set, the files are also
//! written there for `interop/java/verify-vectors.sh`, which decodes them with Apache RocketMQ 5.3.3 (the test
//! command does both). Most vectors start from a Java vector and change what Java's own bytes cannot show: the
//! other header form, the other JSON style, bodies compressed by our compressors; the rest are made from scratch.

#[allow(dead_code)]
#[path = "golden/support.rs"]
mod support;
#[allow(dead_code)]
#[path = "golden/typed.rs"]
mod typed;

use std::net::{IpAddr, SocketAddr};
use std::path::Path;

use bytes::{Bytes, BytesMut};
use fulmen_protocol::body::{JsonBody, RegisterBrokerBody};
use fulmen_protocol::ext_fields::CommandHeader;
use fulmen_protocol::fastjson::JsonStyle;
use fulmen_protocol::header::{SendMessageRequestHeaderV2, UpdateConsumerOffsetRequestHeader};
use fulmen_protocol::message::{
    BatchEntry, CompressionType, MessageExt, MessageSysFlag, Properties, compress, decode_all, decode_batch,
    encode_batch,
};
use fulmen_protocol::msgid::{ClientMessageId, MessageIdGenerator, OffsetMessageId};
use fulmen_protocol::version::Version;
use fulmen_protocol::{
    ExtFields, FrameDecoder, LanguageCode, RemotingCommand, RequestCode, ResponseCode, SerializeType,
};
use serde_json::{Map, Value, json};

use support::{Vector, hex_upper, ip_bytes, java_host, vectors};
use typed::{WithBody, WithHeader, with_body, with_header};

const INFLATE_LIMIT: usize = 8 << 20;

/// One vector for Java to check.
struct RustVector {
    file: String,
    kind: &'static str,
    description: String,
    java_class: Option<String>,
    compression_type: Option<&'static str>,
    bytes: Vec<u8>,
    expected: Value,
}

impl RustVector {
    fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("description".into(), json!(self.description));
        out.insert("kind".into(), json!(self.kind));
        if let Some(class) = &self.java_class {
            out.insert("javaClass".into(), json!(class));
        }
        if let Some(kind) = self.compression_type {
            out.insert("compressionType".into(), json!(kind));
        }
        out.insert(
            "javaSource".into(),
            json!("Fulmen's Rust encoders (core/protocol/tests/rust_vectors.rs)"),
        );
        out.insert("hex".into(), json!(hex_upper(&self.bytes)));
        out.insert("expected".into(), self.expected.clone());
        Value::Object(out)
    }
}

fn stem(vector: &Vector) -> String {
    vector
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned()
}

fn form_name(form: SerializeType) -> &'static str {
    match form {
        SerializeType::Json => "JSON",
        SerializeType::RocketMq => "ROCKETMQ",
    }
}

fn decode_frame(bytes: &[u8]) -> RemotingCommand {
    let mut buf = BytesMut::from(bytes);
    let command = FrameDecoder::default()
        .decode(&mut buf)
        .expect("decodes")
        .expect("complete frame");
    assert!(buf.is_empty());
    command
}

/// A command the way the Java command describer reports it.
fn describe_command(command: &RemotingCommand) -> Value {
    let ext = command
        .ext_fields
        .as_ref()
        .map(|fields| Value::Object(fields.iter().map(|(k, v)| (k.clone(), json!(v))).collect()));
    json!({
        "code": command.code,
        "language": command.language.name(),
        "version": command.version,
        "opaque": command.opaque,
        "flag": command.flag,
        "remark": command.remark,
        "extFields": ext,
        "serializeTypeCurrentRPC": form_name(command.serialize_type),
        "bodyHex": (!command.body.is_empty()).then(|| hex_upper(&command.body)),
    })
}

/// Java's frames re-encoded in the other header form, plus requests and responses made from scratch.
fn commands() -> Vec<RustVector> {
    let mut out = Vec::new();
    for vector in vectors("command", "command") {
        let command = decode_frame(&vector.bytes);
        let other = match command.serialize_type {
            SerializeType::Json => SerializeType::RocketMq,
            SerializeType::RocketMq => SerializeType::Json,
        };
        let bytes = command
            .clone()
            .with_serialize_type(other)
            .to_bytes()
            .expect("encodes");
        let written = decode_frame(&bytes);
        assert_eq!(
            (written.code, written.opaque, &written.body),
            (command.code, command.opaque, &command.body)
        );
        out.push(RustVector {
            file: format!(
                "command/{}_as_{}.json",
                stem(&vector),
                form_name(other).to_lowercase()
            ),
            kind: "command",
            description: format!(
                "{} re-encoded by Fulmen in the {} form",
                stem(&vector),
                form_name(other)
            ),
            java_class: None,
            compression_type: None,
            expected: describe_command(&written),
            bytes: bytes.to_vec(),
        });
    }
    let send = SendMessageRequestHeaderV2 {
        producer_group: "fulmen-pg".into(),
        topic: "TopicTest".into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 4,
        queue_id: 3,
        sys_flag: 0,
        born_timestamp: 1_700_000_000_000,
        flag: 0,
        properties: Some(
            "TAGS\u{1}标签\u{2}UNIQ_KEY\u{1}7F000001A3E530F399910F2AB16903E1\u{2}WAIT\u{1}true\u{2}".into(),
        ),
        reconsume_times: Some(0),
        unit_mode: Some(false),
        batch: Some(false),
        broker_name: Some("broker-a".into()),
        ..Default::default()
    };
    let offset = UpdateConsumerOffsetRequestHeader {
        consumer_group: "CG".into(),
        topic: "TopicTest".into(),
        queue_id: 1,
        commit_offset: 1 << 40,
        ..Default::default()
    };
    let fresh = [
        (
            "send_v2_rust",
            RemotingCommand::request(RequestCode::SEND_MESSAGE_V2)
                .with_header(&send)
                .with_body(Bytes::from_static("héllo RocketMQ".as_bytes())),
        ),
        (
            "update_offset_oneway_rust",
            RemotingCommand::request(RequestCode::UPDATE_CONSUMER_OFFSET)
                .with_header(&offset)
                .into_oneway(),
        ),
        (
            "response_remark_rust",
            RemotingCommand::response(ResponseCode::TOPIC_NOT_EXIST, None)
                .with_remark("topic[T\u{1}] \"not\" exist, 中文 ü\n"),
        ),
        ("pop_rust", RemotingCommand::request(RequestCode::POP_MESSAGE)),
    ];
    for (name, command) in fresh {
        for form in [SerializeType::Json, SerializeType::RocketMq] {
            let command = command.clone().with_opaque(-7).with_serialize_type(form);
            assert_eq!(command.language, LanguageCode::RUST);
            let bytes = command.to_bytes().expect("encodes");
            let written = decode_frame(&bytes);
            out.push(RustVector {
                file: format!("command/{name}_{}.json", form_name(form).to_lowercase()),
                kind: "command",
                description: format!("{name} made by Fulmen, {} header requested", form_name(form)),
                java_class: None,
                compression_type: None,
                expected: describe_command(&written),
                bytes: bytes.to_vec(),
            });
        }
    }
    out
}

/// The `extFields` our typed headers write from Java's values, for Java's header classes to decode.
struct ReencodeHeader(ExtFields);

impl WithHeader for ReencodeHeader {
    type Output = ExtFields;
    fn run<H: CommandHeader>(self) -> ExtFields {
        H::read_from(&self.0).expect("Java's fields read").to_ext_fields()
    }
}

fn headers() -> Vec<RustVector> {
    vectors("header", "header")
        .into_iter()
        .map(|vector| {
            let class = vector
                .java_class
                .clone()
                .expect("header vectors name their class");
            let java: ExtFields = support::string_pairs(&vector.expected["extFields"])
                .into_iter()
                .collect();
            let ours = with_header(&class, ReencodeHeader(java)).expect("a typed header for the class");
            RustVector {
                file: format!("header/{}.json", stem(&vector)),
                kind: "header",
                description: format!("{}: extFields written by Fulmen's typed header", stem(&vector)),
                java_class: Some(class),
                compression_type: None,
                bytes: Vec::new(),
                expected: json!({ "extFields": ours }),
            }
        })
        .collect()
}

/// Java's body decoded by our type and written in `style`.
struct ReencodeBody<'a>(&'a [u8], JsonStyle);

impl WithBody for ReencodeBody<'_> {
    type Output = Vec<u8>;
    fn run<T: JsonBody>(self) -> Vec<u8> {
        let body = T::decode(self.0).expect("Java's body decodes");
        let bytes = body.encode_with(self.1).expect("encodes");
        assert_eq!(
            T::decode(&bytes)
                .expect("our output decodes")
                .encode_with(self.1)
                .expect("encodes"),
            bytes
        );
        bytes
    }
}

/// Java's bodies written back in the other fastjson style (quoted map keys and escapes, or bare keys), and our
/// compressed REGISTER_BROKER body.
fn bodies() -> Vec<RustVector> {
    let mut out = Vec::new();
    for vector in vectors("body", "jsonBody") {
        let class = vector.java_class.clone().unwrap_or_default();
        let (style, style_name) = if vector.name().contains("standard") {
            (JsonStyle::Fastjson, "fastjson")
        } else {
            (JsonStyle::BrowserCompatible, "browser_compatible")
        };
        let Some(bytes) = with_body(&class, ReencodeBody(&vector.bytes, style)) else {
            continue; // the broker's offset file form is typed with the store
        };
        out.push(RustVector {
            file: format!("body/{}_as_{style_name}.json", stem(&vector)),
            kind: "jsonBody",
            description: format!("{} written by Fulmen in the {style_name} style", stem(&vector)),
            java_class: Some(class),
            compression_type: None,
            bytes,
            expected: vector.expected.clone(),
        });
    }
    for vector in vectors("body", "compressedRegisterBrokerBody") {
        let body = RegisterBrokerBody::decode_compressed(&vector.bytes, Version::V5_3_3).expect("decodes");
        out.push(RustVector {
            file: format!("body/{}_rust.json", stem(&vector)),
            kind: "compressedRegisterBrokerBody",
            description: "REGISTER_BROKER body compressed by Fulmen".into(),
            java_class: vector.java_class.clone(),
            compression_type: None,
            bytes: body.encode_compressed().expect("encodes"),
            expected: vector.expected.clone(),
        });
    }
    out
}

/// A unit the way the Java message describer reports it.
fn describe_unit(unit: &MessageExt) -> Value {
    // Java reports a unit without properties as `null`.
    let properties: Option<Map<String, Value>> = (!unit.properties.is_empty()).then(|| {
        unit.properties
            .iter()
            .map(|(k, v)| (k.to_owned(), json!(v)))
            .collect()
    });
    json!({
        "msgId": unit.offset_msg_id().to_string(),
        "storeSize": unit.store_size,
        "bodyCRC": unit.body_crc,
        "queueId": unit.queue_id,
        "flag": unit.flag,
        "queueOffset": unit.queue_offset,
        "commitLogOffset": unit.commit_log_offset,
        "sysFlag": unit.sys_flag,
        "bornTimestamp": unit.born_timestamp,
        "bornHost": java_host(unit.born_host),
        "storeTimestamp": unit.store_timestamp,
        "storeHost": java_host(unit.store_host),
        "reconsumeTimes": unit.reconsume_times,
        "preparedTransactionOffset": unit.prepared_transaction_offset,
        "topic": unit.topic,
        "properties": properties,
        "bodyHex": hex_upper(&unit.body),
        "decompressedBodyHex": hex_upper(&unit.decompressed_body(INFLATE_LIMIT).expect("inflates")),
    })
}

/// Java's units with every uncompressed body compressed by our zlib, LZ4 and zstd encoders.
fn message_units() -> Vec<RustVector> {
    let mut out = Vec::new();
    for vector in vectors("message", "messageUnits") {
        let units = decode_all(&Bytes::from(vector.bytes.clone())).expect("decodes");
        for kind in [CompressionType::Zlib, CompressionType::Lz4, CompressionType::Zstd] {
            let mut encoded = BytesMut::new();
            for unit in &units {
                let mut unit = unit.clone();
                if !unit.is_compressed() {
                    unit.body = Bytes::from(compress(&unit.body, kind, 5).expect("compresses"));
                    unit.sys_flag =
                        MessageSysFlag::set_compression(unit.sys_flag | MessageSysFlag::COMPRESSED, kind);
                    unit.update_body_crc();
                }
                unit.encode(&mut encoded).expect("encodes");
            }
            let written = decode_all(&encoded.clone().freeze()).expect("our units decode");
            for (ours, original) in written.iter().zip(&units) {
                assert_eq!(
                    ours.decompressed_body(INFLATE_LIMIT).ok(),
                    original.decompressed_body(INFLATE_LIMIT).ok()
                );
            }
            out.push(RustVector {
                file: format!("message/{}_{}.json", stem(&vector), kind.name().to_lowercase()),
                kind: "messageUnits",
                description: format!("{} with bodies compressed by Fulmen's {kind}", stem(&vector)),
                java_class: None,
                compression_type: None,
                expected: json!({ "messages": written.iter().map(describe_unit).collect::<Vec<_>>() }),
                bytes: encoded.to_vec(),
            });
        }
    }
    out
}

fn batches() -> Vec<RustVector> {
    let entry = |flag: i32, body: &str, props: &[(&str, &str)]| BatchEntry {
        flag,
        body: Bytes::copy_from_slice(body.as_bytes()),
        properties: props
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<Properties>(),
    };
    let entries = vec![
        entry(
            0,
            "first",
            &[
                ("UNIQ_KEY", "7F000001A3E530F399910F2AB16903F1"),
                ("TAGS", "TagA"),
                ("WAIT", "true"),
            ],
        ),
        entry(
            7,
            "zweite Nachricht: ü 中文 😀",
            &[
                ("UNIQ_KEY", "7F000001A3E530F399910F2AB16903F2"),
                ("KEYS", "k1 k2"),
            ],
        ),
        entry(-1, "", &[("UNIQ_KEY", "7F000001A3E530F399910F2AB16903F3")]),
    ];
    let mut bytes = BytesMut::new();
    encode_batch(&entries, &mut bytes).expect("encodes");
    assert_eq!(decode_batch(&bytes.clone().freeze()).expect("decodes"), entries);
    let messages: Vec<Value> = entries
        .iter()
        .map(|e| {
            let props: Map<String, Value> = e
                .properties
                .iter()
                .map(|(k, v)| (k.to_owned(), json!(v)))
                .collect();
            json!({ "flag": e.flag, "bodyHex": hex_upper(&e.body), "properties": props })
        })
        .collect();
    vec![RustVector {
        file: "batch/three_messages_rust.json".into(),
        kind: "batchBody",
        description: "a batch of 3 made by Fulmen: flags 0, 7, -1, a non-ASCII body and an empty one".into(),
        java_class: None,
        compression_type: None,
        bytes: bytes.to_vec(),
        expected: json!({ "messages": messages }),
    }]
}

fn compressed_bodies() -> Vec<RustVector> {
    let mut inputs: Vec<(String, Vec<u8>)> = vectors("compression", "compressed")
        .into_iter()
        .map(|v| (stem(&v), hex::decode(v.str("inputHex")).expect("hex")))
        .collect();
    let large: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 27) as u8 + b'a')
        .collect();
    inputs.push(("large_300k".into(), large));
    let mut out = Vec::new();
    for (name, input) in inputs {
        for kind in [CompressionType::Zlib, CompressionType::Lz4, CompressionType::Zstd] {
            out.push(RustVector {
                file: format!("compression/{name}_{}.json", kind.name().to_lowercase()),
                kind: "compressed",
                description: format!("{name} compressed by Fulmen's {kind} at level 5"),
                java_class: None,
                compression_type: Some(kind.name()),
                bytes: compress(&input, kind, 5).expect("compresses"),
                expected: json!({ "inputHex": hex_upper(&input) }),
            });
        }
    }
    out
}

/// Java prints the IP of a client id with `UtilAll.ipToIPv6Str` style for IPv6: zero-padded groups.
fn java_client_id_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => v6
            .segments()
            .iter()
            .map(|s| format!("{s:04x}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

fn message_ids() -> Vec<RustVector> {
    let mut out = Vec::new();
    for (name, ip) in [("ipv4", "10.1.2.3"), ("ipv6", "2001:db8::7")] {
        let ip: IpAddr = ip.parse().expect("valid ip");
        let generator = MessageIdGenerator::new(ip, 74_565, 0x1234_5678);
        let id = generator.next_id(1_700_000_000_000);
        let parsed = ClientMessageId::parse(&id).expect("our id parses");
        assert_eq!(parsed.ip, ip);
        out.push(RustVector {
            file: format!("msgid/client_{name}_rust.json"),
            kind: "clientMsgId",
            description: format!("a client id made by Fulmen's generator ({name})"),
            java_class: None,
            compression_type: None,
            bytes: hex::decode(&id).expect("hex"),
            expected: json!({ "msgId": id, "ip": java_client_id_ip(ip), "ipHex": hex_upper(&ip_bytes(ip)),
                "pid": parsed.pid }),
        });
    }
    for (name, host, offset) in [
        ("ipv4", "10.1.2.3:10911", 190_552_i64),
        ("ipv6", "[2001:db8::1]:10911", (1_i64 << 40) + 5),
    ] {
        let host: SocketAddr = host.parse().expect("valid address");
        let id = OffsetMessageId::new(host, offset).to_string();
        out.push(RustVector {
            file: format!("msgid/offset_{name}_rust.json"),
            kind: "offsetMsgId",
            description: format!("an offset id written by Fulmen ({name})"),
            java_class: None,
            compression_type: None,
            bytes: hex::decode(&id).expect("hex"),
            expected: json!({ "msgId": id, "storeHost": java_host(host), "ipHex": hex_upper(&ip_bytes(host.ip())),
                "port": host.port(), "commitLogOffset": offset }),
        });
    }
    out
}

#[test]
fn rust_encoded_vectors_for_java() {
    let all: Vec<RustVector> = [
        commands(),
        headers(),
        bodies(),
        message_units(),
        batches(),
        compressed_bodies(),
        message_ids(),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(all.len() >= 140, "only {} vectors", all.len());
    let Some(dir) = std::env::var_os("FULMEN_RUST_VECTORS_DIR") else {
        return;
    };
    for vector in &all {
        let path = Path::new(&dir).join(&vector.file);
        std::fs::create_dir_all(path.parent().expect("a parent directory")).expect("creates the directory");
        let text = serde_json::to_string_pretty(&vector.to_json()).expect("serializes");
        std::fs::write(&path, text + "\n").expect("writes the vector");
    }
    println!("wrote {} vectors to {}", all.len(), Path::new(&dir).display());
}
