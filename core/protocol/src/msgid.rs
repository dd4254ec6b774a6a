//! Message ids: the client message id (`UNIQ_KEY`, what users see as the message id) and the offset message id
//! (store host and commitlog offset, what brokers return and route lookups by). Both travel as upper-case hex.
//!
//! [`MessageIdGenerator`] makes client ids without reading the clock: the caller passes the current time.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::atomic::{AtomicU16, Ordering};

use time::{OffsetDateTime, Time};

use crate::error::{ProtocolError, Result};
use crate::message::host;
use crate::reader::Reader;

const HEX_DIGITS: &[u8; 16] = b"0123456789ABCDEF";

/// The bytes of a client message id after the IP: pid (2), salt (4), time (4), counter (2).
const CLIENT_ID_TAIL_LEN: usize = 2 + 4 + 4 + 2;

/// A client message id (`UNIQ_KEY`): `ip | pid | salt | ms since month start | counter`, 16 bytes (32 hex chars)
/// with an IPv4 address or 28 bytes (56 hex chars) with an IPv6 one.
///
/// Servers treat the id as an opaque string; only its shape matters for tools that take it apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientMessageId {
    /// The producer's IP address.
    pub ip: IpAddr,
    /// The low 16 bits of the producer's process id.
    pub pid: u16,
    /// A per-process value; Java writes the hash code of its class loader here.
    pub salt: u32,
    /// Milliseconds since the start of the month the id was made in (the low 32 bits; Java's `int` goes
    /// negative after 24.8 days, the bits are the same).
    pub millis_since_month_start: u32,
    /// A per-process counter that wraps.
    pub counter: u16,
}

impl ClientMessageId {
    /// Parses 32 (IPv4) or 56 (IPv6) hex characters in either case.
    pub fn parse(text: &str) -> Result<Self> {
        let mut raw = [0u8; 16 + CLIENT_ID_TAIL_LEN];
        let ipv6 = match text.len() {
            32 => false,
            56 => true,
            other => {
                return Err(ProtocolError::invalid(
                    "client message id",
                    format!("{other} characters, expected 32 (IPv4) or 56 (IPv6)"),
                ));
            }
        };
        let raw = &mut raw[..text.len() / 2];
        decode_hex(text, raw, "client message id")?;
        let mut r = Reader::new(raw, "client message id");
        Ok(ClientMessageId {
            ip: host::read_ip(&mut r, ipv6)?,
            pid: r.i16()? as u16,
            salt: r.i32()? as u32,
            millis_since_month_start: r.i32()? as u32,
            counter: r.i16()? as u16,
        })
    }
}

impl fmt::Display for ClientMessageId {
    /// Upper-case hex, as Java's `UtilAll.bytes2string`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(56);
        push_ip_hex(&mut text, &self.ip);
        push_hex(&mut text, &self.pid.to_be_bytes());
        push_hex(&mut text, &self.salt.to_be_bytes());
        push_hex(&mut text, &self.millis_since_month_start.to_be_bytes());
        push_hex(&mut text, &self.counter.to_be_bytes());
        f.write_str(&text)
    }
}

impl FromStr for ClientMessageId {
    type Err = ProtocolError;

    fn from_str(text: &str) -> Result<Self> {
        ClientMessageId::parse(text)
    }
}

/// Makes client message ids for one process; share one generator between threads (it is `Send + Sync`).
///
/// The first 10 (IPv4) or 22 (IPv6) bytes are fixed per generator: IP, pid and salt. Pass a random salt: with the
/// pid it keeps two processes on one host apart. Within a generator an atomic 16-bit counter keeps ids apart, so
/// ids repeat only if 65 536 of them are made within the same millisecond.
#[derive(Debug)]
pub struct MessageIdGenerator {
    ip: IpAddr,
    pid: u16,
    salt: u32,
    /// IP, pid and salt in hex, computed once.
    prefix: String,
    counter: AtomicU16,
}

impl MessageIdGenerator {
    /// A generator for a producer at `ip` with process id `pid` (its low 16 bits are used) and a random `salt`.
    pub fn new(ip: IpAddr, pid: u32, salt: u32) -> Self {
        let pid = pid as u16;
        let mut prefix = String::with_capacity(44);
        push_ip_hex(&mut prefix, &ip);
        push_hex(&mut prefix, &pid.to_be_bytes());
        push_hex(&mut prefix, &salt.to_be_bytes());
        MessageIdGenerator {
            ip,
            pid,
            salt,
            prefix,
            counter: AtomicU16::new(0),
        }
    }

    /// The next id at `unix_millis`, the current time in ms since the Unix epoch.
    pub fn next(&self, unix_millis: i64) -> ClientMessageId {
        ClientMessageId {
            ip: self.ip,
            pid: self.pid,
            salt: self.salt,
            millis_since_month_start: millis_since_month_start(unix_millis),
            counter: self.counter.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The next id at `unix_millis`, as the upper-case hex string that goes into `UNIQ_KEY`.
    pub fn next_id(&self, unix_millis: i64) -> String {
        let millis = millis_since_month_start(unix_millis);
        let counter = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut text = String::with_capacity(self.prefix.len() + 12);
        text.push_str(&self.prefix);
        push_hex(&mut text, &millis.to_be_bytes());
        push_hex(&mut text, &counter.to_be_bytes());
        text
    }
}

/// Milliseconds from the start of the month (UTC) containing `unix_millis` to `unix_millis`.
///
/// Java counts from the start of the month in the JVM's default time zone; any base does, since servers treat
/// the id as opaque. A time outside the `time` crate's range (beyond year ±9999) gives its low 32 bits.
pub fn millis_since_month_start(unix_millis: i64) -> u32 {
    let nanos = i128::from(unix_millis) * 1_000_000;
    let month_start = OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|now| now.replace_day(1).ok())
        .map(|first_day| first_day.replace_time(Time::MIDNIGHT));
    match month_start {
        // At most 31 days, which fits 32 bits.
        Some(start) => (i128::from(unix_millis) - start.unix_timestamp_nanos() / 1_000_000) as u32,
        None => unix_millis as u32,
    }
}

/// An offset message id: the store host and the unit's commitlog offset, 16 bytes (32 hex chars) for an IPv4
/// host or 28 bytes (56 hex chars) for an IPv6 one. Brokers return it as the `msgId` of a send and find messages
/// by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OffsetMessageId {
    /// The broker address written into the unit (`brokerIP1:listenPort`).
    pub store_host: SocketAddr,
    /// The unit's byte offset in the commitlog.
    pub commit_log_offset: i64,
}

impl OffsetMessageId {
    /// The id of the unit at `commit_log_offset` stored by `store_host`.
    pub fn new(store_host: SocketAddr, commit_log_offset: i64) -> Self {
        OffsetMessageId {
            store_host,
            commit_log_offset,
        }
    }

    /// Parses 32 (IPv4) or 56 (IPv6) hex characters in either case.
    pub fn parse(text: &str) -> Result<Self> {
        let ipv6 = match text.len() {
            32 => false,
            56 => true,
            other => {
                return Err(ProtocolError::invalid(
                    "offset message id",
                    format!("{other} characters, expected 32 (IPv4) or 56 (IPv6)"),
                ));
            }
        };
        let mut raw = [0u8; 28];
        let raw = &mut raw[..text.len() / 2];
        decode_hex(text, raw, "offset message id")?;
        let mut r = Reader::new(raw, "offset message id");
        let store_host = host::read(&mut r, ipv6, "offset message id")?;
        Ok(OffsetMessageId {
            store_host,
            commit_log_offset: r.i64()?,
        })
    }
}

impl fmt::Display for OffsetMessageId {
    /// Upper-case hex, as Java's `MessageDecoder.createMessageId`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = Vec::with_capacity(28);
        host::put(&mut raw, &self.store_host);
        raw.extend_from_slice(&self.commit_log_offset.to_be_bytes());
        let mut text = String::with_capacity(56);
        push_hex(&mut text, &raw);
        f.write_str(&text)
    }
}

impl FromStr for OffsetMessageId {
    type Err = ProtocolError;

    fn from_str(text: &str) -> Result<Self> {
        OffsetMessageId::parse(text)
    }
}

fn push_ip_hex(text: &mut String, ip: &IpAddr) {
    match ip {
        IpAddr::V4(ip) => push_hex(text, &ip.octets()),
        IpAddr::V6(ip) => push_hex(text, &ip.octets()),
    }
}

fn push_hex(text: &mut String, bytes: &[u8]) {
    for byte in bytes {
        text.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(HEX_DIGITS[usize::from(byte & 0x0F)]));
    }
}

/// Fills `out` from `text`, which must have exactly two hex digits per byte.
fn decode_hex(text: &str, out: &mut [u8], what: &'static str) -> Result<()> {
    let digits = text.as_bytes();
    if digits.len() != out.len() * 2 {
        return Err(ProtocolError::invalid(
            what,
            format!("{} hex digits for {} bytes", digits.len(), out.len()),
        ));
    }
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let (high, low) = match pair {
            [high, low] => (hex_value(*high, what)?, hex_value(*low, what)?),
            _ => return Err(ProtocolError::invalid(what, "odd number of hex digits")),
        };
        *byte = (high << 4) | low;
    }
    Ok(())
}

fn hex_value(digit: u8, what: &'static str) -> Result<u8> {
    match digit {
        b'0'..=b'9' => Ok(digit - b'0'),
        b'a'..=b'f' => Ok(digit - b'a' + 10),
        b'A'..=b'F' => Ok(digit - b'A' + 10),
        other => Err(ProtocolError::invalid(
            what,
            format!("{:?} is not a hex digit", char::from(other)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::net::{Ipv4Addr, Ipv6Addr};
    use std::sync::Arc;

    use super::*;

    #[test]
    fn decodes_the_client_id_example() {
        let id = ClientMessageId::parse("7F000001A3E530F399910F2AB16903E1").unwrap();
        assert_eq!(
            id,
            ClientMessageId {
                ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
                pid: 41957,
                salt: 0x30F3_9991,
                millis_since_month_start: 254_456_169,
                counter: 993,
            }
        );
        assert_eq!(id.to_string(), "7F000001A3E530F399910F2AB16903E1");
        assert_eq!(
            "7f000001a3e530f399910f2ab16903e1"
                .parse::<ClientMessageId>()
                .unwrap(),
            id
        );
    }

    #[test]
    fn client_ids_with_ipv6() {
        let id = ClientMessageId {
            ip: IpAddr::V6("fe80::1:2".parse().unwrap()),
            pid: 1,
            salt: 0xDEAD_BEEF,
            millis_since_month_start: u32::MAX,
            counter: 65535,
        };
        let text = id.to_string();
        assert_eq!(
            text,
            "FE800000000000000000000000010002".to_owned() + "0001DEADBEEFFFFFFFFFFFFF"
        );
        assert_eq!(text.len(), 56);
        assert_eq!(ClientMessageId::parse(&text).unwrap(), id);
    }

    #[test]
    fn bad_client_ids_are_errors() {
        for text in [
            "",
            "7F000001A3E530F399910F2AB16903E",
            "7F000001A3E530F399910F2AB16903EG",
            "7F000001A3E530F399910F2AB16903É",
        ] {
            assert!(ClientMessageId::parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn decodes_the_offset_id_example() {
        let id = OffsetMessageId::parse("C0A8BF8700002A9F000000000002E858").unwrap();
        assert_eq!(id.store_host, "192.168.191.135:10911".parse().unwrap());
        assert_eq!(id.commit_log_offset, 190_552);
        assert_eq!(id.to_string(), "C0A8BF8700002A9F000000000002E858");
    }

    #[test]
    fn offset_ids_with_ipv6() {
        let id = OffsetMessageId::new(SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 10911), i64::MAX);
        let text = id.to_string();
        assert_eq!(
            text,
            "00000000000000000000000000000001".to_owned() + "00002A9F7FFFFFFFFFFFFFFF"
        );
        assert_eq!(text.parse::<OffsetMessageId>().unwrap(), id);
    }

    #[test]
    fn offset_id_ports_must_fit() {
        assert!(OffsetMessageId::parse("C0A8BF8700012A9F000000000002E858").is_err());
        assert!(OffsetMessageId::parse("C0A8BF87FFFFFFFF000000000002E858").is_err());
    }

    #[test]
    fn month_start_is_utc() {
        // 2025-09-03T22:40:56.169Z is 2 d 22 h 40 min 56.169 s after 2025-09-01T00:00Z.
        let sept_3 = 1_756_939_256_169;
        assert_eq!(millis_since_month_start(sept_3), 254_456_169);
        let sept_1 = 1_756_684_800_000;
        assert_eq!(millis_since_month_start(sept_1), 0);
        assert_eq!(
            millis_since_month_start(sept_1 - 1),
            31 * 86_400_000 - 1,
            "the last ms of August"
        );
        assert_eq!(millis_since_month_start(0), 0);
        assert_eq!(
            millis_since_month_start(-1),
            31 * 86_400_000 - 1,
            "the last ms of December 1969"
        );
        // Out of the calendar's range: no panic.
        let _ = millis_since_month_start(i64::MAX);
        let _ = millis_since_month_start(i64::MIN);
    }

    #[test]
    fn generated_ids_have_the_fixed_prefix_and_parse() {
        let generator =
            MessageIdGenerator::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 7)), 0x0001_A3E5, 0x30F3_9991);
        let first = generator.next_id(1_756_939_256_169);
        assert_eq!(first, "0A000007A3E530F399910F2AB1690000");
        let second = generator.next(1_756_939_256_169);
        assert_eq!(second.counter, 1);
        assert_eq!(ClientMessageId::parse(&first).unwrap().counter, 0);
        assert_eq!(second.to_string(), "0A000007A3E530F399910F2AB1690001");
    }

    #[test]
    fn ids_from_many_threads_are_unique() {
        const THREADS: usize = 4;
        const PER_THREAD: usize = 16_000; // below the counter's 65 536 so that one fixed timestamp suffices
        let generator = Arc::new(MessageIdGenerator::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 4242, 7));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let generator = Arc::clone(&generator);
                std::thread::spawn(move || {
                    (0..PER_THREAD)
                        .map(|_| generator.next_id(1_756_939_256_169))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut seen = HashSet::new();
        for handle in handles {
            for id in handle.join().unwrap() {
                assert!(seen.insert(id.clone()), "duplicate id {id}");
            }
        }
        assert_eq!(seen.len(), THREADS * PER_THREAD);
    }

    #[test]
    fn generator_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<MessageIdGenerator>();
    }
}
