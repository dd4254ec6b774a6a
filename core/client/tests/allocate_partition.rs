//! Property: for any queue set and any set of distinct client ids, every allocation strategy partitions the
//! queues: across all clients the results are disjoint and together cover every queue.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::HashSet;

use fulmen_client::{AllocateStrategy, MessageQueue, sort_for_allocation};
use proptest::prelude::*;

fn strategies() -> impl Strategy<Value = AllocateStrategy> {
    prop_oneof![
        Just(AllocateStrategy::Averagely),
        Just(AllocateStrategy::AveragelyByCircle),
        (1usize..16).prop_map(|virtual_node_count| AllocateStrategy::ConsistentHash { virtual_node_count }),
    ]
}

fn queue_sets() -> impl Strategy<Value = Vec<MessageQueue>> {
    prop::collection::hash_set(("Topic[A-C]", "broker-[a-c]", 0i32..64), 1..40).prop_map(|set| {
        set.into_iter()
            .map(|(topic, broker, id)| MessageQueue::new(topic, broker, id))
            .collect()
    })
}

fn client_id_sets() -> impl Strategy<Value = Vec<String>> {
    prop::collection::hash_set("10\\.0\\.0\\.[0-9]{1,3}@[0-9]{1,5}#[0-9]{1,13}", 1..12)
        .prop_map(|set| set.into_iter().collect())
}

proptest! {
    #[test]
    fn every_strategy_partitions_the_queues(
        strategy in strategies(),
        mut mq_all in queue_sets(),
        mut cid_all in client_id_sets(),
    ) {
        sort_for_allocation(&mut mq_all, &mut cid_all);
        let mut seen: HashSet<MessageQueue> = HashSet::new();
        for current in &cid_all {
            for queue in strategy.allocate("G", current, &mq_all, &cid_all).unwrap() {
                prop_assert!(seen.insert(queue.clone()), "{} gave {} to two clients", strategy, queue);
            }
        }
        prop_assert_eq!(seen.len(), mq_all.len(), "{} left queues unallocated", strategy);
    }
}
