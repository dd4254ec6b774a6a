//! Socket addresses as the message formats write them: the IP's 4 or 16 bytes, then the port as an `int`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use bytes::BufMut;

use crate::error::{ProtocolError, Result};
use crate::reader::Reader;

/// The encoded length of `addr`: 8 bytes for IPv4, 20 for IPv6.
pub(crate) const fn encoded_len(addr: &SocketAddr) -> usize {
    match addr {
        SocketAddr::V4(_) => 4 + 4,
        SocketAddr::V6(_) => 16 + 4,
    }
}

/// Writes the address bytes and the port.
pub(crate) fn put(dst: &mut impl BufMut, addr: &SocketAddr) {
    match addr.ip() {
        IpAddr::V4(ip) => dst.put_slice(&ip.octets()),
        IpAddr::V6(ip) => dst.put_slice(&ip.octets()),
    }
    dst.put_i32(i32::from(addr.port()));
}

/// Reads an IPv4 or IPv6 address and its port; a port outside `0..=65535` is an error, as in Java.
pub(crate) fn read(r: &mut Reader<'_>, ipv6: bool, what: &'static str) -> Result<SocketAddr> {
    let ip = read_ip(r, ipv6)?;
    let port = r.i32()?;
    let port = u16::try_from(port)
        .map_err(|_| ProtocolError::invalid(what, format!("port {port} is out of range")))?;
    Ok(SocketAddr::new(ip, port))
}

/// Reads 4 (IPv4) or 16 (IPv6) address bytes.
pub(crate) fn read_ip(r: &mut Reader<'_>, ipv6: bool) -> Result<IpAddr> {
    if ipv6 {
        let mut octets = [0u8; 16];
        octets.copy_from_slice(r.bytes(16)?);
        Ok(IpAddr::V6(Ipv6Addr::from(octets)))
    } else {
        let mut octets = [0u8; 4];
        octets.copy_from_slice(r.bytes(4)?);
        Ok(IpAddr::V4(Ipv4Addr::from(octets)))
    }
}
