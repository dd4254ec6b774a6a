//! Fuzzes frame splitting and command decoding (both header forms): any input either decodes or errors, and
//! whatever decodes re-encodes and decodes back to the same command.
#![no_main]

use bytes::BytesMut;
use fulmen_protocol::FrameDecoder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoder = FrameDecoder::default();
    let mut buf = BytesMut::from(data);
    while let Ok(Some(command)) = decoder.decode(&mut buf) {
        let mut encoded = BytesMut::new();
        if command.encode(&mut encoded).is_ok() {
            let again = decoder.decode(&mut encoded).expect("re-encoded frame decodes").expect("complete frame");
            assert_eq!(again.code, command.code);
            assert_eq!(again.opaque, command.opaque);
            assert_eq!(again.body, command.body);
        }
    }
});
