//! Fuzzes stored message units (pull, query and view bodies): decoding never panics, and every unit that decodes
//! re-encodes to a unit that decodes to the same message. The bytes are the same unless decoding normalised the
//! properties as Java does (repeated keys read last-wins, empty items dropped, a missing final separator added).
#![no_main]

use bytes::Bytes;
use fulmen_protocol::message::{MessageExt, StoredUnit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut rest = Bytes::copy_from_slice(data);
    while let Ok((unit, used)) = StoredUnit::decode(&rest) {
        if let StoredUnit::Message(message) = unit {
            if let Ok(encoded) = message.to_bytes() {
                if encoded[..] != rest[..used] {
                    let (again, _) = MessageExt::decode(&encoded).expect("a re-encoded unit decodes");
                    assert_eq!(MessageExt { store_size: message.store_size, ..again }, message);
                }
            }
            let _ = message.decompressed_body(1 << 20);
        }
        if used == 0 || used > rest.len() {
            break;
        }
        let _ = rest.split_to(used);
    }
});
