//! Fuzzes the zlib, LZ4-frame and zstd decompressors behind compressed message bodies: never a panic, and never
//! more output than the limit allows.
#![no_main]

use fulmen_protocol::message::{CompressionType, decompress};
use libfuzzer_sys::fuzz_target;

const LIMIT: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    for kind in [CompressionType::Zlib, CompressionType::Lz4, CompressionType::Zstd] {
        if let Ok(out) = decompress(data, kind, LIMIT) {
            assert!(out.len() <= LIMIT);
        }
    }
});
