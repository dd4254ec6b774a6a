//! `extFields` maps built by Java's header classes read into our typed headers, which write back the same map;
//! and Java's V1 -> V2 send header conversion agrees with ours.

use fulmen_protocol::ExtFields;
use fulmen_protocol::ext_fields::CommandHeader;
use fulmen_protocol::header::*;

use super::support::{Vector, string_pairs, vectors};

fn java_fields(vector: &Vector) -> ExtFields {
    string_pairs(&vector.expected["extFields"]).into_iter().collect()
}

fn sorted(fields: &ExtFields) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    pairs.sort();
    pairs
}

fn round_trip<H: CommandHeader>(vector: &Vector) -> H {
    let fields = java_fields(vector);
    let header = H::read_from(&fields).unwrap_or_else(|e| panic!("{}: {e}", vector.name()));
    assert_eq!(
        sorted(&header.to_ext_fields()),
        sorted(&fields),
        "{}: {}",
        vector.name(),
        H::NAME
    );
    header
}

#[test]
fn java_header_maps_round_trip_through_typed_headers() {
    let mut checked = 0;
    for vector in vectors("header", "header") {
        let stem = vector
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        match stem.as_str() {
            "consumer_send_msg_back" => {
                round_trip::<ConsumerSendMsgBackRequestHeader>(&vector);
            }
            "end_transaction_commit" => {
                round_trip::<EndTransactionRequestHeader>(&vector);
            }
            "get_route_info" => {
                round_trip::<GetRouteInfoRequestHeader>(&vector);
            }
            "pull_message_response" => {
                round_trip::<PullMessageResponseHeader>(&vector);
            }
            s if s.starts_with("pull_message_") => {
                round_trip::<PullMessageRequestHeader>(&vector);
            }
            "query_consumer_offset_request" => {
                round_trip::<QueryConsumerOffsetRequestHeader>(&vector);
            }
            "query_consumer_offset_response" => {
                round_trip::<QueryConsumerOffsetResponseHeader>(&vector);
            }
            "register_broker" => {
                round_trip::<RegisterBrokerRequestHeader>(&vector);
            }
            "send_message_response" => {
                round_trip::<SendMessageResponseHeader>(&vector);
            }
            "send_message_v1" => {
                round_trip::<SendMessageRequestHeader>(&vector);
            }
            s if s.starts_with("send_message_v2") => {
                round_trip::<SendMessageRequestHeaderV2>(&vector);
            }
            "update_consumer_offset" => {
                round_trip::<UpdateConsumerOffsetRequestHeader>(&vector);
            }
            other => panic!("{other}: a header vector with no typed header to check it"),
        }
        checked += 1;
    }
    assert!(checked >= 18);
}

#[test]
fn v1_to_v2_conversion_matches_java() {
    let v1 = vectors("header", "header")
        .into_iter()
        .find(|v| v.path.ends_with("send_message_v1.json"));
    let v2 = vectors("header", "header")
        .into_iter()
        .find(|v| v.path.ends_with("send_message_v2.json"));
    let (v1, v2) = (v1.expect("v1 vector"), v2.expect("v2 vector"));
    let long: SendMessageRequestHeader = round_trip(&v1);
    let short = SendMessageRequestHeaderV2::from(long.clone());
    assert_eq!(sorted(&short.to_ext_fields()), sorted(&java_fields(&v2)));
    assert_eq!(SendMessageRequestHeader::from(short), long);
}
