//! Java `toString` forms that Apache's broker puts into response remarks: `TopicConfig`, `PermName.perm2String`,
//! a `HashMap<String, String>` and a socket address, so Fulmen's remarks read the same.

use std::net::SocketAddr;

use fulmen_protocol::body::TopicConfig;
use fulmen_protocol::message::java_string_hash_code;

/// Permission bit: readable.
const PERM_READ: i32 = 4;
/// Permission bit: writable.
const PERM_WRITE: i32 = 2;
/// Permission bit: a template other topics inherit from.
const PERM_INHERIT: i32 = 1;

/// `PermName.perm2String`: `RWX` with `-` for each missing bit.
pub(crate) fn perm_to_string(perm: i32) -> String {
    [(PERM_READ, 'R'), (PERM_WRITE, 'W'), (PERM_INHERIT, 'X')]
        .iter()
        .map(|(bit, letter)| if perm & bit == *bit { *letter } else { '-' })
        .collect()
}

/// `TopicConfig#toString`.
pub(crate) fn topic_config_to_string(config: &TopicConfig) -> String {
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
        hash_map_to_string(config.attributes.iter()),
    )
}

/// `HashMap#toString` of string entries: `{k=v, k2=v2}` in the iteration order of a default-sized (16-bucket)
/// Java `HashMap`, entries of one bucket in insertion order. (Java's own order also depends on the map's history:
/// a map copied or grown from a small capacity has fewer buckets. One entry, the usual case, prints the same.)
pub(crate) fn hash_map_to_string<'a>(entries: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    let mut entries: Vec<(usize, &String, &String)> = entries
        .enumerate()
        .map(|(index, (key, value))| (index, key, value))
        .collect();
    entries.sort_by_key(|(index, key, _)| (bucket(key), *index));
    let body: Vec<String> = entries
        .iter()
        .map(|(_, key, value)| format!("{key}={value}"))
        .collect();
    format!("{{{}}}", body.join(", "))
}

/// The bucket of `key` in a 16-bucket Java `HashMap`.
fn bucket(key: &str) -> u32 {
    let hash = java_string_hash_code(key) as u32;
    (hash ^ (hash >> 16)) & 15
}

/// `InetSocketAddress#toString` of an address without a resolved host name, as Netty's `channel.remoteAddress()`
/// prints: `/127.0.0.1:50012`.
pub(crate) fn socket_address(addr: SocketAddr) -> String {
    format!("/{addr}")
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use super::*;

    #[test]
    fn java_forms() {
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
            hash_map_to_string(config.attributes.iter()),
            "{cleanup.policy=DELETE, message.type=NORMAL, reserve.time=1, queue.type=SimpleCQ}"
        );
        assert_eq!(
            socket_address("127.0.0.1:5000".parse().unwrap()),
            "/127.0.0.1:5000"
        );
    }
}
