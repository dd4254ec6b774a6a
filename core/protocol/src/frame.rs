//! Splitting a byte stream into frames: `totalLength (4)` then `totalLength` bytes of header and body.
//!
//! [`FrameDecoder::decode`] reads what is buffered and returns a command, `None` when more bytes are needed, or an
//! error for a frame that can never be valid (the connection should then be closed).

use bytes::{Buf, BytesMut};

use crate::command::RemotingCommand;
use crate::error::{ProtocolError, Result};

/// Java's default `com.rocketmq.remoting.frameMaxLength`: 16 MiB, counting the 4-byte length field.
pub const DEFAULT_MAX_FRAME_LEN: usize = 16 * 1024 * 1024;

/// The most buffer space reserved at once for a frame that is still arriving.
const RESERVE_STEP: usize = 64 * 1024;

/// The smallest valid total length: the 4-byte header length mark.
const MIN_TOTAL_LEN: usize = 4;

/// Splits frames off a buffer, refusing any frame over the limit before buffering it.
#[derive(Debug, Clone, Copy)]
pub struct FrameDecoder {
    max_frame_len: usize,
}

impl Default for FrameDecoder {
    fn default() -> Self {
        FrameDecoder {
            max_frame_len: DEFAULT_MAX_FRAME_LEN,
        }
    }
}

impl FrameDecoder {
    /// A decoder accepting frames of at most `max_frame_len` bytes, length field included.
    pub fn new(max_frame_len: usize) -> Self {
        FrameDecoder { max_frame_len }
    }

    /// The frame limit, length field included.
    pub fn max_frame_len(&self) -> usize {
        self.max_frame_len
    }

    /// Takes one frame off the front of `buf` and decodes it; `Ok(None)` when it is not all there yet.
    pub fn decode(&self, buf: &mut BytesMut) -> Result<Option<RemotingCommand>> {
        let Some(total_len) = self.peek_total_len(buf)? else {
            return Ok(None);
        };
        if buf.len() < 4 + total_len {
            // Grow with the bytes that arrive, not with what a length prefix promises.
            buf.reserve((4 + total_len - buf.len()).min(RESERVE_STEP));
            return Ok(None);
        }
        buf.advance(4);
        let content = buf.split_to(total_len).freeze();
        RemotingCommand::decode_content(content).map(Some)
    }

    /// Reads and checks the length prefix without consuming anything.
    fn peek_total_len(&self, buf: &[u8]) -> Result<Option<usize>> {
        let Some(prefix) = buf.first_chunk::<4>() else {
            return Ok(None);
        };
        let declared = i32::from_be_bytes(*prefix);
        let total_len = usize::try_from(declared)
            .ok()
            .filter(|len| *len >= MIN_TOTAL_LEN)
            .ok_or_else(|| ProtocolError::invalid("frame", format!("total length {declared} is below 4")))?;
        if total_len.saturating_add(4) > self.max_frame_len {
            return Err(ProtocolError::FrameTooLarge {
                length: total_len + 4,
                max: self.max_frame_len,
            });
        }
        Ok(Some(total_len))
    }
}
