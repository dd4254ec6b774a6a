//! Property tests of the JSON bodies: encoding then decoding gives the same value in both fastjson styles, and
//! the fastjson reader never panics, whatever bytes it is given.

use std::collections::BTreeMap;

use fulmen_protocol::body::{
    BrokerData, ClusterInfo, ConsumeFromWhere, ConsumeStats, ConsumeType, ConsumerConnection, ConsumerData,
    ExpressionType, HeartbeatData, JsonBody, LockBatchRequestBody, MessageModel, MessageQueue, OffsetWrapper,
    ProducerData, QueueData, RegisterBrokerBody, ResetOffsetBody, SubscriptionData, TopicRouteData,
    TopicStatsTable,
};
use fulmen_protocol::fastjson::{self, JsonStyle};
use indexmap::{IndexMap, IndexSet};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;

const STYLES: [JsonStyle; 2] = [JsonStyle::Fastjson, JsonStyle::BrowserCompatible];

/// Plain names plus arbitrary Unicode (control characters, quotes, `/`, astral planes...).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9%@#:._-]{0,12}",
        vec(any::<char>(), 0..8).prop_map(|chars| chars.into_iter().collect()),
    ]
}

fn queue_data() -> impl Strategy<Value = QueueData> {
    (text(), any::<i32>(), any::<i32>(), any::<i32>(), any::<i32>()).prop_map(
        |(broker_name, read_queue_nums, write_queue_nums, perm, topic_sys_flag)| QueueData {
            broker_name,
            read_queue_nums,
            write_queue_nums,
            perm,
            topic_sys_flag,
        },
    )
}

fn broker_data() -> impl Strategy<Value = BrokerData> {
    (
        text(),
        text(),
        btree_map(any::<i64>(), text(), 0..4),
        option::of(text()),
        any::<bool>(),
    )
        .prop_map(
            |(cluster, broker_name, broker_addrs, zone_name, enable_acting_master)| BrokerData {
                cluster,
                broker_name,
                broker_addrs,
                zone_name,
                enable_acting_master,
            },
        )
}

fn opaque_mapping() -> impl Strategy<Value = serde_json::Value> {
    (text(), any::<i32>(), btree_map(any::<i32>(), any::<i32>(), 0..3)).prop_map(|(topic, epoch, ids)| {
        let ids: serde_json::Map<String, serde_json::Value> =
            ids.into_iter().map(|(k, v)| (k.to_string(), v.into())).collect();
        serde_json::json!({ "topic": topic, "epoch": epoch, "currIdMap": ids, "dirty": false })
    })
}

fn route() -> impl Strategy<Value = TopicRouteData> {
    (
        option::of(text()),
        vec(queue_data(), 0..4),
        vec(broker_data(), 0..4),
        vec((text(), vec(text(), 0..3)), 0..3),
        option::of(vec((text(), opaque_mapping()), 0..3)),
    )
        .prop_map(
            |(order_topic_conf, queue_datas, broker_datas, filter_servers, mappings)| TopicRouteData {
                order_topic_conf,
                queue_datas,
                broker_datas,
                filter_server_table: filter_servers.into_iter().collect(),
                topic_queue_mapping_by_broker: mappings.map(|m| m.into_iter().collect()),
            },
        )
}

/// Known constants, plus unknown names (prefixed so they never collide with a known one).
fn java_name<T: 'static + Clone + std::fmt::Debug>(
    known: &'static [T],
    from_name: fn(&str) -> T,
) -> impl Strategy<Value = T> {
    prop_oneof![
        proptest::sample::select(known),
        "[A-Z_]{0,10}".prop_map(move |name| from_name(&format!("X{name}"))),
    ]
}

fn subscription() -> impl Strategy<Value = SubscriptionData> {
    (
        any::<bool>(),
        text(),
        text(),
        vec(text(), 0..4),
        vec(any::<i32>(), 0..4),
        any::<i64>(),
        java_name(ExpressionType::KNOWN, ExpressionType::from_name),
    )
        .prop_map(
            |(class_filter_mode, topic, sub_string, tags, codes, sub_version, expression_type)| {
                SubscriptionData {
                    class_filter_mode,
                    topic,
                    sub_string,
                    tags_set: tags.into_iter().collect::<IndexSet<_>>(),
                    code_set: codes.into_iter().collect::<IndexSet<_>>(),
                    sub_version,
                    expression_type,
                }
            },
        )
}

fn consumer_data() -> impl Strategy<Value = ConsumerData> {
    (
        text(),
        java_name(ConsumeType::KNOWN, ConsumeType::from_name),
        java_name(MessageModel::KNOWN, MessageModel::from_name),
        java_name(ConsumeFromWhere::KNOWN, ConsumeFromWhere::from_name),
        vec(subscription(), 0..3),
        any::<bool>(),
    )
        .prop_map(
            |(
                group_name,
                consume_type,
                message_model,
                consume_from_where,
                subscription_data_set,
                unit_mode,
            )| {
                ConsumerData {
                    group_name,
                    consume_type,
                    message_model,
                    consume_from_where,
                    subscription_data_set,
                    unit_mode,
                }
            },
        )
}

fn heartbeat() -> impl Strategy<Value = HeartbeatData> {
    (
        text(),
        vec(text(), 0..3),
        vec(consumer_data(), 0..3),
        any::<i32>(),
        any::<bool>(),
    )
        .prop_map(
            |(client_id, producers, consumer_data_set, heartbeat_fingerprint, without_sub)| HeartbeatData {
                client_id,
                producer_data_set: producers
                    .into_iter()
                    .map(|group_name| ProducerData { group_name })
                    .collect(),
                consumer_data_set,
                heartbeat_fingerprint,
                without_sub,
            },
        )
}

fn message_queue() -> impl Strategy<Value = MessageQueue> {
    (text(), text(), any::<i32>()).prop_map(|(topic, broker, id)| MessageQueue::new(topic, broker, id))
}

/// Doubles with at most ten significant digits: serde_json (without `float_roundtrip`) reads those back exactly.
fn tps() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(1.0e20),
        (any::<i32>(), 0i32..8).prop_map(|(mantissa, scale)| f64::from(mantissa) / 10f64.powi(scale)),
    ]
}

fn consume_stats() -> impl Strategy<Value = ConsumeStats> {
    let offsets =
        (any::<i64>(), any::<i64>(), any::<i64>(), any::<i64>()).prop_map(|(b, c, p, t)| OffsetWrapper {
            broker_offset: b,
            consumer_offset: c,
            pull_offset: p,
            last_timestamp: t,
        });
    (vec((message_queue(), offsets), 0..5), tps()).prop_map(|(table, consume_tps)| ConsumeStats {
        offset_table: table.into_iter().collect::<IndexMap<_, _>>(),
        consume_tps,
    })
}

fn assert_round_trip<T: JsonBody + PartialEq + std::fmt::Debug>(value: &T) {
    for style in STYLES {
        let bytes = value.encode_with(style).expect("bodies always encode");
        let back = T::decode(&bytes)
            .unwrap_or_else(|e| panic!("{style:?} {e}: {}", String::from_utf8_lossy(&bytes)));
        assert_eq!(&back, value, "{style:?}: {}", String::from_utf8_lossy(&bytes));
    }
}

proptest! {
    #[test]
    fn route_data_round_trips(route in route()) {
        assert_round_trip(&route);
    }

    #[test]
    fn heartbeat_round_trips(heartbeat in heartbeat()) {
        assert_round_trip(&heartbeat);
    }

    #[test]
    fn consume_stats_round_trip(stats in consume_stats()) {
        assert_round_trip(&stats);
    }

    #[test]
    fn reset_offsets_round_trip(table in vec((message_queue(), any::<i64>()), 0..5)) {
        assert_round_trip(&ResetOffsetBody { offset_table: table.into_iter().collect() });
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..512)) {
        decode_everything(&bytes);
    }

    #[test]
    fn json_like_token_soup_never_panics(tokens in vec(token(), 0..64)) {
        decode_everything(tokens.concat().as_bytes());
    }

    #[test]
    fn mutated_bodies_never_panic(route in route(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = route.encode().unwrap();
        if !bytes.is_empty() {
            let at = cut.index(bytes.len());
            bytes[at] = byte;
            decode_everything(&bytes);
            decode_everything(&bytes[..at]);
        }
    }
}

/// Fragments that steer random input into the reader's interesting paths.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "\"",
            "'",
            "\\",
            "\\u",
            "\\x",
            "D83D",
            "-",
            ".",
            "e",
            "0",
            "7",
            "L",
            " ",
            "null",
            "true",
            "$ref",
            "Set",
            "{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"T\"}",
            "\u{e9}",
            "\u{1f600}",
        ])
        .prop_map(str::to_owned),
        "[a-z0-9]{1,4}",
    ]
}

fn decode_everything(bytes: &[u8]) {
    let _ = fastjson::to_standard_json(bytes);
    let _ = fastjson::from_slice::<serde_json::Value>(bytes);
    let _ = fastjson::from_slice::<BTreeMap<i64, String>>(bytes);
    let _ = fastjson::from_slice::<IndexMap<MessageQueue, i64>>(bytes);
    let _ = TopicRouteData::decode(bytes);
    let _ = ClusterInfo::decode(bytes);
    let _ = HeartbeatData::decode(bytes);
    let _ = ConsumerConnection::decode(bytes);
    let _ = ConsumeStats::decode(bytes);
    let _ = TopicStatsTable::decode(bytes);
    let _ = ResetOffsetBody::decode(bytes);
    let _ = LockBatchRequestBody::decode(bytes);
    let _ = RegisterBrokerBody::decode(bytes);
    let _ = RegisterBrokerBody::decode_for(bytes, true, fulmen_protocol::Version::V5_3_3);
}

#[test]
fn absurd_nesting_is_refused_without_overflowing_the_stack() {
    for open in ["[", "{", "{\"a\":", "{{", "[{\"a\":["] {
        let text = open.repeat(100_000);
        assert!(fastjson::to_standard_json(text.as_bytes()).is_err());
        decode_everything(text.as_bytes());
    }
}

#[test]
fn writer_and_reader_agree_on_generic_values() {
    let value = serde_json::json!({
        "z": [1, -2, 9_007_199_254_740_993_i64, "\u{1}/é", null, {"k": true}],
        "a": {"nested": {"deeper": []}},
        "f": 0.5,
    });
    for style in STYLES {
        let text = fastjson::to_string(&value, style).unwrap();
        let back: serde_json::Value = fastjson::from_str(&text).unwrap();
        let expected_big = if style == JsonStyle::Fastjson {
            serde_json::json!(9_007_199_254_740_993_i64)
        } else {
            serde_json::json!("9007199254740993")
        };
        assert_eq!(back["z"][2], expected_big, "{text}");
        assert_eq!(back["z"][3], "\u{1}/é");
        assert_eq!(back["a"], value["a"]);
        assert_eq!(back["f"], 0.5);
    }
}
