//! `RemotingCodec`: the bridge between the sans-IO frame decoder of `fulmen-protocol` and
//! `tokio_util::codec`, so a socket can be read as a stream of [`RemotingCommand`]s and written as a sink of them.

use std::io;

use bytes::BytesMut;
use fulmen_protocol::{FrameDecoder, ProtocolError, RemotingCommand};
use thiserror::Error;
use tokio_util::codec::{Decoder, Encoder};

/// Why reading or writing a frame failed: the socket, or the bytes themselves.
#[derive(Debug, Error)]
pub enum CodecError {
    /// The socket failed, or it ended in the middle of a frame.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The bytes are not a valid frame, or a command cannot be encoded. The connection cannot be trusted any more.
    #[error("{0}")]
    Protocol(#[from] ProtocolError),
}

/// Splits a byte stream into [`RemotingCommand`]s and writes commands as frames. The default limit is Java's
/// 16 MiB ([`fulmen_protocol::DEFAULT_MAX_FRAME_LEN`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct RemotingCodec {
    frames: FrameDecoder,
}

impl RemotingCodec {
    /// A codec refusing frames longer than `max_frame_len` bytes (length field included).
    pub fn new(max_frame_len: usize) -> Self {
        RemotingCodec {
            frames: FrameDecoder::new(max_frame_len),
        }
    }

    /// The frame limit, length field included.
    pub fn max_frame_len(&self) -> usize {
        self.frames.max_frame_len()
    }
}

impl Decoder for RemotingCodec {
    type Item = RemotingCommand;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<RemotingCommand>, CodecError> {
        Ok(self.frames.decode(src)?)
    }
}

impl Encoder<RemotingCommand> for RemotingCodec {
    type Error = CodecError;

    fn encode(&mut self, command: RemotingCommand, dst: &mut BytesMut) -> Result<(), CodecError> {
        self.encode(&command, dst)
    }
}

impl Encoder<&RemotingCommand> for RemotingCodec {
    type Error = CodecError;

    fn encode(&mut self, command: &RemotingCommand, dst: &mut BytesMut) -> Result<(), CodecError> {
        let start = dst.len();
        command.encode(dst).inspect_err(|_| dst.truncate(start))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use fulmen_protocol::{RequestCode, SerializeType};

    use super::*;

    #[test]
    fn commands_round_trip_through_split_input() {
        let mut codec = RemotingCodec::default();
        let first = RemotingCommand::request(RequestCode::HEART_BEAT)
            .with_opaque(7)
            .with_body(&b"hello"[..]);
        let second = RemotingCommand::request(RequestCode::SEND_MESSAGE)
            .with_opaque(8)
            .with_serialize_type(SerializeType::RocketMq);
        let mut wire = BytesMut::new();
        codec.encode(&first, &mut wire).unwrap();
        codec.encode(second.clone(), &mut wire).unwrap();

        let mut buf = BytesMut::new();
        let mut decoded = Vec::new();
        for byte in wire.iter() {
            buf.extend_from_slice(&[*byte]);
            while let Some(command) = codec.decode(&mut buf).unwrap() {
                decoded.push(command);
            }
        }
        assert_eq!(decoded, vec![first, second]);
        assert!(buf.is_empty());
    }

    #[test]
    fn frames_over_the_limit_are_refused_before_buffering() {
        let mut codec = RemotingCodec::new(1024);
        let mut buf = BytesMut::from(&[0u8, 0, 8, 0][..]);
        assert!(matches!(
            codec.decode(&mut buf),
            Err(CodecError::Protocol(ProtocolError::FrameTooLarge { .. }))
        ));
    }
}
