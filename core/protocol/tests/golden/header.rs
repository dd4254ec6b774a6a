//! `extFields` maps built by Java's header classes read into our typed headers, which write back the same map;
//! and Java's V1 -> V2 send header conversion agrees with ours.

use fulmen_protocol::ExtFields;
use fulmen_protocol::ext_fields::CommandHeader;
use fulmen_protocol::header::*;

use super::support::{Vector, string_pairs, vectors};
use super::typed::{WithHeader, with_header};

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

/// Reads Java's map into our typed header and checks it writes the same map back.
struct RoundTrip<'a>(&'a Vector);

impl WithHeader for RoundTrip<'_> {
    type Output = ();
    fn run<H: CommandHeader>(self) {
        round_trip::<H>(self.0);
    }
}

#[test]
fn java_header_maps_round_trip_through_typed_headers() {
    let mut checked = 0;
    for vector in vectors("header", "header") {
        let class = vector.java_class.clone().unwrap_or_default();
        with_header(&class, RoundTrip(&vector))
            .unwrap_or_else(|| panic!("{}: no typed header for Java class {class}", vector.name()));
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
