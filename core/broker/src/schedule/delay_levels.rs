//! The delay levels (`messageDelayLevel`), parsed as Java's `ScheduleMessageService.parseDelayLevel` does, and
//! the deliver time of a scheduled message (`computeDeliverTimestamp`).

/// Apache's default `messageDelayLevel`.
pub(crate) const DEFAULT_MESSAGE_DELAY_LEVEL: &str =
    "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

/// What an unknown level is delayed by (`computeDeliverTimestamp`'s fallback).
const UNKNOWN_LEVEL_DELAY_MS: i64 = 1000;

/// The delay of every level: level n (1-based) is delayed by `millis[n - 1]`; it lives in queue n - 1 of
/// `SCHEDULE_TOPIC_XXXX`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DelayLevels {
    millis: Vec<i64>,
}

impl DelayLevels {
    /// Parses `text` like Java: split on single spaces (trailing empty pieces dropped, as `String.split` does),
    /// each piece a `long` followed by one unit letter `s`, `m`, `h` or `d`. Anything else is an error (Java's
    /// `load()` fails and the broker does not start).
    pub(crate) fn parse(text: &str) -> Result<DelayLevels, String> {
        let pieces: Vec<&str> = text.trim_end_matches(' ').split(' ').collect();
        let mut millis = Vec::with_capacity(pieces.len());
        for piece in pieces {
            let mut chars = piece.chars();
            let unit = match chars.next_back() {
                Some('s') => 1000,
                Some('m') => 60_000,
                Some('h') => 3_600_000,
                Some('d') => 86_400_000,
                Some(other) => return Err(format!("unknown time unit {other:?} in {piece:?}")),
                None => return Err("an empty level (two spaces in a row?)".into()),
            };
            let number: i64 = chars
                .as_str()
                .parse()
                .map_err(|_| format!("{piece:?} does not start with a number"))?;
            millis.push(number.wrapping_mul(unit));
        }
        Ok(DelayLevels { millis })
    }

    /// The highest level (`maxDelayLevel`): the number of levels.
    pub(crate) fn max_level(&self) -> i32 {
        self.millis.len() as i32
    }

    /// The levels and their delays, level 1 first.
    pub(crate) fn levels(&self) -> impl Iterator<Item = (i32, i64)> + '_ {
        (1..).zip(self.millis.iter().copied())
    }

    /// The delay of `level`, if it is one.
    pub(crate) fn delay_millis(&self, level: i32) -> Option<i64> {
        let index = usize::try_from(level.checked_sub(1)?).ok()?;
        self.millis.get(index).copied()
    }

    /// When a message of `level` stored at `store_timestamp` is due (`computeDeliverTimestamp`).
    pub(crate) fn deliver_timestamp(&self, level: i32, store_timestamp: i64) -> i64 {
        store_timestamp.wrapping_add(self.delay_millis(level).unwrap_or(UNKNOWN_LEVEL_DELAY_MS))
    }
}

/// The queue of `SCHEDULE_TOPIC_XXXX` that holds `level` (`delayLevel2QueueId`).
pub(crate) fn level_to_queue_id(level: i32) -> i32 {
    level - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_has_eighteen_levels_in_javas_units() {
        let levels = DelayLevels::parse(DEFAULT_MESSAGE_DELAY_LEVEL).unwrap();
        assert_eq!(levels.max_level(), 18);
        assert_eq!(levels.delay_millis(1), Some(1000));
        assert_eq!(levels.delay_millis(3), Some(10_000));
        assert_eq!(levels.delay_millis(5), Some(60_000));
        assert_eq!(levels.delay_millis(18), Some(7_200_000));
        assert_eq!(levels.delay_millis(0), None);
        assert_eq!(levels.delay_millis(19), None);
        assert_eq!(levels.deliver_timestamp(2, 100), 5100);
        assert_eq!(levels.deliver_timestamp(40, 100), 1100, "unknown level: +1 s");
        assert_eq!(
            DelayLevels::parse("2d ").unwrap().delay_millis(1),
            Some(172_800_000)
        );
    }

    #[test]
    fn bad_units_and_numbers_are_errors() {
        assert!(
            DelayLevels::parse("1s 5x")
                .unwrap_err()
                .contains("unknown time unit")
        );
        assert!(
            DelayLevels::parse("1s  5s").is_err(),
            "an empty piece, as in Java"
        );
        assert!(DelayLevels::parse("s").is_err());
        assert!(DelayLevels::parse("").is_err());
        assert!(DelayLevels::parse("1S").is_err(), "units are lower case");
    }
}
