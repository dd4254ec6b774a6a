//! The local hour of the day, for `deleteWhen` (Java's `Calendar.getInstance().get(HOUR_OF_DAY)`): chrono's local
//! zone, which reads `TZ` or `/etc/localtime` itself (safe in a multi-threaded process, unlike `localtime_r`).

use chrono::Timelike;

/// The current hour of the day (0..=23) in the local time zone.
pub(crate) fn local_hour_now() -> u8 {
    // `hour()` is always below 24.
    u8::try_from(chrono::Local::now().hour()).unwrap_or(0)
}
