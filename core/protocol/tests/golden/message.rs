//! Stored message units written by the Java broker's encoder, batch bodies written by the Java client, bodies
//! compressed by Java's compressors, and tag hashes computed by Java.

use bytes::{Bytes, BytesMut};
use fulmen_protocol::message::{
    CompressionType, MessageExt, decode_all, decode_batch, decompress, encode_batch, java_string_hash_code,
    tags_code,
};
use serde_json::Value;

use super::support::{Vector, hex_upper, java_host, json_int, sorted_pairs, string_pairs, vectors};

const DECOMPRESS_LIMIT: usize = 8 << 20;

fn assert_unit(vector: &Vector, index: usize, ours: &MessageExt, java: &Value) {
    let name = format!("{} #{index}", vector.name());
    let int = |key: &str| json_int(&java[key]).unwrap_or_else(|| panic!("{name}: `{key}`"));
    assert_eq!(
        ours.offset_msg_id().to_string(),
        java["msgId"].as_str().unwrap_or_default(),
        "{name}: msgId"
    );
    assert_eq!(i64::from(ours.store_size), int("storeSize"), "{name}: storeSize");
    assert_eq!(i64::from(ours.body_crc), int("bodyCRC"), "{name}: bodyCRC");
    assert_eq!(i64::from(ours.queue_id), int("queueId"), "{name}: queueId");
    assert_eq!(i64::from(ours.flag), int("flag"), "{name}: flag");
    assert_eq!(ours.queue_offset, int("queueOffset"), "{name}: queueOffset");
    assert_eq!(
        ours.commit_log_offset,
        int("commitLogOffset"),
        "{name}: commitLogOffset"
    );
    assert_eq!(i64::from(ours.sys_flag), int("sysFlag"), "{name}: sysFlag");
    assert_eq!(ours.born_timestamp, int("bornTimestamp"), "{name}: bornTimestamp");
    assert_eq!(
        java_host(ours.born_host),
        java["bornHost"].as_str().unwrap_or_default(),
        "{name}: bornHost"
    );
    assert_eq!(
        ours.store_timestamp,
        int("storeTimestamp"),
        "{name}: storeTimestamp"
    );
    assert_eq!(
        java_host(ours.store_host),
        java["storeHost"].as_str().unwrap_or_default(),
        "{name}: storeHost"
    );
    assert_eq!(
        i64::from(ours.reconsume_times),
        int("reconsumeTimes"),
        "{name}: reconsumeTimes"
    );
    assert_eq!(
        ours.prepared_transaction_offset,
        int("preparedTransactionOffset"),
        "{name}: prepared offset"
    );
    assert_eq!(
        ours.topic,
        java["topic"].as_str().unwrap_or_default(),
        "{name}: topic"
    );
    let ours_props = ours
        .properties
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(
        sorted_pairs(ours_props),
        sorted_pairs(string_pairs(&java["properties"])),
        "{name}: properties"
    );
    assert_eq!(
        hex_upper(&ours.body),
        java["bodyHex"].as_str().unwrap_or_default(),
        "{name}: body"
    );
    let inflated = ours
        .decompressed_body(DECOMPRESS_LIMIT)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        hex_upper(&inflated),
        java["decompressedBodyHex"].as_str().unwrap_or_default(),
        "{name}: inflated"
    );
}

#[test]
fn java_message_units_decode_to_java_fields_and_reencode_exactly() {
    for vector in vectors("message", "messageUnits") {
        let units = decode_all(&Bytes::from(vector.bytes.clone()))
            .unwrap_or_else(|e| panic!("{}: {e}", vector.name()));
        let java = vector.expected["messages"].as_array().expect("messages");
        assert_eq!(units.len(), java.len(), "{}: unit count", vector.name());
        for (index, (ours, java)) in units.iter().zip(java).enumerate() {
            assert_unit(&vector, index, ours, java);
        }
        assert!(
            vector.exact_reencode,
            "{}: units are deterministic",
            vector.name()
        );
        let mut encoded = BytesMut::new();
        for unit in &units {
            unit.encode(&mut encoded)
                .unwrap_or_else(|e| panic!("{}: {e}", vector.name()));
        }
        if vector.name().ends_with("stored_from_batch.json") {
            // Java appends the batch's own properties to each stored message, so UNIQ_KEY and WAIT occur twice in
            // the properties string. Java reads them last-wins, as we do (checked above); a map cannot re-encode the
            // duplicates, so here the re-encoded units must decode to the same messages instead.
            let again = decode_all(&encoded.freeze()).expect("re-encoded units decode");
            let without_size = |m: &MessageExt| MessageExt {
                store_size: 0,
                ..m.clone()
            };
            assert_eq!(
                again.iter().map(without_size).collect::<Vec<_>>(),
                units.iter().map(without_size).collect::<Vec<_>>()
            );
            continue;
        }
        assert_eq!(
            hex_upper(&encoded),
            hex_upper(&vector.bytes),
            "{}: re-encoded",
            vector.name()
        );
    }
}

#[test]
fn java_batch_bodies_decode_and_reencode_exactly() {
    for vector in vectors("batch", "batchBody") {
        let entries = decode_batch(&Bytes::from(vector.bytes.clone()))
            .unwrap_or_else(|e| panic!("{}: {e}", vector.name()));
        let java = vector.expected["messages"].as_array().expect("messages");
        assert_eq!(entries.len(), java.len(), "{}", vector.name());
        for (entry, java) in entries.iter().zip(java) {
            assert_eq!(i64::from(entry.flag), java["flag"].as_i64().unwrap_or_default());
            assert_eq!(
                hex_upper(&entry.body),
                java["bodyHex"].as_str().unwrap_or_default()
            );
            let ours = entry
                .properties
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            assert_eq!(
                sorted_pairs(ours),
                sorted_pairs(string_pairs(&java["properties"])),
                "{}",
                vector.name()
            );
        }
        let mut encoded = BytesMut::new();
        encode_batch(&entries, &mut encoded).expect("encodes");
        assert_eq!(
            hex_upper(&encoded),
            hex_upper(&vector.bytes),
            "{}: re-encoded",
            vector.name()
        );
    }
}

#[test]
fn java_compressed_bodies_decompress() {
    for vector in vectors("compression", "compressed") {
        let kind: CompressionType = vector
            .compression_type
            .as_deref()
            .expect("compressionType")
            .parse()
            .expect("known type");
        let out = decompress(&vector.bytes, kind, DECOMPRESS_LIMIT)
            .unwrap_or_else(|e| panic!("{}: {e}", vector.name()));
        assert_eq!(hex_upper(&out), vector.str("inputHex"), "{}", vector.name());
        let too_small = decompress(&vector.bytes, kind, out.len() - 1);
        assert!(too_small.is_err(), "{}: the output limit holds", vector.name());
    }
}

#[test]
fn tag_hashes_match_java() {
    for vector in vectors("taghash", "tagHash") {
        let tag = vector.str("tag");
        assert_eq!(
            i64::from(java_string_hash_code(tag)),
            vector.int("stringHashCode"),
            "{}",
            vector.name()
        );
        assert_eq!(tags_code(Some(tag)), vector.int("tagsCode"), "{}", vector.name());
    }
}
