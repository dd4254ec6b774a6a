//! Helpers shared by the unit tests of the header modules.

use std::fmt::Debug;

use crate::error::ProtocolError;
use crate::ext_fields::{CommandHeader, ExtFields};

/// An `extFields` map from literal pairs.
pub(super) fn ext(pairs: &[(&str, &str)]) -> ExtFields {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

/// Encodes `header`, decodes it again and checks nothing changed; returns the encoded map.
pub(super) fn assert_round_trip<H: CommandHeader + PartialEq + Debug>(header: &H) -> ExtFields {
    let fields = header.to_ext_fields();
    assert_eq!(
        &H::read_from(&fields).unwrap(),
        header,
        "{} did not round-trip",
        H::NAME
    );
    fields
}

/// Checks which keys of `header`'s encoding are required: removing one of `required` must fail with an error naming
/// it, removing any other key must still decode. Every key of `required` must be present in the encoding.
pub(super) fn assert_required_keys<H: CommandHeader + Debug>(header: &H, required: &[&'static str]) {
    let fields = header.to_ext_fields();
    for key in required {
        assert!(
            fields.contains_key(*key),
            "{}: required key `{key}` was not written",
            H::NAME
        );
    }
    for key in fields.keys() {
        let mut reduced = fields.clone();
        reduced.shift_remove(key);
        let result = H::read_from(&reduced);
        match required
            .iter()
            .find(|required_key| **required_key == key.as_str())
        {
            Some(required_key) => assert_eq!(
                result.unwrap_err(),
                ProtocolError::MissingField {
                    header: H::NAME,
                    field: required_key
                },
                "{}: removing `{key}`",
                H::NAME
            ),
            None => assert!(
                result.is_ok(),
                "{}: `{key}` should be optional, got {result:?}",
                H::NAME
            ),
        }
    }
}
