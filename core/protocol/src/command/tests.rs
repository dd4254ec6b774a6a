//! Unit tests of command encoding and decoding in both header forms.

use bytes::{Bytes, BytesMut};

use super::*;
use crate::frame::FrameDecoder;

fn route_request() -> RemotingCommand {
    let mut cmd = RemotingCommand::request(RequestCode::GET_ROUTEINFO_BY_TOPIC).with_opaque(1);
    cmd.language = LanguageCode::JAVA;
    cmd.set_ext_field("topic", "T");
    cmd
}

fn round_trip(cmd: &RemotingCommand) -> RemotingCommand {
    let mut buf = BytesMut::new();
    cmd.encode(&mut buf).unwrap();
    let decoded = FrameDecoder::default().decode(&mut buf).unwrap().unwrap();
    assert!(buf.is_empty());
    decoded
}

#[test]
fn binary_header_matches_the_worked_example() {
    let cmd = route_request().with_serialize_type(SerializeType::RocketMq);
    let expected = "000000250100002100690001DF0000000100000000000000000000000C0005746F7069630000000154";
    let encoded = cmd.to_bytes().unwrap();
    assert_eq!(hex_upper(&encoded), expected);
    assert_eq!(round_trip(&cmd), cmd);
}

#[test]
fn json_header_is_written_like_fastjson() {
    let cmd = route_request().with_body(Bytes::from_static(b"xyz"));
    let encoded = cmd.to_bytes().unwrap();
    let header_len = u32::from_be_bytes(encoded[4..8].try_into().unwrap()) as usize;
    assert_eq!(
        std::str::from_utf8(&encoded[8..8 + header_len]).unwrap(),
        r#"{"code":105,"extFields":{"topic":"T"},"flag":0,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":479}"#
    );
    assert_eq!(&encoded[8 + header_len..], b"xyz");
    assert_eq!(round_trip(&cmd), cmd);
}

#[test]
fn responses_copy_the_opaque_and_carry_the_remark_in_both_forms() {
    let request = route_request().with_opaque(77);
    for form in [SerializeType::Json, SerializeType::RocketMq] {
        let response = RemotingCommand::response_to(&request, ResponseCode::TOPIC_NOT_EXIST, None)
            .with_remark("no route \u{1} for \"T\"")
            .with_serialize_type(form);
        assert!(response.is_response());
        assert!(!response.is_oneway());
        assert_eq!(response.opaque, 77);
        assert_eq!(round_trip(&response), response);
    }
}

#[test]
fn codes_over_16_bits_fall_back_to_json() {
    let cmd = RemotingCommand::request(RequestCode::POP_MESSAGE).with_serialize_type(SerializeType::RocketMq);
    let decoded = round_trip(&cmd);
    assert_eq!(decoded.code, 200_050);
    assert_eq!(decoded.serialize_type, SerializeType::Json);
}

#[test]
fn oneway_flag_survives() {
    let cmd = route_request().into_oneway();
    assert!(round_trip(&cmd).is_oneway());
}

#[test]
fn json_decoding_tolerates_go_style_and_unknown_keys() {
    let header = br#"{"code":10,"language":"GO","version":317,"opaque":5,"flag":0,"remark":"","extFields":{"a":"1","n":2,"z":null},"extra":[1]}"#;
    let mut frame = Vec::new();
    frame.extend_from_slice(&(header.len() as u32 + 4).to_be_bytes());
    frame.extend_from_slice(&(header.len() as u32).to_be_bytes());
    frame.extend_from_slice(header);
    let cmd = RemotingCommand::decode(Bytes::from(frame)).unwrap();
    assert_eq!(cmd.language, LanguageCode::GO);
    assert_eq!(cmd.ext_field("a"), Some("1"));
    assert_eq!(cmd.ext_field("n"), Some("2"));
    assert_eq!(cmd.ext_field("z"), None);
    assert_eq!(cmd.remark.as_deref(), Some(""));
}

#[test]
fn malformed_frames_are_errors_not_panics() {
    let decoder = FrameDecoder::default();
    // total length below 4
    assert!(
        decoder
            .decode(&mut BytesMut::from(&[0, 0, 0, 2, 0, 0][..]))
            .is_err()
    );
    // negative total length
    assert!(decoder.decode(&mut BytesMut::from(&[0xFF, 0, 0, 0][..])).is_err());
    // over the limit, refused before the body arrives
    let err = FrameDecoder::new(1024)
        .decode(&mut BytesMut::from(&[0, 0, 4, 0][..]))
        .unwrap_err();
    assert!(matches!(
        err,
        ProtocolError::FrameTooLarge {
            length: 1028,
            max: 1024
        }
    ));
    // header longer than the frame
    assert!(
        decoder
            .decode(&mut BytesMut::from(&[0, 0, 0, 6, 0, 0, 0, 9, b'{', b'}'][..]))
            .is_err()
    );
    // unknown serialize type
    assert!(
        decoder
            .decode(&mut BytesMut::from(&[0, 0, 0, 6, 7, 0, 0, 2, b'{', b'}'][..]))
            .is_err()
    );
    // invalid JSON
    assert!(
        decoder
            .decode(&mut BytesMut::from(&[0, 0, 0, 6, 0, 0, 0, 2, b'{', b'x'][..]))
            .is_err()
    );
    // a JSON header that is not an object
    assert!(
        decoder
            .decode(&mut BytesMut::from(&[0, 0, 0, 6, 0, 0, 0, 2, b'[', b']'][..]))
            .is_err()
    );
    // truncated binary header
    assert!(
        decoder
            .decode(&mut BytesMut::from(&[0, 0, 0, 7, 1, 0, 0, 3, 0, 1, 0][..]))
            .is_err()
    );
}

#[test]
fn partial_frames_wait_for_more_bytes() {
    let encoded = route_request().to_bytes().unwrap();
    let decoder = FrameDecoder::default();
    let mut buf = BytesMut::new();
    for (i, byte) in encoded.iter().enumerate() {
        buf.extend_from_slice(&[*byte]);
        let result = decoder.decode(&mut buf).unwrap();
        assert_eq!(result.is_some(), i == encoded.len() - 1);
    }
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[test]
fn a_failed_encode_appends_nothing() {
    let mut cmd = route_request().with_serialize_type(SerializeType::RocketMq);
    cmd.set_ext_field("k".repeat(40_000), "v"); // binary ext keys have a 16-bit length
    let mut buf = BytesMut::from(&b"earlier"[..]);
    assert!(cmd.encode(&mut buf).is_err());
    assert_eq!(&buf[..], b"earlier");
}

#[test]
fn decode_reads_what_to_bytes_writes() {
    let cmd = route_request().with_body(Bytes::from_static(b"body"));
    let frame = cmd.to_bytes().unwrap();
    assert_eq!(RemotingCommand::decode(frame.clone()).unwrap(), cmd);
    let truncated = frame.slice(..frame.len() - 1);
    assert!(
        RemotingCommand::decode(truncated).is_err(),
        "the length prefix must match the frame"
    );
}
