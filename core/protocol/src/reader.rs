//! A bounds-checked big-endian reader over a byte slice: every read returns an error instead of panicking.

use crate::error::{ProtocolError, Result};

/// Reads big-endian integers and byte runs from a slice, naming `what` in every error.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], what: &'static str) -> Self {
        Reader { buf, pos: 0, what }
    }

    /// Bytes consumed so far.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(ProtocolError::unexpected_end(self.what, n, self.remaining()));
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn i16(&mut self) -> Result<i16> {
        Ok(i16::from_be_bytes(self.array()?))
    }

    pub(crate) fn i32(&mut self) -> Result<i32> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    pub(crate) fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    /// Reads a length that must be non-negative, as a `usize`.
    pub(crate) fn len_i32(&mut self, field: &str) -> Result<usize> {
        let n = self.i32()?;
        usize::try_from(n).map_err(|_| ProtocolError::invalid(self.what, format!("negative {field} {n}")))
    }

    pub(crate) fn len_i16(&mut self, field: &str) -> Result<usize> {
        let n = self.i16()?;
        usize::try_from(n).map_err(|_| ProtocolError::invalid(self.what, format!("negative {field} {n}")))
    }

    /// Reads `n` bytes that must be UTF-8.
    pub(crate) fn utf8(&mut self, n: usize, field: &str) -> Result<&'a str> {
        let raw = self.bytes(n)?;
        std::str::from_utf8(raw).map_err(|e| ProtocolError::invalid(self.what, format!("{field} is not UTF-8: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_big_endian_and_reports_short_input() {
        let mut r = Reader::new(&[0, 0, 1, 2, 0xFF], "test");
        assert_eq!(r.i32().unwrap(), 258);
        assert_eq!(r.remaining(), 1);
        assert_eq!(
            r.i16().unwrap_err(),
            ProtocolError::UnexpectedEnd { what: "test", needed: 2, available: 1 }
        );
        assert_eq!(r.u8().unwrap(), 0xFF);
    }

    #[test]
    fn negative_lengths_are_errors() {
        let mut r = Reader::new(&[0xFF, 0xFF, 0xFF, 0xFF], "test");
        assert!(matches!(r.len_i32("body length"), Err(ProtocolError::Invalid { .. })));
    }
}
