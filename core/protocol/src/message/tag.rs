//! Tag hash codes: the consume queue stores `(long) tags.hashCode()`, Java's `String.hashCode`, and brokers filter
//! subscriptions on it.

/// Java's `String.hashCode`: `h = 31 * h + c` over the UTF-16 code units of `text`, with `int` overflow.
pub fn java_string_hash_code(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |hash, unit| {
        hash.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// The consume-queue tag code of a message with `tags`: the Java hash code sign-extended to 64 bits, 0 without
/// tags (Java's `MessageExtBrokerInner.tagsString2tagsCode`).
pub fn tags_code(tags: Option<&str>) -> i64 {
    match tags {
        Some(tags) if !tags.is_empty() => i64::from(java_string_hash_code(tags)),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_java() {
        assert_eq!(tags_code(Some("TagA")), 2598919);
        assert_eq!(tags_code(Some("TagB")), 2598920);
        assert_eq!(tags_code(Some("*")), 42);
        assert_eq!(tags_code(None), 0);
        assert_eq!(tags_code(Some("")), 0);
        // Values printed by Java 17's `String.hashCode`.
        assert_eq!(
            tags_code(Some("标签😀")),
            825518074,
            "a surrogate pair counts as two code units"
        );
        assert_eq!(tags_code(Some("😀")), 1772899);
        assert_eq!(tags_code(Some("𝄞music")), 1496085755);
        assert_eq!(tags_code(Some("ünïcødé-tag")), 389950276);
        assert_eq!(tags_code(Some("TagA||TagB")), 1789476431);
        assert_eq!(tags_code(Some("order_paid_event")), -813711112, "sign-extended");
        assert_eq!(
            java_string_hash_code("a-very-long-tag-name-that-overflows-the-int-hash-0123456789"),
            2028103537
        );
    }
}
