//! The iteration order of Java's `HashMap` / `HashSet`, which mqadmin's output follows wherever Java decodes a
//! set or map (the topic list, a topic's message queues, message properties): buckets in index order
//! (`(h ^ h >>> 16) & (capacity - 1)`), insertion order within a bucket, the capacity grown by doubling while the
//! size exceeds three quarters of it. Buckets turned into trees (8+ colliding keys) are not modelled.

use fulmen_protocol::body::MessageQueue;
use fulmen_protocol::message::java_string_hash_code;

/// The capacity of `new HashMap()` / `new HashSet()`.
pub const DEFAULT_CAPACITY: usize = 16;
/// The capacity of the properties map Java's `MessageDecoder.string2messageProperties` builds (`new HashMap<>(128)`).
pub const PROPERTIES_CAPACITY: usize = 128;

/// `items`, inserted in this order into a Java hash container created with `initial_capacity`, in the order
/// Java iterates them; `hash` is the element's Java `hashCode`.
pub fn java_hash_order<T>(items: Vec<T>, initial_capacity: usize, hash: impl Fn(&T) -> i32) -> Vec<T> {
    let mut capacity = initial_capacity.max(1).next_power_of_two();
    while items.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    let mask = capacity - 1;
    let mut keyed: Vec<(usize, T)> = items
        .into_iter()
        .map(|item| {
            let h = hash(&item) as u32;
            ((h ^ (h >> 16)) as usize & mask, item)
        })
        .collect();
    keyed.sort_by_key(|(bucket, _)| *bucket); // stable: insertion order within a bucket
    keyed.into_iter().map(|(_, item)| item).collect()
}

/// Strings in a default `HashSet<String>`'s order.
pub fn string_set_order(items: Vec<String>) -> Vec<String> {
    java_hash_order(items, DEFAULT_CAPACITY, |item| java_string_hash_code(item))
}

/// `MessageQueue.hashCode`.
pub fn message_queue_hash(queue: &MessageQueue) -> i32 {
    let mut result: i32 = 1;
    result = result
        .wrapping_mul(31)
        .wrapping_add(java_string_hash_code(&queue.broker_name));
    result = result.wrapping_mul(31).wrapping_add(queue.queue_id);
    result
        .wrapping_mul(31)
        .wrapping_add(java_string_hash_code(&queue.topic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_like_java_hash_set() {
        // One-letter strings hash to their code point: "a" 97 and "q" 113 share bucket 1 of 16, "b" is in 2.
        let order = string_set_order(vec!["b".into(), "q".into(), "a".into()]);
        assert_eq!(order, ["q", "a", "b"]);
        // The order `mqadmin topicList` (Java 17) printed for these 16 topics of a Fulmen cluster.
        let java = [
            "RMQ_SYS_TRANS_HALF_TOPIC",
            "BenchmarkTest",
            "OFFSET_MOVED_EVENT",
            "TBW102",
            "rmq_sys_REVIVE_LOG_DefaultCluster",
            "SELF_TEST_TOPIC",
            "DefaultCluster",
            "SCHEDULE_TOPIC_XXXX",
            "DefaultCluster_REPLY_TOPIC",
            "rmq_sys_wheel_timer",
            "rmq_sys_SYNC_BROKER_MEMBER_broker-a",
            "RMQ_SYS_TRANS_OP_HALF_TOPIC",
            "JTopic2",
            "broker-a",
            "%RETRY%TOOLS_CONSUMER",
            "JTopic",
        ];
        let mut sorted: Vec<String> = java.iter().map(|topic| (*topic).to_owned()).collect();
        sorted.sort();
        assert_eq!(string_set_order(sorted), java);
    }

    #[test]
    fn grows_past_three_quarters() {
        let items: Vec<i32> = (0..13).map(|i| i * 16).collect();
        // 13 > 12 = 16 * 0.75, so the capacity is 32: multiples of 32 first (bucket 0), then the odd multiples.
        let order = java_hash_order(items, DEFAULT_CAPACITY, |item| *item);
        assert_eq!(order, [0, 32, 64, 96, 128, 160, 192, 16, 48, 80, 112, 144, 176]);
    }
}
