//! How mqadmin writes and reads values, so `fulmen` prints the same text: `UtilAll.frontStringAtLeast`,
//! `timeMillisToHumanString2`, `formatDate(yyyy-MM-dd HH:mm:ss)`, `PermName.perm2String`, `TopicConfig.toString`,
//! Java's map `toString`, and the timestamp arguments (`now`, millis or `yyyy-MM-dd#HH:mm:ss:SSS`, local time).

use chrono::{Local, LocalResult, NaiveDateTime, TimeZone};
use fulmen_protocol::body::TopicConfig;

use super::java_hash_order::{PROPERTIES_CAPACITY, java_hash_order};

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

/// `PermName.perm2String`: `R`, `W`, `X` (inherit) or `-` in that order.
pub fn perm_string(perm: i32) -> String {
    let flag = |bit: i32, letter: char| if perm & bit != 0 { letter } else { '-' };
    [flag(4, 'R'), flag(2, 'W'), flag(1, 'X')].iter().collect()
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
    let entries: Vec<(&String, &String)> = properties.iter().collect();
    java_map(java_hash_order(entries, PROPERTIES_CAPACITY, |(key, _)| {
        fulmen_protocol::message::java_string_hash_code(key)
    }))
}

/// `TopicConfig.toString`.
pub fn topic_config_string(config: &TopicConfig) -> String {
    format!(
        "TopicConfig [topicName={}, readQueueNums={}, writeQueueNums={}, perm={}, topicFilterType={}, \
         topicSysFlag={}, order={}, attributes={}]",
        config.topic_name,
        config.read_queue_nums,
        config.write_queue_nums,
        perm_string(config.perm),
        config.topic_filter_type.as_str(),
        config.topic_sys_flag,
        config.order,
        java_map(&config.attributes)
    )
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
    fn perms_and_topic_config_read_like_java() {
        assert_eq!(perm_string(6), "RW-");
        assert_eq!(perm_string(4), "R--");
        assert_eq!(perm_string(7), "RWX");
        let config = TopicConfig {
            topic_name: "T".into(),
            read_queue_nums: 8,
            write_queue_nums: 8,
            ..TopicConfig::default()
        };
        assert_eq!(
            topic_config_string(&config),
            "TopicConfig [topicName=T, readQueueNums=8, writeQueueNums=8, perm=RW-, topicFilterType=SINGLE_TAG, \
             topicSysFlag=0, order=false, attributes={}]"
        );
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
