//! `AllocateMessageQueueConsistentHash#allocate` over `ConsistentHashRouter` with its default `MD5Hash`
//! (`common/.../consistenthash/`): every client id puts `virtual_node_count` points `"<clientId>-<n>"` on a ring;
//! a queue belongs to the client of the first point at or after the hash of `MessageQueue#toString`, wrapping
//! round to the ring's first point.

use std::collections::BTreeMap;

use fulmen_protocol::body::MessageQueue;
use md5::{Digest, Md5};

/// The queues of `mq_all` that the ring built from `cid_all` routes to `current_cid`.
pub(super) fn allocate(
    current_cid: &str,
    mq_all: &[MessageQueue],
    cid_all: &[String],
    virtual_node_count: usize,
) -> Vec<MessageQueue> {
    let ring = build_ring(cid_all, virtual_node_count);
    mq_all
        .iter()
        .filter(|queue| route(&ring, &queue.to_string()) == Some(current_cid))
        .cloned()
        .collect()
}

/// Java's `MD5Hash#hash`: the first four bytes of the MD5 digest of the key's UTF-8, big-endian, as a
/// non-negative number.
pub(super) fn md5_hash(key: &str) -> i64 {
    let digest = Md5::digest(key.as_bytes());
    i64::from(u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]))
}

/// Hash → client id. As in `ConsistentHashRouter#addNode`, a client id listed again numbers its points after
/// the ones it already has on the ring, and a point whose hash collides replaces the earlier one.
fn build_ring(cid_all: &[String], virtual_node_count: usize) -> BTreeMap<i64, &str> {
    let mut ring: BTreeMap<i64, &str> = BTreeMap::new();
    for cid in cid_all {
        let existing = ring.values().filter(|owner| **owner == cid.as_str()).count();
        for replica in existing..existing + virtual_node_count {
            ring.insert(md5_hash(&format!("{cid}-{replica}")), cid.as_str());
        }
    }
    ring
}

/// `ConsistentHashRouter#routeNode`: the owner of the first point at or after the key's hash, else of the first.
fn route<'a>(ring: &BTreeMap<i64, &'a str>, key: &str) -> Option<&'a str> {
    let hash = md5_hash(key);
    ring.range(hash..)
        .next()
        .or_else(|| ring.iter().next())
        .map(|(_, owner)| *owner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_the_first_four_digest_bytes_big_endian() {
        // MD5("") = d41d8cd98f00b204e9800998ecf8427e; MD5("a") = 0cc175b9c0f1b6a831c399e269772661.
        assert_eq!(md5_hash(""), 0xd41d_8cd9);
        assert_eq!(md5_hash("a"), 0x0cc1_75b9);
    }

    #[test]
    fn a_key_goes_to_the_next_point_at_or_after_its_hash_and_wraps_past_the_last() {
        let hash = md5_hash("x"); // 0x9dd4e461: far from both ends of the range
        let ring = BTreeMap::from([(hash - 5, "below"), (hash + 5, "above")]);
        assert_eq!(route(&ring, "x"), Some("above"));
        let ring = BTreeMap::from([(hash - 5, "below"), (hash, "exact")]);
        assert_eq!(route(&ring, "x"), Some("exact"));
        let ring = BTreeMap::from([(hash - 10, "first"), (hash - 5, "second")]);
        assert_eq!(route(&ring, "x"), Some("first"));
        assert_eq!(route(&BTreeMap::new(), "x"), None);
    }

    #[test]
    fn a_client_listed_twice_gets_points_numbered_after_its_first_ones() {
        let ids = vec!["a".to_string(), "a".to_string()];
        let ring = build_ring(&ids, 2);
        let mut expected: Vec<i64> = (0..4).map(|replica| md5_hash(&format!("a-{replica}"))).collect();
        expected.sort_unstable();
        assert_eq!(ring.keys().copied().collect::<Vec<_>>(), expected);
    }
}
