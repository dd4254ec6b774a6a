//! Serde-level tests of the fastjson reader and writer, with expected texts printed by fastjson 1.2.83.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::*;

#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Bean {
    zeta: i32,
    alpha: Option<String>,
    #[serde(rename = "Upper")]
    upper: bool,
    ratio: f64,
    big: i64,
    addrs: BTreeMap<i64, String>,
    tags: Vec<String>,
}

#[test]
fn fields_are_sorted_by_json_name_and_none_is_omitted() {
    let bean = Bean {
        zeta: 1,
        ratio: 1.5,
        big: 1 << 60,
        ..Bean::default()
    };
    assert_eq!(
        to_string(&bean, JsonStyle::Fastjson).unwrap(),
        r#"{"Upper":false,"addrs":{},"big":1152921504606846976,"ratio":1.5,"tags":[],"zeta":1}"#
    );
    assert_eq!(
        to_string(&bean, JsonStyle::BrowserCompatible).unwrap(),
        r#"{"Upper":false,"addrs":{},"big":"1152921504606846976","ratio":1.5,"tags":[],"zeta":1}"#
    );
}

#[test]
fn integer_keys_are_bare_or_quoted_and_read_back_from_both() {
    let mut bean = Bean::default();
    bean.addrs.insert(0, "10.0.0.1:10911".into());
    bean.addrs.insert(1, "10.0.0.2:10911".into());
    let legacy = to_string(&bean, JsonStyle::Fastjson).unwrap();
    assert!(
        legacy.contains(r#""addrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"}"#),
        "{legacy}"
    );
    let standard = to_string(&bean, JsonStyle::BrowserCompatible).unwrap();
    assert!(
        standard.contains(r#""addrs":{"0":"10.0.0.1:10911","1":"10.0.0.2:10911"}"#),
        "{standard}"
    );
    assert_eq!(from_str::<Bean>(&legacy).unwrap(), bean);
    assert_eq!(from_str::<Bean>(&standard).unwrap(), bean);
}

#[test]
fn unknown_fields_nulls_and_refs_are_tolerated() {
    let text = r#"{"zeta":3,"alpha":null,"extra":{"$ref":"$"},"tags":["a"],"more":[{1:2}]}"#;
    let bean: Bean = from_str(text).unwrap();
    assert_eq!(
        bean,
        Bean {
            zeta: 3,
            tags: vec!["a".into()],
            ..Bean::default()
        }
    );
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Key {
    topic: String,
    broker_name: String,
    queue_id: i32,
}

#[test]
fn struct_keys_are_written_as_bare_objects_or_json_strings() {
    // fastjson 1.2.83, LinkedHashMap<MessageQueue, Long> {("T/é","b",1)=5, ("A","b",0)=6}:
    let mut map = IndexMap::new();
    map.insert(
        Key {
            topic: "T/é".into(),
            broker_name: "b".into(),
            queue_id: 1,
        },
        5i64,
    );
    map.insert(
        Key {
            topic: "A".into(),
            broker_name: "b".into(),
            queue_id: 0,
        },
        6i64,
    );
    assert_eq!(
        to_string(&map, JsonStyle::Fastjson).unwrap(),
        r#"{{"brokerName":"b","queueId":1,"topic":"T/é"}:5,{"brokerName":"b","queueId":0,"topic":"A"}:6}"#
    );
    // A HashMap under MapSortField is sorted (MessageQueue order: topic, brokerName, queueId).
    assert_eq!(
        to_string(&map, JsonStyle::BrowserCompatible).unwrap(),
        r#"{"{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"A\"}":6,"{\"brokerName\":\"b\",\"queueId\":1,\"topic\":\"T\/\u00E9\"}":5}"#
    );
}

#[test]
fn string_keys_keep_order_or_sort_and_escape_like_values() {
    let mut map = IndexMap::new();
    map.insert("zeta".to_owned(), Some(1));
    map.insert("alpha".to_owned(), Some(2));
    map.insert("Beta".to_owned(), Some(3));
    map.insert("n".to_owned(), None);
    map.insert("é/\u{1}".to_owned(), Some(4));
    assert_eq!(
        to_string(&map, JsonStyle::Fastjson).unwrap(),
        "{\"zeta\":1,\"alpha\":2,\"Beta\":3,\"é/\\u0001\":4}"
    );
    assert_eq!(
        to_string(&map, JsonStyle::BrowserCompatible).unwrap(),
        r#"{"Beta":3,"alpha":2,"zeta":1,"\u00E9\/\u0001":4}"#
    );
}

#[test]
fn sequences_keep_nulls_and_bytes_are_base64() {
    let value = (vec![Some(1), None], serde_bytes_like(&[1, 2, 3]), 'x', ());
    assert_eq!(
        to_string(&value, JsonStyle::Fastjson).unwrap(),
        r#"[[1,null],"AQID","x",null]"#
    );
}

struct BytesRef<'a>(&'a [u8]);

impl Serialize for BytesRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

fn serde_bytes_like(bytes: &[u8]) -> BytesRef<'_> {
    BytesRef(bytes)
}

#[test]
fn errors_do_not_panic() {
    assert!(from_slice::<Bean>(b"{\"zeta\":\"x\"}").is_err());
    assert!(from_slice::<Bean>(b"\xff\xfe").is_err());
    assert!(from_slice::<Vec<i32>>(b"[1,2").is_err());
}
