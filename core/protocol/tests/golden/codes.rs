//! Our code tables equal the Java constants, read by reflection: none missing, none extra, same values.

use fulmen_protocol::{LanguageCode, RequestCode, ResponseCode};

use super::support::vectors;

fn java_table(key: &str) -> Vec<(String, i64)> {
    let vector = vectors("codes", "codes").remove(0);
    let mut table: Vec<(String, i64)> = vector.expected[key]
        .as_object()
        .expect("a table")
        .iter()
        .map(|(name, value)| (name.clone(), value.as_i64().expect("a number")))
        .collect();
    table.sort();
    table
}

fn ours(all: &[(&str, i32)]) -> Vec<(String, i64)> {
    let mut table: Vec<(String, i64)> = all
        .iter()
        .map(|(n, v)| ((*n).to_owned(), i64::from(*v)))
        .collect();
    table.sort();
    table
}

#[test]
fn request_codes_match_java() {
    let all: Vec<(&str, i32)> = RequestCode::ALL.iter().map(|(n, c)| (*n, c.0)).collect();
    assert_eq!(ours(&all), java_table("requestCodes"));
}

#[test]
fn response_codes_match_java() {
    let all: Vec<(&str, i32)> = ResponseCode::ALL.iter().map(|(n, c)| (*n, c.0)).collect();
    assert_eq!(ours(&all), java_table("responseCodes"));
}

#[test]
fn language_codes_match_java() {
    for (name, code) in java_table("languageCodes") {
        let ours = LanguageCode(u8::try_from(code).expect("a byte"));
        assert_eq!(ours.name(), Some(name.as_str()));
        assert_eq!(LanguageCode::from_name(&name), ours);
    }
}
