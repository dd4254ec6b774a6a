//! Java `toString` forms and collection orders that Apache's tools and broker print, shared by Fulmen's broker
//! (response remarks) and the `fulmen` admin commands: `PermName.perm2String`, `TopicConfig.toString`,
//! `AbstractMap.toString`, and the iteration order of Java's `HashMap` / `HashSet` (buckets in index order,
//! `(h ^ h >>> 16) & (capacity - 1)`, insertion order within a bucket, the capacity doubled while the size exceeds
//! three quarters of it; buckets turned into trees at 8+ colliding keys are not modelled).

use crate::body::{MessageQueue, TopicConfig};
use crate::message::java_string_hash_code;

/// The capacity of `new HashMap()` / `new HashSet()`.
pub const DEFAULT_CAPACITY: usize = 16;

/// Permission bit: readable (`PermName.PERM_READ`).
pub const PERM_READ: i32 = 4;
/// Permission bit: writable (`PermName.PERM_WRITE`).
pub const PERM_WRITE: i32 = 2;
/// Permission bit: a template other topics inherit from (`PermName.PERM_INHERIT`).
pub const PERM_INHERIT: i32 = 1;

/// `PermName.perm2String`: `RWX` with `-` for each missing bit.
pub fn perm_to_string(perm: i32) -> String {
    [(PERM_READ, 'R'), (PERM_WRITE, 'W'), (PERM_INHERIT, 'X')]
        .iter()
        .map(|(bit, letter)| if perm & bit == *bit { *letter } else { '-' })
        .collect()
}

/// The capacity an empty `HashMap` takes when `putAll` gives it `len` entries (`HashMap.putMapEntries`:
/// `tableSizeFor(len / 0.75 + 1)`): 8 for 4 entries, 16 for 8.
pub fn put_all_capacity(len: usize) -> usize {
    ((len as f32 / 0.75 + 1.0) as usize).next_power_of_two()
}

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

/// Strings in the order of a default `HashSet<String>` they were added to in this order.
pub fn string_set_order(items: Vec<String>) -> Vec<String> {
    java_hash_order(items, DEFAULT_CAPACITY, |item| java_string_hash_code(item))
}

/// `AbstractMap.toString` of string entries put in this order into a `HashMap` of `initial_capacity`:
/// `{k=v, k2=v2}` in Java's iteration order.
pub fn hash_map_to_string<'a>(
    entries: impl Iterator<Item = (&'a String, &'a String)>,
    initial_capacity: usize,
) -> String {
    let ordered = java_hash_order(entries.collect(), initial_capacity, |(key, _)| {
        java_string_hash_code(key)
    });
    let body: Vec<String> = ordered
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    format!("{{{}}}", body.join(", "))
}

/// `TopicConfig.toString` (attributes in a default `HashMap`'s order).
pub fn topic_config_to_string(config: &TopicConfig) -> String {
    format!(
        "TopicConfig [topicName={}, readQueueNums={}, writeQueueNums={}, perm={}, topicFilterType={}, \
         topicSysFlag={}, order={}, attributes={}]",
        config.topic_name,
        config.read_queue_nums,
        config.write_queue_nums,
        perm_to_string(config.perm),
        config.topic_filter_type.as_str(),
        config.topic_sys_flag,
        config.order,
        hash_map_to_string(config.attributes.iter(), DEFAULT_CAPACITY),
    )
}

/// `MessageQueue.hashCode`.
pub fn message_queue_hash_code(queue: &MessageQueue) -> i32 {
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
    use indexmap::IndexMap;

    use super::*;

    #[test]
    fn perms_and_topic_config() {
        assert_eq!(perm_to_string(7), "RWX");
        assert_eq!(perm_to_string(6), "RW-");
        assert_eq!(perm_to_string(1), "--X");
        let mut config = TopicConfig::new("T", 4, 4, 6);
        assert_eq!(
            topic_config_to_string(&config),
            "TopicConfig [topicName=T, readQueueNums=4, writeQueueNums=4, perm=RW-, topicFilterType=SINGLE_TAG, \
             topicSysFlag=0, order=false, attributes={}]"
        );
        // Java prints {cleanup.policy=.., message.type=.., reserve.time=.., queue.type=..} for these keys put
        // in this order.
        config.attributes = IndexMap::from([
            ("reserve.time".to_owned(), "1".to_owned()),
            ("queue.type".to_owned(), "SimpleCQ".to_owned()),
            ("message.type".to_owned(), "NORMAL".to_owned()),
            ("cleanup.policy".to_owned(), "DELETE".to_owned()),
        ]);
        assert_eq!(
            hash_map_to_string(config.attributes.iter(), DEFAULT_CAPACITY),
            "{cleanup.policy=DELETE, message.type=NORMAL, reserve.time=1, queue.type=SimpleCQ}"
        );
    }

    #[test]
    fn hash_set_order_matches_java() {
        let strings = |items: &[&str]| items.iter().map(|item| (*item).to_owned()).collect::<Vec<_>>();
        let order =
            |items: Vec<String>| java_hash_order(items, DEFAULT_CAPACITY, |item| java_string_hash_code(item));
        // One-letter strings hash to their code point: "a" 97 and "q" 113 share bucket 1 of 16, "b" is in 2.
        assert_eq!(order(strings(&["b", "q", "a"])), ["q", "a", "b"]);
        // The order `mqadmin topicList` (Java 17, a HashSet of 16 topics: 32 buckets) printed on a Fulmen cluster.
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
        let mut sorted = strings(&java);
        sorted.sort();
        assert_eq!(order(sorted), java);
    }

    #[test]
    fn grows_past_three_quarters() {
        let items: Vec<i32> = (0..13).map(|i| i * 16).collect();
        // 13 > 12 = 16 * 0.75, so the capacity is 32: multiples of 32 first (bucket 0), then the odd multiples.
        let order = java_hash_order(items, DEFAULT_CAPACITY, |item| *item);
        assert_eq!(order, [0, 32, 64, 96, 128, 160, 192, 16, 48, 80, 112, 144, 176]);
    }

    #[test]
    fn put_all_sizes_the_table_like_java() {
        assert_eq!(put_all_capacity(4), 8);
        assert_eq!(put_all_capacity(8), 16);
        assert_eq!(put_all_capacity(12), 32);
        // The order mqadmin resetOffsetByTime printed for the 4 queues of one Apache broker: 3, 2, 1, 0.
        let queues: Vec<MessageQueue> = (0..4)
            .map(|id| MessageQueue::new("MqadminCompareTopic", "apache-broker-a", id))
            .collect();
        let order = java_hash_order(queues, put_all_capacity(4), message_queue_hash_code);
        let ids: Vec<i32> = order.iter().map(|queue| queue.queue_id).collect();
        assert_eq!(ids, [3, 2, 1, 0]);
    }

    #[test]
    fn message_queue_hash_code_is_javas_formula() {
        let queue = MessageQueue::new("a", "b", 1);
        assert_eq!(message_queue_hash_code(&queue), ((31 + 98) * 31 + 1) * 31 + 97);
    }
}
