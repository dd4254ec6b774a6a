//! How mqadmin writes and reads values, so `fulmen` prints the same text: `UtilAll.frontStringAtLeast`,
//! `timeMillisToHumanString2`, `formatDate(yyyy-MM-dd HH:mm:ss)`, `PermName.perm2String`, `TopicConfig.toString`,
//! Java's map `toString`, and the timestamp arguments (`now`, millis or `yyyy-MM-dd#HH:mm:ss:SSS`, local time).

use chrono::{Local, LocalResult, NaiveDateTime, TimeZone};
use fulmen_protocol::java_text::hash_map_to_string;

/// The capacity of the properties map Java's `MessageDecoder.string2messageProperties` builds (`new HashMap<>(128)`).
const PROPERTIES_CAPACITY: usize = 128;

/// The first `len` characters of `text` (`UtilAll.frontStringAtLeast`: it truncates, `%-Ns` then pads).
pub fn front(text: &str, len: usize) -> &str {
    match text.char_indices().nth(len) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// `yyyy-MM-dd HH:mm:ss,SSS` in local time (`UtilAll.timeMillisToHumanString2`).
pub fn human_millis(millis: i64) -> String {
    local(millis).map_or_else(String::new, |time| {
        time.format("%Y-%m-%d %H:%M:%S,%3f").to_string()
    })
}

/// `yyyy-MM-dd HH:mm:ss` in local time (`UtilAll.formatDate(date, YYYY_MM_DD_HH_MM_SS)`).
pub fn human_seconds(millis: i64) -> String {
    local(millis).map_or_else(String::new, |time| time.format("%Y-%m-%d %H:%M:%S").to_string())
}

fn local(millis: i64) -> Option<chrono::DateTime<Local>> {
    match Local.timestamp_millis_opt(millis) {
        LocalResult::Single(time) | LocalResult::Ambiguous(time, _) => Some(time),
        LocalResult::None => None,
    }
}

/// A timestamp argument: `now` (when `allow_now`), milliseconds since the epoch, or local
/// `yyyy-MM-dd#HH:mm:ss:SSS` (`UtilAll.YYYY_MM_DD_HH_MM_SS_SSS`).
pub fn parse_timestamp(text: &str, allow_now: bool) -> Result<i64, String> {
    let text = text.trim();
    if allow_now && text == "now" {
        return Ok(chrono::Utc::now().timestamp_millis());
    }
    if let Ok(millis) = text.parse::<i64>() {
        return Ok(millis);
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d#%H:%M:%S:%3f")
        .map_err(|_| format!("{text} is neither milliseconds nor yyyy-MM-dd#HH:mm:ss:SSS"))?;
    match Local.from_local_datetime(&naive) {
        LocalResult::Single(time) | LocalResult::Ambiguous(time, _) => Ok(time.timestamp_millis()),
        LocalResult::None => Err(format!("{text} does not exist in the local time zone")),
    }
}

/// A map as Java's `AbstractMap.toString`: `{k1=v1, k2=v2}`.
pub fn java_map<K: std::fmt::Display, V: std::fmt::Display>(
    entries: impl IntoIterator<Item = (K, V)>,
) -> String {
    let items: Vec<String> = entries
        .into_iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// Message properties as Java prints the `HashMap` `MessageDecoder` reads them into.
pub fn java_properties(properties: &indexmap::IndexMap<String, String>) -> String {
    hash_map_to_string(properties.iter(), PROPERTIES_CAPACITY)
}

/// A Java `double` as `String.valueOf` writes it for ordinary values (`0.0`, `12.5`).
pub fn java_double(value: f64) -> String {
    format!("{value:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_truncates_by_characters() {
        assert_eq!(front("broker-a", 32), "broker-a");
        assert_eq!(front("abcdef", 3), "abc");
        assert_eq!(front("äöü", 2), "äö");
    }

    #[test]
    fn timestamps_parse_both_forms_and_round_trip() {
        assert_eq!(parse_timestamp("1700000000123", false), Ok(1_700_000_000_123));
        let millis = parse_timestamp("2024-03-01#12:34:56:789", false).unwrap();
        assert_eq!(human_millis(millis), "2024-03-01 12:34:56,789");
        assert_eq!(human_seconds(millis), "2024-03-01 12:34:56");
        assert!(parse_timestamp("now", true).unwrap() > millis);
        assert!(parse_timestamp("now", false).is_err());
        assert!(parse_timestamp("yesterday", true).is_err());
        assert_eq!(java_double(0.0), "0.0");
        assert_eq!(java_map([("a", 1), ("b", 2)]), "{a=1, b=2}");
    }
}
