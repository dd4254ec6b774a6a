use std::net::SocketAddr;

use bytes::{BufMut, Bytes, BytesMut};

use super::*;
use crate::message::ext::body_crc;
use crate::message::keys;
use crate::message::version::{MAGIC_CODE_V1, MAGIC_CODE_V2};

fn sample() -> MessageExt {
    let mut properties = Properties::new();
    properties.insert(keys::TAGS, "TagA");
    properties.insert(
        keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
        "7F000001A3E530F399910F2AB16903E1",
    );
    let body = Bytes::from_static(b"Hello RocketMQ");
    MessageExt {
        store_size: 0,
        version: MessageVersion::V1,
        body_crc: body_crc(&body),
        queue_id: 3,
        flag: 7,
        queue_offset: 42,
        commit_log_offset: 190_552,
        sys_flag: 0,
        born_timestamp: 1_756_939_256_169,
        born_host: "10.0.0.7:52000".parse().unwrap(),
        store_timestamp: 1_756_939_256_200,
        store_host: "192.168.191.135:10911".parse().unwrap(),
        reconsume_times: 1,
        prepared_transaction_offset: 0,
        body,
        topic: "TopicTest".into(),
        properties,
    }
}

/// The unit of `sample()` written field by field, independently of the encoder.
fn sample_bytes() -> Vec<u8> {
    let message = sample();
    let properties = "TAGS\u{1}TagA\u{2}UNIQ_KEY\u{1}7F000001A3E530F399910F2AB16903E1\u{2}";
    let mut b = BytesMut::new();
    b.put_i32((91 + 14 + 9 + properties.len()) as i32);
    b.put_i32(MAGIC_CODE_V1);
    b.put_i32(message.body_crc);
    b.put_i32(3);
    b.put_i32(7);
    b.put_i64(42);
    b.put_i64(190_552);
    b.put_i32(0);
    b.put_i64(1_756_939_256_169);
    b.put_slice(&[10, 0, 0, 7]);
    b.put_i32(52000);
    b.put_i64(1_756_939_256_200);
    b.put_slice(&[192, 168, 191, 135]);
    b.put_i32(10911);
    b.put_i32(1);
    b.put_i64(0);
    b.put_i32(14);
    b.put_slice(b"Hello RocketMQ");
    b.put_u8(9);
    b.put_slice(b"TopicTest");
    b.put_i16(properties.len() as i16);
    b.put_slice(properties.as_bytes());
    b.to_vec()
}

#[test]
fn encodes_the_documented_layout() {
    let expected = sample_bytes();
    let encoded = sample().to_bytes().unwrap();
    assert_eq!(&encoded[..], &expected[..]);
    assert_eq!(sample().encoded_len().unwrap(), expected.len());
}

#[test]
fn decodes_and_reencodes_byte_for_byte() {
    let src = Bytes::from(sample_bytes());
    let (message, len) = MessageExt::decode(&src).unwrap();
    assert_eq!(len, src.len());
    assert_eq!(
        message,
        MessageExt {
            store_size: len as i32,
            ..sample()
        }
    );
    assert_eq!(
        message.offset_msg_id().to_string(),
        "C0A8BF8700002A9F000000000002E858"
    );
    assert!(message.body_crc_matches());
    assert_eq!(message.to_bytes().unwrap(), src);
    // The body is a view of the input, not a copy.
    let body_at = message.body.as_ptr() as usize - src.as_ptr() as usize;
    assert_eq!(body_at, 88);
}

#[test]
fn sizes_follow_the_formula() {
    let mut message = sample();
    let base = message.encoded_len().unwrap();
    message.born_host = "[fe80::1]:1".parse().unwrap();
    assert_eq!(message.encoded_len().unwrap(), base + 12);
    message.store_host = "[::1]:10911".parse().unwrap();
    assert_eq!(message.encoded_len().unwrap(), base + 24);
    message.version = MessageVersion::V2;
    assert_eq!(message.encoded_len().unwrap(), base + 25);

    let bytes = message.to_bytes().unwrap();
    assert_eq!(i32::from_be_bytes(bytes[4..8].try_into().unwrap()), MAGIC_CODE_V2);
    let sys_flag = i32::from_be_bytes(bytes[36..40].try_into().unwrap());
    assert_eq!(
        sys_flag,
        MessageSysFlag::BORNHOST_V6 | MessageSysFlag::STOREHOSTADDRESS_V6
    );
    let (decoded, _) = MessageExt::decode(&bytes).unwrap();
    assert_eq!(decoded.born_host, message.born_host);
    assert_eq!(decoded.store_host, message.store_host);
    assert_eq!(decoded.version, MessageVersion::V2);
    assert_eq!(
        decoded.offset_msg_id().to_string(),
        "00000000000000000000000000000001".to_owned() + "00002A9F" + "000000000002E858"
    );
}

#[test]
fn long_topics_switch_to_version_2() {
    let mut message = sample();
    message.topic = "t".repeat(127);
    assert_eq!(message.effective_version(), MessageVersion::V1);
    message.topic = "t".repeat(128);
    assert_eq!(message.effective_version(), MessageVersion::V2);
    let bytes = message.to_bytes().unwrap();
    let (decoded, _) = MessageExt::decode(&bytes).unwrap();
    assert_eq!(decoded.topic, message.topic);
    assert_eq!(decoded.version, MessageVersion::V2);
    message.topic = "t".repeat(32_768);
    assert!(message.to_bytes().is_err());
}

#[test]
fn oversized_properties_are_refused() {
    let mut message = sample();
    message.properties = Properties::new();
    message.properties.insert("k", "v".repeat(32_767 - 3));
    assert_eq!(message.properties.encoded_len(), 32_767);
    assert!(message.to_bytes().is_ok());
    message.properties.insert("k", "v".repeat(32_767 - 2));
    let mut dst = BytesMut::from(&b"keep"[..]);
    assert!(message.encode(&mut dst).is_err());
    assert_eq!(&dst[..], b"keep", "nothing written on error");
    message.properties = Properties::new();
    message.properties.insert("bad", "a\u{2}b");
    assert!(message.to_bytes().is_err());
}

#[test]
fn blank_units_are_reported() {
    let mut b = BytesMut::new();
    b.put_i32(4096);
    b.put_i32(BLANK_MAGIC_CODE);
    let src = b.freeze();
    assert_eq!(StoredUnit::decode(&src).unwrap(), (StoredUnit::Blank, 4096));
    assert!(MessageExt::decode(&src).is_err());
    assert!(decode_all(&src).is_err());
    let (unit, len) = StoredUnit::decode(&Bytes::from(sample_bytes())).unwrap();
    assert!(matches!(unit, StoredUnit::Message(_)));
    assert_eq!(len, sample_bytes().len());
}

#[test]
fn decodes_a_pull_body() {
    let mut body = BytesMut::new();
    let mut second = sample();
    second.queue_offset = 43;
    second.topic = "x".repeat(200);
    second.store_host = "[2001:db8::1]:10911".parse().unwrap();
    sample().encode(&mut body).unwrap();
    second.encode(&mut body).unwrap();
    sample().encode(&mut body).unwrap();
    let body = body.freeze();
    let messages = decode_all(&body).unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[1].queue_offset, 43);
    assert_eq!(messages[1].topic.len(), 200);
    assert_eq!(messages[1].store_host, second.store_host);
    assert_eq!(messages[2].body, sample().body);
    assert!(decode_all(&Bytes::new()).unwrap().is_empty());
    // A cut-off last unit is an error.
    assert!(decode_all(&body.slice(..body.len() - 1)).is_err());
}

fn with_i32_at(mut bytes: Vec<u8>, at: usize, value: i32) -> Bytes {
    bytes[at..at + 4].copy_from_slice(&value.to_be_bytes());
    Bytes::from(bytes)
}

#[test]
fn malformed_units_are_errors() {
    let good = sample_bytes();
    let len = good.len();
    let expect_invalid = |src: Bytes, why: &str| match MessageExt::decode(&src) {
        Err(ProtocolError::Invalid { .. }) => {}
        other => panic!("{why}: {other:?}"),
    };
    // Truncated input: UnexpectedEnd, so that a stream reader can wait for more.
    for cut in [0, 3, 7, 8, 50, len - 1] {
        assert!(
            matches!(
                MessageExt::decode(&Bytes::from(good[..cut].to_vec())),
                Err(ProtocolError::UnexpectedEnd { .. })
            ),
            "cut at {cut}"
        );
    }
    expect_invalid(with_i32_at(good.clone(), 0, -1), "negative TOTALSIZE");
    expect_invalid(
        with_i32_at(good.clone(), 0, len as i32 - 1),
        "TOTALSIZE too small",
    );
    let mut longer = good.clone();
    longer.push(0);
    expect_invalid(with_i32_at(longer, 0, len as i32 + 1), "TOTALSIZE too large");
    expect_invalid(with_i32_at(good.clone(), 4, 0x1234_5678), "bad magic");
    expect_invalid(with_i32_at(good.clone(), 84, -1), "negative body length");
    expect_invalid(with_i32_at(good.clone(), 84, 1 << 20), "body past TOTALSIZE");
    expect_invalid(with_i32_at(good.clone(), 52, 70_000), "born port out of range");
    expect_invalid(
        with_i32_at(good.clone(), 36, MessageSysFlag::BORNHOST_V6),
        "v6 flag on a v4 unit",
    );
    let mut bad_topic = good.clone();
    bad_topic[88 + 14] = 0x80; // topic length -128
    expect_invalid(Bytes::from(bad_topic), "negative v1 topic length");
    let mut bad_utf8 = good.clone();
    bad_utf8[88 + 14 + 1] = 0xFF;
    expect_invalid(Bytes::from(bad_utf8), "topic not UTF-8");
    let mut bad_properties = good.clone();
    bad_properties[len - 1] = 0xFF;
    expect_invalid(Bytes::from(bad_properties), "properties not UTF-8");
    let props_at = 88 + 14 + 1 + 9;
    let mut negative_properties = good.clone();
    negative_properties[props_at..props_at + 2].copy_from_slice(&(-1i16).to_be_bytes());
    expect_invalid(Bytes::from(negative_properties), "negative properties length");
}

#[test]
fn decodes_units_that_are_not_at_the_start() {
    let mut src = BytesMut::new();
    src.put_slice(&sample_bytes());
    src.put_slice(&sample_bytes());
    let src = src.freeze();
    let messages = decode_all(&src).unwrap();
    assert_eq!(messages[1].body, sample().body);
    assert_eq!(
        messages[1].body.as_ptr() as usize - src.as_ptr() as usize,
        sample_bytes().len() + 88
    );
    let store_host: SocketAddr = "192.168.191.135:10911".parse().unwrap();
    assert_eq!(messages[1].store_host, store_host);
}
