//! Fuzzes stored message units (pull, query and view bodies): decoding never panics, and every unit that decodes
//! re-encodes to the bytes it came from.
#![no_main]

use bytes::Bytes;
use fulmen_protocol::message::StoredUnit;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut rest = Bytes::copy_from_slice(data);
    while let Ok((unit, used)) = StoredUnit::decode(&rest) {
        if let StoredUnit::Message(message) = unit {
            if let Ok(encoded) = message.to_bytes() {
                assert_eq!(&encoded[..], &rest[..used], "a decoded unit re-encodes to its own bytes");
            }
            let _ = message.decompressed_body(1 << 20);
        }
        if used == 0 || used > rest.len() {
            break;
        }
        let _ = rest.split_to(used);
    }
});
