//! The local hour of the day, for `deleteWhen` (Java's `Calendar.getInstance().get(HOUR_OF_DAY)`), without
//! `unsafe` `localtime_r`: the UTC offset comes from the zone file the C library would read (`TZ=:path`,
//! `TZ=Area/City` under `/usr/share/zoneinfo`, else `/etc/localtime`), a TZif file whose transitions give the
//! offset in force at a time; a `TZ` such as `UTC` or `CST-8` without daylight rules is read as a fixed offset.
//! Anything unreadable means UTC. Times after the file's last transition keep its last offset (the POSIX rule in
//! the file's footer, which zones with daylight saving use beyond 2037, is not read).

use std::path::{Path, PathBuf};

/// The current hour of the day (0..=23) in the local time zone.
pub(crate) fn local_hour_now() -> u8 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX));
    let offset = utc_offset_at(std::env::var("TZ").ok().as_deref(), now).unwrap_or(0);
    hour_of_day(now, offset)
}

/// The hour of day of `unix_seconds` at `offset_seconds` east of UTC.
fn hour_of_day(unix_seconds: i64, offset_seconds: i32) -> u8 {
    let local = unix_seconds.saturating_add(i64::from(offset_seconds));
    (local.rem_euclid(86_400) / 3600) as u8
}

/// The UTC offset (seconds east) in force at `unix_seconds` for the zone named by `tz` (the `TZ` variable).
fn utc_offset_at(tz: Option<&str>, unix_seconds: i64) -> Option<i32> {
    match tz {
        None | Some("") => tzif_offset_at(&std::fs::read("/etc/localtime").ok()?, unix_seconds),
        Some(tz) => {
            let path = match tz.strip_prefix(':') {
                Some(path) if path.starts_with('/') => PathBuf::from(path),
                Some(name) => Path::new("/usr/share/zoneinfo").join(name),
                None => Path::new("/usr/share/zoneinfo").join(tz),
            };
            match std::fs::read(&path) {
                Ok(bytes) => tzif_offset_at(&bytes, unix_seconds),
                Err(_) => posix_fixed_offset(tz),
            }
        }
    }
}

/// A `TZ` of the POSIX form `NAME[+-]HH[:MM]` without daylight rules (e.g. `UTC`, `CST-8`), as seconds east.
fn posix_fixed_offset(tz: &str) -> Option<i32> {
    let rest = tz.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    if rest.len() == tz.len() {
        return None;
    }
    if rest.is_empty() {
        return Some(0);
    }
    let (west, digits) = match rest.as_bytes().first()? {
        b'-' => (false, rest.get(1..)?),
        b'+' => (true, rest.get(1..)?),
        _ => (true, rest),
    };
    let mut parts = digits.split(':');
    let hours: i32 = parts.next()?.parse().ok()?;
    let minutes: i32 = parts.next().map_or(Some(0), |minutes| minutes.parse().ok())?;
    if parts.next().is_some() || hours > 24 || minutes > 59 {
        return None;
    }
    // POSIX offsets count west of Greenwich: `CST-8` is UTC+8.
    let seconds = hours * 3600 + minutes * 60;
    Some(if west { -seconds } else { seconds })
}

/// The offset a TZif file (RFC 8536) gives for `unix_seconds`: the type of the last transition at or before it,
/// or the first type before any transition. Uses the 64-bit data of version 2+ files. `None` for a malformed
/// file.
fn tzif_offset_at(bytes: &[u8], unix_seconds: i64) -> Option<i32> {
    let v1 = TzifHeader::parse(bytes)?;
    if bytes.get(4).copied().unwrap_or(0) >= b'2' {
        let v2_start = 44 + v1.data_len(4)?;
        let v2 = TzifHeader::parse(bytes.get(v2_start..)?)?;
        v2.offset_at(bytes.get(v2_start + 44..)?, 8, unix_seconds)
    } else {
        v1.offset_at(bytes.get(44..)?, 4, unix_seconds)
    }
}

/// The counts of a TZif header.
struct TzifHeader {
    isutcnt: usize,
    isstdcnt: usize,
    leapcnt: usize,
    timecnt: usize,
    typecnt: usize,
    charcnt: usize,
}

impl TzifHeader {
    fn parse(bytes: &[u8]) -> Option<TzifHeader> {
        if bytes.get(..4)? != b"TZif" {
            return None;
        }
        let count = |index: usize| -> Option<usize> {
            let at = 20 + index * 4;
            let raw: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
            usize::try_from(u32::from_be_bytes(raw)).ok()
        };
        Some(TzifHeader {
            isutcnt: count(0)?,
            isstdcnt: count(1)?,
            leapcnt: count(2)?,
            timecnt: count(3)?,
            typecnt: count(4)?,
            charcnt: count(5)?,
        })
    }

    /// The length of the data block after the header, with `time_size`-byte times.
    fn data_len(&self, time_size: usize) -> Option<usize> {
        let times = self.timecnt.checked_mul(time_size + 1)?;
        let types = self.typecnt.checked_mul(6)?;
        let leaps = self.leapcnt.checked_mul(time_size + 4)?;
        times
            .checked_add(types)?
            .checked_add(self.charcnt)?
            .checked_add(leaps)?
            .checked_add(self.isstdcnt)?
            .checked_add(self.isutcnt)
    }

    fn offset_at(&self, data: &[u8], time_size: usize, unix_seconds: i64) -> Option<i32> {
        let time_at = |index: usize| -> Option<i64> {
            let raw = data.get(index * time_size..(index + 1) * time_size)?;
            Some(match time_size {
                8 => i64::from_be_bytes(raw.try_into().ok()?),
                _ => i64::from(i32::from_be_bytes(raw.try_into().ok()?)),
            })
        };
        let indices_start = self.timecnt.checked_mul(time_size)?;
        let types_start = indices_start.checked_add(self.timecnt)?;
        let mut type_index = 0usize;
        for index in 0..self.timecnt {
            if time_at(index)? > unix_seconds {
                break;
            }
            type_index = usize::from(*data.get(indices_start + index)?);
        }
        if type_index >= self.typecnt {
            return None;
        }
        let at = types_start + type_index * 6;
        let raw: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
        Some(i32::from_be_bytes(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version-1 TZif file with UTC+1 until 1000 s, then UTC+2 (both as "types").
    fn tzif_v1() -> Vec<u8> {
        let mut bytes = b"TZif".to_vec();
        bytes.push(0);
        bytes.extend([0u8; 15]);
        for count in [0u32, 0, 0, 1, 2, 4] {
            bytes.extend(count.to_be_bytes());
        }
        bytes.extend(1000i32.to_be_bytes());
        bytes.push(1);
        bytes.extend(3600i32.to_be_bytes());
        bytes.extend([0, 0]);
        bytes.extend(7200i32.to_be_bytes());
        bytes.extend([0, 0]);
        bytes.extend(b"AB\0\0");
        bytes
    }

    #[test]
    fn reads_the_offset_in_force_from_a_tzif_file() {
        let file = tzif_v1();
        assert_eq!(
            tzif_offset_at(&file, 999),
            Some(3600),
            "before the transition: type 0"
        );
        assert_eq!(tzif_offset_at(&file, 1000), Some(7200));
        assert_eq!(tzif_offset_at(&file[..30], 1000), None, "truncated");
        assert_eq!(tzif_offset_at(b"not a zone file at all, not at all....", 0), None);
        if let Ok(utc) = std::fs::read("/usr/share/zoneinfo/UTC") {
            assert_eq!(tzif_offset_at(&utc, 1_700_000_000), Some(0));
        }
        if let Ok(shanghai) = std::fs::read("/usr/share/zoneinfo/Asia/Shanghai") {
            assert_eq!(
                tzif_offset_at(&shanghai, 1_700_000_000),
                Some(8 * 3600),
                "v2 data"
            );
        }
    }

    #[test]
    fn posix_fixed_offsets_and_hours() {
        assert_eq!(posix_fixed_offset("UTC"), Some(0));
        assert_eq!(posix_fixed_offset("CST-8"), Some(8 * 3600));
        assert_eq!(posix_fixed_offset("EST+5"), Some(-5 * 3600));
        assert_eq!(posix_fixed_offset("IST-5:30"), Some(5 * 3600 + 1800));
        assert_eq!(posix_fixed_offset("-8"), None);
        assert_eq!(posix_fixed_offset("X-99"), None);
        assert_eq!(utc_offset_at(Some("NoSuchZone-3"), 0), Some(3 * 3600));
        assert_eq!(hour_of_day(0, 0), 0);
        assert_eq!(hour_of_day(3600 * 5 + 59, 8 * 3600), 13);
        assert_eq!(hour_of_day(1800, -3600), 23);
        assert!(local_hour_now() < 24);
    }
}
