//! JSON bodies written by the Java classes (`RemotingSerializable.encode()`, and the name server's standard route
//! form) decode into our typed bodies with every field Java has, and re-encode to the same bytes in the same style.

use fulmen_protocol::body::*;
use fulmen_protocol::fastjson::{self, JsonStyle};
use fulmen_protocol::version::Version;
use serde_json::Value;

use super::support::{Vector, hex_upper, vectors};
use super::typed::{WithBody, with_body};

/// Compares our view (fastjson browser-compatible output, read back as JSON) with Java's getter view: every field
/// Java has must match (Java's `null` = absent here), and we must have no field Java lacks. Arrays that differ only
/// in order are accepted (Java writes hash sets in hash order).
fn assert_same(ours: &Value, java: &Value, path: &str) {
    match (ours, java) {
        (Value::Object(ours), Value::Object(java)) => {
            for (key, java_value) in java {
                let at = format!("{path}.{key}");
                match ours.get(key) {
                    None | Some(Value::Null) => {
                        assert!(java_value.is_null(), "{at}: missing, Java has {java_value}")
                    }
                    Some(ours_value) => assert_same(ours_value, java_value, &at),
                }
            }
            for key in ours.keys() {
                assert!(java.contains_key(key), "{path}.{key}: a field Java does not have");
            }
        }
        (Value::Array(ours), Value::Array(java)) => {
            assert_eq!(ours.len(), java.len(), "{path}: length");
            let in_order = ours.iter().zip(java).all(|(o, j)| same(o, j));
            if !in_order {
                let mut ours_sorted: Vec<String> = ours.iter().map(Value::to_string).collect();
                let mut java_sorted: Vec<String> = java.iter().map(Value::to_string).collect();
                ours_sorted.sort();
                java_sorted.sort();
                assert_eq!(ours_sorted, java_sorted, "{path}: elements");
            }
        }
        (Value::Number(o), Value::Number(j)) => assert_eq!(o.as_f64(), j.as_f64(), "{path}"),
        _ => assert_eq!(ours, java, "{path}"),
    }
}

fn same(ours: &Value, java: &Value) -> bool {
    std::panic::catch_unwind(|| assert_same(ours, java, "")).is_ok()
}

fn our_view<T: JsonBody>(body: &T) -> Value {
    let text = fastjson::to_string(body, JsonStyle::BrowserCompatible).expect("encodes");
    serde_json::from_str(&text).expect("browser-compatible output is standard JSON")
}

/// The style Java used for this vector: the name server's standard route form, or plain `encode()`.
fn java_style(vector: &Vector) -> JsonStyle {
    if vector.name().contains("standard") {
        JsonStyle::BrowserCompatible
    } else {
        JsonStyle::Fastjson
    }
}

fn check<T: JsonBody>(vector: &Vector) {
    let name = vector.name();
    let body = T::decode(&vector.bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_same(&our_view(&body), &vector.expected, &name);
    if vector.exact_reencode {
        let encoded = body
            .encode_with(java_style(vector))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            hex_upper(&encoded),
            hex_upper(&vector.bytes),
            "{name}: re-encoded"
        );
    }
}

/// Decodes a Java body into our type, compares it with Java's view and re-encodes it.
struct Check<'a>(&'a Vector);

impl WithBody for Check<'_> {
    type Output = ();
    fn run<T: JsonBody>(self) {
        check::<T>(self.0);
    }
}

#[test]
fn java_json_bodies_decode_and_reencode_exactly() {
    let mut checked = 0;
    for vector in vectors("body", "jsonBody") {
        let class = vector.java_class.clone().unwrap_or_default();
        if class.ends_with(".ConsumerOffsetSerializeWrapper") {
            // The broker's consumerOffset.json form (typed in the store): integer keys written bare must read.
            let value: Value = fastjson::from_slice(&vector.bytes).expect("fastjson reads integer keys");
            assert_same(&value, &vector.expected, &vector.name());
        } else {
            with_body(&class, Check(&vector))
                .unwrap_or_else(|| panic!("{}: no typed body for Java class {class}", vector.name()));
        }
        checked += 1;
    }
    assert!(checked >= 17);
}

#[test]
fn route_style_follows_the_requester_version() {
    let standard = vectors("body", "jsonBody")
        .into_iter()
        .find(|v| v.name().ends_with("topic_route_standard.json"));
    let legacy = vectors("body", "jsonBody")
        .into_iter()
        .find(|v| v.name().ends_with("topic_route_legacy.json"));
    let (standard, legacy) = (standard.expect("standard route"), legacy.expect("legacy route"));
    let route = TopicRouteData::decode(&legacy.bytes).expect("decodes");
    assert_eq!(
        route.encode_for(Version::V4_9_4, false).expect("encodes"),
        standard.bytes
    );
    assert_eq!(
        route.encode_for(Version::V4_9_4 - 1, true).expect("encodes"),
        standard.bytes
    );
    assert_eq!(
        route.encode_for(Version::V4_9_4 - 1, false).expect("encodes"),
        legacy.bytes
    );
}

#[test]
fn java_compressed_register_broker_body_decodes() {
    for vector in vectors("body", "compressedRegisterBrokerBody") {
        let body = RegisterBrokerBody::decode_compressed(&vector.bytes, Version::V5_3_3)
            .unwrap_or_else(|e| panic!("{}: {e}", vector.name()));
        let mut ours = our_view(&body);
        // Java's compressed form has no mapping data version (Java fills it with the clock when decoding).
        if let Some(wrapper) = ours
            .get_mut("topicConfigSerializeWrapper")
            .and_then(Value::as_object_mut)
        {
            wrapper.remove("mappingDataVersion");
        }
        assert_same(&ours, &vector.expected, &vector.name());
    }
}

#[test]
fn subscriptions_are_built_like_java() {
    for vector in vectors("taghash", "subscription") {
        let sub = SubscriptionData::from_tag_expression("T", vector.str("subString"), 0);
        assert_eq!(sub.sub_string, vector.str("subString"));
        assert_same(
            &serde_json::json!(sub.tags_set),
            &vector.expected["tagsSet"],
            &vector.name(),
        );
        assert_same(
            &serde_json::json!(sub.code_set),
            &vector.expected["codeSet"],
            &vector.name(),
        );
    }
}
