//! Message body compression as Java's `org.apache.rocketmq.common.compression` does it: zlib (RFC 1950 stream),
//! LZ4 frame format and ZSTD frames, named by the compression type bits of the `sysFlag`.
//!
//! [`decompress`] takes an output limit: a small hostile body cannot make it allocate more than that.

use std::fmt;
use std::io::{self, Read, Write};
use std::str::FromStr;

use crate::error::{ProtocolError, Result};

/// Java's `compressMsgBodyOverHowmuch`: producers compress single-message bodies of at least this many bytes.
pub const DEFAULT_COMPRESS_THRESHOLD: usize = 4096;

/// Java's default `rocketmq.message.compressLevel`.
pub const DEFAULT_COMPRESS_LEVEL: i32 = 5;

/// A body compression algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CompressionType {
    /// `java.util.zip.Deflater`: an RFC 1950 zlib stream. Java's default, and what type bits `0x000` mean.
    #[default]
    Zlib,
    /// The LZ4 frame format, as lz4-java's `LZ4FrameOutputStream` writes it.
    Lz4,
    /// A standard zstd frame, as zstd-jni's `ZstdOutputStream` writes it.
    Zstd,
}

impl CompressionType {
    /// The compression type bits this algorithm sets in a `sysFlag` (`0x100` LZ4, `0x200` ZSTD, `0x300` ZLIB).
    pub const fn sys_flag_bits(self) -> i32 {
        match self {
            CompressionType::Lz4 => 0x100,
            CompressionType::Zstd => 0x200,
            CompressionType::Zlib => 0x300,
        }
    }

    /// The algorithm named by the compression type bits (`0x700`) of `sys_flag`; `0x000` is the legacy zlib value.
    /// The unassigned values 4 to 7 are an error.
    pub fn from_sys_flag(sys_flag: i32) -> Result<Self> {
        match (sys_flag & 0x700) >> 8 {
            0 | 3 => Ok(CompressionType::Zlib),
            1 => Ok(CompressionType::Lz4),
            2 => Ok(CompressionType::Zstd),
            other => Err(ProtocolError::invalid(
                "sysFlag",
                format!("unknown compression type {other}"),
            )),
        }
    }

    /// The upper-case name Java uses (`ZLIB`, `LZ4`, `ZSTD`).
    pub const fn name(self) -> &'static str {
        match self {
            CompressionType::Zlib => "ZLIB",
            CompressionType::Lz4 => "LZ4",
            CompressionType::Zstd => "ZSTD",
        }
    }

    fn algorithm(self) -> &'static str {
        match self {
            CompressionType::Zlib => "zlib",
            CompressionType::Lz4 => "lz4",
            CompressionType::Zstd => "zstd",
        }
    }
}

impl fmt::Display for CompressionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for CompressionType {
    type Err = ProtocolError;

    /// Parses a name as Java's `CompressionType.of` does: trimmed, in any case.
    fn from_str(name: &str) -> Result<Self> {
        match name.trim().to_ascii_uppercase().as_str() {
            "ZLIB" => Ok(CompressionType::Zlib),
            "LZ4" => Ok(CompressionType::Lz4),
            "ZSTD" => Ok(CompressionType::Zstd),
            _ => Err(ProtocolError::invalid(
                "compression type",
                format!("unsupported name {name:?}"),
            )),
        }
    }
}

/// Compresses `body` with `compression`.
///
/// `level` is the zlib level (0 to 9, or -1 for the default, as `java.util.zip.Deflater` takes) or the zstd
/// level (zstd's range, 1 to 22 for the usual ones); LZ4 has no level, as in Java. The LZ4 frame has independent
/// blocks and no checksums, like `LZ4FrameOutputStream`'s, with a block size chosen from the body length (64 KiB,
/// 256 KiB or 4 MiB) rather than always 4 MiB.
pub fn compress(body: &[u8], compression: CompressionType, level: i32) -> Result<Vec<u8>> {
    let error = |e: io::Error| compress_error(compression, e.to_string());
    match compression {
        CompressionType::Zlib => {
            let level = match level {
                -1 => flate2::Compression::default(),
                0..=9 => flate2::Compression::new(level.unsigned_abs()),
                _ => {
                    return Err(compress_error(
                        compression,
                        format!("level {level} is not in -1..=9"),
                    ));
                }
            };
            let mut encoder = flate2::write::ZlibEncoder::new(Vec::with_capacity(body.len() / 2 + 64), level);
            encoder.write_all(body).map_err(error)?;
            encoder.finish().map_err(error)
        }
        CompressionType::Lz4 => {
            let frame_info = lz4_flex::frame::FrameInfo::new()
                .block_mode(lz4_flex::frame::BlockMode::Independent)
                .block_size(lz4_flex::frame::BlockSize::Auto);
            let mut encoder = lz4_flex::frame::FrameEncoder::with_frame_info(
                frame_info,
                Vec::with_capacity(body.len() / 2 + 64),
            );
            encoder.write_all(body).map_err(error)?;
            encoder
                .finish()
                .map_err(|e| compress_error(compression, e.to_string()))
        }
        CompressionType::Zstd => zstd::bulk::compress(body, level).map_err(error),
    }
}

/// Decompresses `body` compressed with `compression`, failing instead of producing more than `max_output_len`
/// bytes.
///
/// The limit also bounds the zstd window a frame may ask for (a window never needs to be larger than the whole
/// output, but at least 8 MiB is allowed, as streaming compressors declare windows from their level). The LZ4
/// decoder's block buffer follows the frame header (at most 4 MiB).
pub fn decompress(body: &[u8], compression: CompressionType, max_output_len: usize) -> Result<Vec<u8>> {
    let error = |e: io::Error| decompress_error(compression, e.to_string());
    match compression {
        CompressionType::Zlib => {
            read_limited(flate2::read::ZlibDecoder::new(body), compression, max_output_len)
        }
        CompressionType::Lz4 => read_limited(
            lz4_flex::frame::FrameDecoder::new(body),
            compression,
            max_output_len,
        ),
        CompressionType::Zstd => {
            let mut decoder = zstd::stream::read::Decoder::with_buffer(body).map_err(error)?;
            decoder
                .window_log_max(zstd_window_log_max(max_output_len))
                .map_err(error)?;
            read_limited(decoder, compression, max_output_len)
        }
    }
}

/// The largest zstd window (as a power of two) worth allocating for at most `max_output_len` bytes of output.
fn zstd_window_log_max(max_output_len: usize) -> u32 {
    const MIN_LOG: u32 = 23; // 8 MiB
    const MAX_LOG: u32 = 27; // 128 MiB, zstd's default decoding limit
    let needed = usize::BITS - max_output_len.saturating_sub(1).leading_zeros();
    needed.clamp(MIN_LOG, MAX_LOG)
}

/// Reads `decoder` to its end, reading at most one byte past `max_output_len` to detect an oversized output.
fn read_limited(decoder: impl Read, compression: CompressionType, max_output_len: usize) -> Result<Vec<u8>> {
    let limit = u64::try_from(max_output_len)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut output = Vec::new();
    decoder
        .take(limit)
        .read_to_end(&mut output)
        .map_err(|e| decompress_error(compression, e.to_string()))?;
    if output.len() > max_output_len {
        return Err(decompress_error(
            compression,
            format!("the output exceeds the limit of {max_output_len} bytes"),
        ));
    }
    Ok(output)
}

fn compress_error(compression: CompressionType, reason: String) -> ProtocolError {
    ProtocolError::Compression {
        algorithm: compression.algorithm(),
        operation: "compress",
        reason,
    }
}

fn decompress_error(compression: CompressionType, reason: String) -> ProtocolError {
    ProtocolError::Compression {
        algorithm: compression.algorithm(),
        operation: "decompress",
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [CompressionType; 3] = [CompressionType::Zlib, CompressionType::Lz4, CompressionType::Zstd];

    fn sample(len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| b"RocketMQ message body "[i % 22] ^ (i / 997) as u8)
            .collect()
    }

    #[test]
    fn round_trips_every_algorithm() {
        for compression in ALL {
            for len in [0, 1, 100, DEFAULT_COMPRESS_THRESHOLD, 300_000] {
                let body = sample(len);
                let packed = compress(&body, compression, DEFAULT_COMPRESS_LEVEL).unwrap();
                if len >= DEFAULT_COMPRESS_THRESHOLD {
                    assert!(packed.len() < body.len() / 2, "{compression} did not compress");
                }
                assert_eq!(
                    decompress(&packed, compression, len).unwrap(),
                    body,
                    "{compression} len {len}"
                );
            }
        }
    }

    #[test]
    fn formats_have_the_expected_magic() {
        let body = sample(5000);
        let zlib = compress(&body, CompressionType::Zlib, 5).unwrap();
        assert_eq!(zlib[0], 0x78, "zlib CMF: deflate, 32 KiB window");
        assert_eq!(u16::from_be_bytes([zlib[0], zlib[1]]) % 31, 0, "zlib FCHECK");
        let lz4 = compress(&body, CompressionType::Lz4, 5).unwrap();
        assert_eq!(lz4[..4], 0x184D_2204u32.to_le_bytes(), "LZ4 frame magic");
        assert_eq!(lz4[4] & 0xE0, 0x60, "LZ4 FLG: version 01, independent blocks");
        let zstd = compress(&body, CompressionType::Zstd, 5).unwrap();
        assert_eq!(zstd[..4], 0xFD2F_B528u32.to_le_bytes(), "zstd frame magic");
    }

    #[test]
    fn output_limit_is_an_error_not_an_allocation() {
        let zeros = vec![0u8; 1 << 20];
        for compression in ALL {
            let packed = compress(&zeros, compression, DEFAULT_COMPRESS_LEVEL).unwrap();
            assert!(packed.len() < 10_000);
            let err = decompress(&packed, compression, (1 << 20) - 1).unwrap_err();
            assert!(
                err.to_string().contains("exceeds the limit"),
                "{compression}: {err}"
            );
            assert_eq!(decompress(&packed, compression, 1 << 20).unwrap().len(), 1 << 20);
        }
    }

    #[test]
    fn garbage_is_an_error() {
        for compression in ALL {
            assert!(
                decompress(b"not compressed at all", compression, 1000).is_err(),
                "{compression}"
            );
        }
    }

    #[test]
    fn bad_zlib_level_is_an_error() {
        assert!(compress(b"x", CompressionType::Zlib, 10).is_err());
        assert!(compress(b"x", CompressionType::Zlib, -2).is_err());
        assert!(
            compress(b"x", CompressionType::Zlib, -1).is_ok(),
            "Deflater's DEFAULT_COMPRESSION"
        );
    }

    #[test]
    fn names_parse_like_java() {
        assert_eq!(
            " zstd ".parse::<CompressionType>().unwrap(),
            CompressionType::Zstd
        );
        assert_eq!("Lz4".parse::<CompressionType>().unwrap(), CompressionType::Lz4);
        assert_eq!("ZLIB".parse::<CompressionType>().unwrap(), CompressionType::Zlib);
        assert!("gzip".parse::<CompressionType>().is_err());
        assert_eq!(CompressionType::Zstd.to_string(), "ZSTD");
    }
}
