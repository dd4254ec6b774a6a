//! Complete frames written by Java's `RemotingCommand` in both header forms decode to Java's fields and re-encode
//! byte for byte.

use bytes::BytesMut;
use fulmen_protocol::{FrameDecoder, RemotingCommand, SerializeType};
use serde_json::Value;

use super::support::{Vector, hex_upper, string_pairs, vectors};

fn decode(vector: &Vector) -> RemotingCommand {
    let mut buf = BytesMut::from(&vector.bytes[..]);
    let command = FrameDecoder::default()
        .decode(&mut buf)
        .unwrap_or_else(|e| panic!("{}: {e}", vector.name()))
        .unwrap_or_else(|| panic!("{}: incomplete frame", vector.name()));
    assert!(buf.is_empty(), "{}: bytes left after the frame", vector.name());
    command
}

fn assert_fields(vector: &Vector, command: &RemotingCommand) {
    let name = vector.name();
    assert_eq!(i64::from(command.code), vector.int("code"), "{name}: code");
    assert_eq!(
        command.language.name(),
        Some(vector.str("language")),
        "{name}: language"
    );
    assert_eq!(
        i64::from(command.version),
        vector.int("version"),
        "{name}: version"
    );
    assert_eq!(i64::from(command.opaque), vector.int("opaque"), "{name}: opaque");
    assert_eq!(i64::from(command.flag), vector.int("flag"), "{name}: flag");
    assert_eq!(
        command.remark.as_deref(),
        vector.expected["remark"].as_str(),
        "{name}: remark"
    );
    let ext_fields: Option<Vec<(String, String)>> = command
        .ext_fields
        .as_ref()
        .map(|f| f.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    let expected_ext = match &vector.expected["extFields"] {
        Value::Null => None,
        fields => Some(string_pairs(fields)),
    };
    assert_eq!(ext_fields, expected_ext, "{name}: extFields, in wire order");
    let form = match command.serialize_type {
        SerializeType::Json => "JSON",
        SerializeType::RocketMq => "ROCKETMQ",
    };
    assert_eq!(form, vector.str("serializeTypeCurrentRPC"), "{name}: header form");
    let body = (!command.body.is_empty()).then(|| hex_upper(&command.body));
    assert_eq!(
        body.as_deref(),
        vector.expected["bodyHex"].as_str(),
        "{name}: body"
    );
}

#[test]
fn java_frames_decode_to_java_fields() {
    for vector in vectors("command", "command") {
        assert_fields(&vector, &decode(&vector));
    }
}

#[test]
fn java_frames_reencode_byte_for_byte() {
    let exact: Vec<Vector> = vectors("command", "command")
        .into_iter()
        .filter(|v| v.exact_reencode)
        .collect();
    assert!(exact.len() >= 30, "most frames are deterministic");
    for vector in exact {
        let encoded = decode(&vector)
            .to_bytes()
            .unwrap_or_else(|e| panic!("{}: {e}", vector.name()));
        assert_eq!(hex_upper(&encoded), hex_upper(&vector.bytes), "{}", vector.name());
    }
}
