//! `RemotingCommand`: one request or response of the remoting protocol, with its header and body.
//!
//! A frame on the wire is `totalLength (4) | headerLenMark (4) | header | body`, where the high byte of
//! `headerLenMark` says how the header is serialized (JSON or the ROCKETMQ binary form). Every command decodes from
//! either form; [`RemotingCommand::serialize_type`] chooses the form it is written in.

mod binary;
mod json;

use bytes::{Buf, BufMut, Bytes, BytesMut};

use crate::code::{RequestCode, ResponseCode};
use crate::error::{ProtocolError, Result};
use crate::ext_fields::{CommandHeader, ExtFields};
use crate::language::LanguageCode;
use crate::version::Version;

/// Flag bit 0: the command is a response.
pub const FLAG_RESPONSE: i32 = 0b01;
/// Flag bit 1: the request expects no response.
pub const FLAG_ONEWAY: i32 = 0b10;

/// The largest header a frame can carry: its length has 24 bits.
pub const MAX_HEADER_LEN: usize = 0x00FF_FFFF;

/// How a command header is serialized (the high byte of the header length field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SerializeType {
    /// UTF-8 JSON in fastjson's form; what Java peers send by default.
    #[default]
    Json,
    /// The compact binary form of `RocketMQSerializable`.
    RocketMq,
}

impl SerializeType {
    /// The marker byte on the wire.
    pub const fn code(self) -> u8 {
        match self {
            SerializeType::Json => 0,
            SerializeType::RocketMq => 1,
        }
    }

    /// Parses the marker byte.
    pub fn from_code(code: u8) -> Result<Self> {
        match code {
            0 => Ok(SerializeType::Json),
            1 => Ok(SerializeType::RocketMq),
            other => Err(ProtocolError::invalid(
                "frame",
                format!("unknown header serialize type {other}"),
            )),
        }
    }
}

/// One remoting request or response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotingCommand {
    /// The request code for requests, the response code for responses.
    pub code: i32,
    /// The sender's language.
    pub language: LanguageCode,
    /// The sender's protocol version (a `MQVersion.Version` ordinal).
    pub version: i32,
    /// The request id; a response carries the id of its request.
    pub opaque: i32,
    /// Bit 0 response, bit 1 oneway.
    pub flag: i32,
    /// Free text, usually the error message of a response.
    pub remark: Option<String>,
    /// The custom header. `None` and an empty map differ only in JSON (`extFields` absent or `{}`).
    pub ext_fields: Option<ExtFields>,
    /// The body, empty when absent.
    pub body: Bytes,
    /// The header form this command was read in, or will be written in.
    pub serialize_type: SerializeType,
}

impl RemotingCommand {
    /// A request with Fulmen's language and version, opaque 0, no header and no body.
    pub fn request(code: RequestCode) -> Self {
        RemotingCommand {
            code: code.0,
            language: LanguageCode::RUST,
            version: Version::CURRENT,
            opaque: 0,
            flag: 0,
            remark: None,
            ext_fields: None,
            body: Bytes::new(),
            serialize_type: SerializeType::Json,
        }
    }

    /// A response with the given code and remark; set its opaque from the request (see [`Self::response_to`]).
    pub fn response(code: ResponseCode, remark: Option<String>) -> Self {
        RemotingCommand {
            code: code.0,
            flag: FLAG_RESPONSE,
            remark,
            ..RemotingCommand::request(RequestCode(0))
        }
    }

    /// A response to `request`: same opaque, the response flag set, no header and no body.
    pub fn response_to(request: &RemotingCommand, code: ResponseCode, remark: Option<String>) -> Self {
        RemotingCommand {
            opaque: request.opaque,
            ..RemotingCommand::response(code, remark)
        }
    }

    /// Replaces the custom header with `header`.
    pub fn with_header<H: CommandHeader>(mut self, header: &H) -> Self {
        self.ext_fields = Some(header.to_ext_fields());
        self
    }

    /// Replaces the body.
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Replaces the remark.
    pub fn with_remark(mut self, remark: impl Into<String>) -> Self {
        self.remark = Some(remark.into());
        self
    }

    /// Replaces the opaque.
    pub fn with_opaque(mut self, opaque: i32) -> Self {
        self.opaque = opaque;
        self
    }

    /// Chooses the header form for encoding.
    pub fn with_serialize_type(mut self, serialize_type: SerializeType) -> Self {
        self.serialize_type = serialize_type;
        self
    }

    /// Marks the request oneway: the peer will not answer it.
    pub fn into_oneway(mut self) -> Self {
        self.flag |= FLAG_ONEWAY;
        self
    }

    /// Whether this is a response (flag bit 0).
    pub fn is_response(&self) -> bool {
        self.flag & FLAG_RESPONSE != 0
    }

    /// Whether this is a oneway request (flag bit 1).
    pub fn is_oneway(&self) -> bool {
        self.flag & FLAG_ONEWAY != 0
    }

    /// The code read as a request code.
    pub fn request_code(&self) -> RequestCode {
        RequestCode(self.code)
    }

    /// The code read as a response code.
    pub fn response_code(&self) -> ResponseCode {
        ResponseCode(self.code)
    }

    /// One `extFields` value.
    pub fn ext_field(&self, key: &str) -> Option<&str> {
        self.ext_fields.as_ref()?.get(key).map(String::as_str)
    }

    /// Sets one `extFields` value, creating the map if needed.
    pub fn set_ext_field(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.ext_fields
            .get_or_insert_with(ExtFields::new)
            .insert(key.into(), value.into());
    }

    /// Decodes the custom header as `H`, naming any missing or invalid required field in the error.
    pub fn decode_header<H: CommandHeader>(&self) -> Result<H> {
        match &self.ext_fields {
            Some(fields) => H::read_from(fields),
            None => H::read_from(&ExtFields::new()),
        }
    }

    /// Appends the whole frame (length prefix included) to `dst`; on error nothing is appended.
    ///
    /// A code or version that does not fit the 16 bits of the binary header is written with a JSON header
    /// instead, as Java would otherwise truncate it (every peer reads both forms).
    pub fn encode(&self, dst: &mut BytesMut) -> Result<()> {
        let start = dst.len();
        self.encode_frame(dst).inspect_err(|_| dst.truncate(start))
    }

    fn encode_frame(&self, dst: &mut BytesMut) -> Result<()> {
        let serialize_type = self.effective_serialize_type();
        let start = dst.len();
        dst.put_u32(0); // total length, patched below
        dst.put_u32(0); // header length mark, patched below
        let header_start = dst.len();
        match serialize_type {
            SerializeType::Json => json::encode(self, dst),
            SerializeType::RocketMq => binary::encode(self, dst)?,
        }
        let header_len = dst.len() - header_start;
        if header_len > MAX_HEADER_LEN {
            return Err(ProtocolError::invalid(
                "command",
                format!("header of {header_len} bytes is over 16 MiB"),
            ));
        }
        dst.extend_from_slice(&self.body);
        let total = dst.len() - start - 4;
        // Java reads the total length as a signed int.
        let total = i32::try_from(total)
            .map_err(|_| ProtocolError::invalid("command", format!("frame of {total} bytes is too long")))?;
        let mark = (u32::from(serialize_type.code()) << 24) | header_len as u32;
        dst[start..start + 4].copy_from_slice(&total.to_be_bytes());
        dst[start + 4..start + 8].copy_from_slice(&mark.to_be_bytes());
        Ok(())
    }

    /// The whole frame as bytes.
    pub fn to_bytes(&self) -> Result<Bytes> {
        let mut buf = BytesMut::with_capacity(64 + self.body.len());
        self.encode(&mut buf)?;
        Ok(buf.freeze())
    }

    /// Decodes one whole frame, length prefix included (what [`Self::to_bytes`] returns). Streams are split into
    /// frames by [`crate::FrameDecoder`].
    pub fn decode(mut frame: Bytes) -> Result<Self> {
        if frame.len() < 4 {
            return Err(ProtocolError::unexpected_end("frame length", 4, frame.len()));
        }
        let declared = i32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]);
        if usize::try_from(declared).ok() != Some(frame.len() - 4) {
            return Err(ProtocolError::invalid(
                "frame",
                format!("total length {declared} but {} bytes follow it", frame.len() - 4),
            ));
        }
        frame.advance(4);
        Self::decode_content(frame)
    }

    /// Decodes a frame's content: everything after the 4-byte total length.
    pub(crate) fn decode_content(mut frame: Bytes) -> Result<Self> {
        if frame.len() < 4 {
            return Err(ProtocolError::unexpected_end(
                "frame header length",
                4,
                frame.len(),
            ));
        }
        let mark = u32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]);
        let serialize_type = SerializeType::from_code((mark >> 24) as u8)?;
        let header_len = (mark & 0x00FF_FFFF) as usize;
        if header_len > frame.len() - 4 {
            return Err(ProtocolError::invalid(
                "frame",
                format!(
                    "header length {header_len} exceeds the {} bytes that follow it",
                    frame.len() - 4
                ),
            ));
        }
        let header = frame.split_to(4 + header_len);
        let header = &header[4..];
        let mut command = match serialize_type {
            SerializeType::Json => json::decode(header)?,
            SerializeType::RocketMq => binary::decode(header)?,
        };
        command.body = frame;
        Ok(command)
    }

    fn effective_serialize_type(&self) -> SerializeType {
        let fits_16_bits = |v: i32| i16::try_from(v).is_ok();
        match self.serialize_type {
            SerializeType::RocketMq if fits_16_bits(self.code) && fits_16_bits(self.version) => {
                SerializeType::RocketMq
            }
            _ => SerializeType::Json,
        }
    }
}

#[cfg(test)]
mod tests;
