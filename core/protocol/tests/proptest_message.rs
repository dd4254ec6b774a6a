//! Property tests of the message formats: encode/decode round trips for properties, stored units, batches and
//! message ids, and "decoding arbitrary bytes never panics" for every decoder.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use bytes::{Bytes, BytesMut};
use fulmen_protocol::message::{
    BatchEntry, CompressionType, MessageExt, MessageSysFlag, MessageVersion, Properties, StoredUnit,
    compress, decode_all, decode_batch, decompress, unwrap_inner_batch,
};
use fulmen_protocol::msgid::{ClientMessageId, MessageIdGenerator, OffsetMessageId};
use proptest::prelude::*;

/// Text without the two separators (chars 1 and 2), non-empty.
fn separator_free_text(max_chars: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        any::<char>().prop_filter("no separator", |c| *c != '\u{1}' && *c != '\u{2}'),
        1..max_chars,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn properties() -> impl Strategy<Value = Properties> {
    proptest::collection::vec((separator_free_text(12), separator_free_text(24)), 0..8)
        .prop_map(|pairs| pairs.into_iter().collect())
}

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|octets| IpAddr::V4(Ipv4Addr::from(octets))),
        any::<[u8; 16]>().prop_map(|octets| IpAddr::V6(Ipv6Addr::from(octets))),
    ]
}

fn socket_addr() -> impl Strategy<Value = SocketAddr> {
    (ip(), any::<u16>()).prop_map(|(ip, port)| SocketAddr::new(ip, port))
}

fn body() -> impl Strategy<Value = Bytes> {
    proptest::collection::vec(any::<u8>(), 0..512).prop_map(Bytes::from)
}

fn topic() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9%_|-]{0,127}",
        "[a-z]{128,300}",
        proptest::collection::vec(any::<char>(), 0..40).prop_map(|chars| chars.into_iter().collect()),
    ]
}

prop_compose! {
    fn message_ext()(
        version in prop_oneof![Just(MessageVersion::V1), Just(MessageVersion::V2)],
        body_crc in any::<i32>(),
        queue_id in any::<i32>(),
        flag in any::<i32>(),
        queue_offset in any::<i64>(),
        commit_log_offset in any::<i64>(),
        sys_flag in any::<i32>(),
        born_timestamp in any::<i64>(),
        born_host in socket_addr(),
        store_timestamp in any::<i64>(),
        store_host in socket_addr(),
        reconsume_times in any::<i32>(),
        prepared_transaction_offset in any::<i64>(),
        body in body(),
        topic in topic(),
        properties in properties(),
    ) -> MessageExt {
        MessageExt {
            store_size: 0,
            version,
            body_crc,
            queue_id,
            flag,
            queue_offset,
            commit_log_offset,
            sys_flag,
            born_timestamp,
            born_host,
            store_timestamp,
            store_host,
            reconsume_times,
            prepared_transaction_offset,
            body,
            topic,
            properties,
        }
    }
}

fn batch_entry() -> impl Strategy<Value = BatchEntry> {
    (any::<i32>(), body(), properties()).prop_map(|(flag, body, properties)| BatchEntry {
        flag,
        body,
        properties,
    })
}

fn client_message_id() -> impl Strategy<Value = ClientMessageId> {
    (ip(), any::<u16>(), any::<u32>(), any::<u32>(), any::<u16>()).prop_map(
        |(ip, pid, salt, millis_since_month_start, counter)| ClientMessageId {
            ip,
            pid,
            salt,
            millis_since_month_start,
            counter,
        },
    )
}

/// Arbitrary bytes, and arbitrary bytes behind a plausible unit head so that decoders get past the magic code.
fn unit_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    let head = prop_oneof![
        Just(0xDAA3_20A7_u32),
        Just(0xDAA3_20AB_u32),
        Just(0xCBD4_3194_u32),
        any::<u32>()
    ];
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        (0u32..400, head, proptest::collection::vec(any::<u8>(), 0..400)).prop_map(|(total, magic, rest)| {
            let mut bytes = total.to_be_bytes().to_vec();
            bytes.extend_from_slice(&magic.to_be_bytes());
            bytes.extend_from_slice(&rest);
            bytes
        }),
    ]
}

proptest! {
    #[test]
    fn properties_round_trip(properties in properties()) {
        let text = properties.encode().unwrap();
        prop_assert_eq!(text.len(), properties.encoded_len());
        prop_assert_eq!(Properties::decode(&text), properties.clone());
        let mut buf = BytesMut::new();
        properties.encode_into(&mut buf).unwrap();
        prop_assert_eq!(Properties::decode_bytes(&buf).unwrap(), properties);
    }

    #[test]
    fn message_ext_round_trips(message in message_ext()) {
        let bytes = message.to_bytes().unwrap();
        prop_assert_eq!(bytes.len(), message.encoded_len().unwrap());
        let (decoded, len) = MessageExt::decode(&bytes).unwrap();
        prop_assert_eq!(len, bytes.len());
        let expected = MessageExt {
            store_size: len as i32,
            version: message.effective_version(),
            sys_flag: message.effective_sys_flag(),
            ..message.clone()
        };
        prop_assert_eq!(&decoded, &expected);
        prop_assert_eq!(decoded.to_bytes().unwrap(), bytes.clone(), "a decoded unit re-encodes byte for byte");
        let offset_msg_id = decoded.offset_msg_id().to_string();
        prop_assert_eq!(offset_msg_id.parse::<OffsetMessageId>().unwrap(), message.offset_msg_id());
        let (unit, unit_len) = StoredUnit::decode(&bytes).unwrap();
        prop_assert_eq!(unit, StoredUnit::Message(expected));
        prop_assert_eq!(unit_len, len);
    }

    #[test]
    fn pull_bodies_round_trip(messages in proptest::collection::vec(message_ext(), 0..4)) {
        let mut body = BytesMut::new();
        for message in &messages {
            message.encode(&mut body).unwrap();
        }
        let decoded = decode_all(&body.freeze()).unwrap();
        prop_assert_eq!(decoded.len(), messages.len());
        for (decoded, message) in decoded.iter().zip(&messages) {
            prop_assert_eq!(&decoded.body, &message.body);
            prop_assert_eq!(&decoded.topic, &message.topic);
            prop_assert_eq!(&decoded.properties, &message.properties);
        }
    }

    #[test]
    fn batches_round_trip(entries in proptest::collection::vec(batch_entry(), 0..6)) {
        let mut body = BytesMut::new();
        fulmen_protocol::message::encode_batch(&entries, &mut body).unwrap();
        let body = body.freeze();
        prop_assert_eq!(decode_batch(&body).unwrap(), entries.clone());
        let (first, len) = match entries.first() {
            Some(_) => BatchEntry::decode(&body).unwrap(),
            None => (BatchEntry::default(), 0),
        };
        prop_assert_eq!(len, entries.first().map(|e| e.encoded_len().unwrap()).unwrap_or(0));
        if let Some(entry) = entries.first() {
            prop_assert_eq!(&first, entry);
        }
        let sys_flag = MessageSysFlag::INNER_BATCH | MessageSysFlag::NEED_UNWRAP;
        let outer = MessageExt { body, sys_flag, ..MessageExt::default() };
        prop_assert_eq!(unwrap_inner_batch(&outer).unwrap().len(), entries.len());
    }

    #[test]
    fn client_message_ids_round_trip(id in client_message_id()) {
        let text = id.to_string();
        prop_assert_eq!(text.len(), if id.ip.is_ipv4() { 32 } else { 56 });
        prop_assert!(text.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
        prop_assert_eq!(ClientMessageId::parse(&text).unwrap(), id);
        prop_assert_eq!(ClientMessageId::parse(&text.to_ascii_lowercase()).unwrap(), id);
    }

    #[test]
    fn generated_ids_parse_back(ip in ip(), pid in any::<u32>(), salt in any::<u32>(), now in any::<i64>()) {
        let generator = MessageIdGenerator::new(ip, pid, salt);
        let first = ClientMessageId::parse(&generator.next_id(now)).unwrap();
        let second = generator.next(now);
        prop_assert_eq!(first.ip, ip);
        prop_assert_eq!(first.pid, pid as u16);
        prop_assert_eq!(first.salt, salt);
        prop_assert_eq!(first.millis_since_month_start, second.millis_since_month_start);
        prop_assert_eq!(second.counter, first.counter.wrapping_add(1));
    }

    #[test]
    fn offset_message_ids_round_trip(store_host in socket_addr(), commit_log_offset in any::<i64>()) {
        let id = OffsetMessageId::new(store_host, commit_log_offset);
        let text = id.to_string();
        prop_assert_eq!(text.len(), if store_host.is_ipv4() { 32 } else { 56 });
        prop_assert_eq!(OffsetMessageId::parse(&text).unwrap(), id);
    }

    #[test]
    fn compression_round_trips(body in proptest::collection::vec(any::<u8>(), 0..2048), level in 1..=9) {
        for compression in [CompressionType::Zlib, CompressionType::Lz4, CompressionType::Zstd] {
            let packed = compress(&body, compression, level).unwrap();
            prop_assert_eq!(decompress(&packed, compression, body.len()).unwrap(), body.clone());
        }
    }

    #[test]
    fn unit_decoders_never_panic(bytes in unit_like_bytes()) {
        let bytes = Bytes::from(bytes);
        let _ = MessageExt::decode(&bytes);
        let _ = StoredUnit::decode(&bytes);
        let _ = decode_all(&bytes);
    }

    #[test]
    fn damaged_units_never_panic(
        message in message_ext(),
        damage in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = message.to_bytes().unwrap().to_vec();
        for (at, value) in damage {
            let at = at.index(bytes.len());
            bytes[at] = value;
        }
        bytes.truncate(bytes.len() - cut.index(bytes.len() / 4 + 1));
        let bytes = Bytes::from(bytes);
        let _ = MessageExt::decode(&bytes);
        let _ = StoredUnit::decode(&bytes);
        let _ = decode_all(&bytes);
    }

    #[test]
    fn batch_and_properties_decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let bytes = Bytes::from(bytes);
        let _ = decode_batch(&bytes);
        let _ = BatchEntry::decode(&bytes);
        let _ = Properties::decode_bytes(&bytes);
        let _ = Properties::decode(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn id_parsers_never_panic(text in prop_oneof![
        ".{0,60}",
        "[0-9A-Fa-f]{32}",
        "[0-9A-Fa-f]{56}",
        "[0-9A-Fa-fé]{30,33}",
    ]) {
        let _ = ClientMessageId::parse(&text);
        let _ = OffsetMessageId::parse(&text);
    }

    #[test]
    fn decompressors_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..256),
        limit in 0usize..4096,
    ) {
        for compression in [CompressionType::Zlib, CompressionType::Lz4, CompressionType::Zstd] {
            if let Ok(output) = decompress(&bytes, compression, limit) {
                prop_assert!(output.len() <= limit);
            }
        }
    }
}

#[test]
fn valid_frame_headers_with_garbage_never_panic_either() {
    // Well-formed compressed heads followed by garbage reach deeper into the decoders than random bytes do.
    let body = vec![42u8; 10_000];
    for compression in [CompressionType::Zlib, CompressionType::Lz4, CompressionType::Zstd] {
        let packed = compress(&body, compression, 5).unwrap();
        for cut in 0..packed.len().min(64) {
            let mut damaged = packed.clone();
            damaged.truncate(packed.len() - cut);
            if let Some(byte) = damaged.get_mut(cut.min(packed.len().saturating_sub(1))) {
                *byte ^= 0x5A;
            }
            if let Ok(output) = decompress(&damaged, compression, body.len()) {
                assert!(output.len() <= body.len());
            }
        }
    }
}
