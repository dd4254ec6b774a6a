//! The order `RebalanceImpl#rebalanceByTopic` puts queues and client ids in before allocating
//! (`Collections.sort`): `MessageQueue#compareTo` (topic, broker name, queue id) and `String#compareTo`, which
//! compare UTF-16 code units. Rust's `str` order compares code points, which differs for characters above
//! U+FFFF against U+E000..U+FFFF, so the derived `Ord` of [`MessageQueue`] is not used here.

use std::cmp::Ordering;

use fulmen_protocol::body::MessageQueue;

/// Java's `String#compareTo`: lexicographic over UTF-16 code units.
pub(super) fn compare_java_strings(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Java's `MessageQueue#compareTo`. Java subtracts the queue ids, which overflows only for ids more than 2^31
/// apart (a negative queue id); Fulmen compares them plainly so that the order stays total.
pub(super) fn compare_queues(a: &MessageQueue, b: &MessageQueue) -> Ordering {
    compare_java_strings(&a.topic, &b.topic)
        .then_with(|| compare_java_strings(&a.broker_name, &b.broker_name))
        .then_with(|| a.queue_id.cmp(&b.queue_id))
}

/// Sorts the inputs of an allocation as `RebalanceImpl#rebalanceByTopic` does (stable, like `Collections.sort`).
pub fn sort_for_allocation(mq_all: &mut [MessageQueue], cid_all: &mut [String]) {
    mq_all.sort_by(compare_queues);
    cid_all.sort_by(|a, b| compare_java_strings(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_compare_by_utf16_units_not_code_points() {
        // U+1F600 is the surrogate pair D83D DE00, below U+FF21 in UTF-16 but above it as a code point.
        assert_eq!(compare_java_strings("\u{1F600}", "\u{FF21}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF21}"), Ordering::Greater);
        assert_eq!(compare_java_strings("ab", "abc"), Ordering::Less);
        assert_eq!(compare_java_strings("b", "abc"), Ordering::Greater);
    }

    #[test]
    fn queues_sort_by_topic_then_broker_then_numeric_id() {
        let mut queues = vec![
            MessageQueue::new("T", "b", 10),
            MessageQueue::new("T", "b", 2),
            MessageQueue::new("T", "a", 11),
            MessageQueue::new("S", "z", 0),
        ];
        let mut ids = vec!["b".to_string(), "a".to_string()];
        sort_for_allocation(&mut queues, &mut ids);
        let order: Vec<(&str, &str, i32)> = queues
            .iter()
            .map(|queue| (queue.topic.as_str(), queue.broker_name.as_str(), queue.queue_id))
            .collect();
        assert_eq!(
            order,
            [("S", "z", 0), ("T", "a", 11), ("T", "b", 2), ("T", "b", 10)]
        );
        assert_eq!(ids, ["a", "b"]);
    }
}
