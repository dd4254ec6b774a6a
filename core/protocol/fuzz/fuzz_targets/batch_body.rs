//! Fuzzes SEND_BATCH_MESSAGE bodies: decoding never panics, and what decodes re-encodes and decodes to the same
//! entries.
#![no_main]

use bytes::{Bytes, BytesMut};
use fulmen_protocol::message::{decode_batch, encode_batch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(entries) = decode_batch(&Bytes::copy_from_slice(data)) {
        let mut encoded = BytesMut::new();
        if encode_batch(&entries, &mut encoded).is_ok() {
            let again = decode_batch(&encoded.freeze()).expect("re-encoded batch decodes");
            assert_eq!(again, entries);
        }
    }
});
