//! Consumer queue allocation: which of a topic's queues one client of a consumer group takes, with the results of
//! Java's `AllocateMessageQueueStrategy` implementations (`client/.../consumer/rebalance/`) for the same inputs.
//!
//! The caller prepares the inputs as `RebalanceImpl#rebalanceByTopic` does: every queue of the topic and every
//! client id of the group, both sorted with [`sort_for_allocation`] (Java's `Collections.sort`). Allocation itself
//! neither sorts nor deduplicates, exactly like Java.

mod averagely;
mod averagely_by_circle;
mod consistent_hash;
mod java_order;

use fulmen_protocol::body::MessageQueue;

use crate::error::{Error, Result};

pub use java_order::sort_for_allocation;

/// Java's default number of virtual nodes per client on the consistent-hash ring
/// (`AllocateMessageQueueConsistentHash()`).
pub const DEFAULT_VIRTUAL_NODE_COUNT: usize = 10;

/// A queue allocation strategy of the Java client, named as its `getName()` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AllocateStrategy {
    /// `AllocateMessageQueueAveragely` (`AVG`, Java's default): contiguous blocks, the first clients take one extra
    /// queue when the count does not divide.
    #[default]
    Averagely,
    /// `AllocateMessageQueueAveragelyByCircle` (`AVG_BY_CIRCLE`): queue `i` goes to client `i % clients`.
    AveragelyByCircle,
    /// `AllocateMessageQueueConsistentHash` (`CONSISTENT_HASH`): each queue goes to the client owning the next
    /// point of an MD5 hash ring with `virtual_node_count` points per client.
    ConsistentHash {
        /// Points per client on the ring; Java's default is [`DEFAULT_VIRTUAL_NODE_COUNT`].
        virtual_node_count: usize,
    },
}

impl AllocateStrategy {
    /// Consistent hashing with Java's default of [`DEFAULT_VIRTUAL_NODE_COUNT`] virtual nodes.
    pub const fn consistent_hash() -> Self {
        AllocateStrategy::ConsistentHash {
            virtual_node_count: DEFAULT_VIRTUAL_NODE_COUNT,
        }
    }

    /// The name Java's `getName()` returns: `AVG`, `AVG_BY_CIRCLE` or `CONSISTENT_HASH`.
    pub const fn name(self) -> &'static str {
        match self {
            AllocateStrategy::Averagely => "AVG",
            AllocateStrategy::AveragelyByCircle => "AVG_BY_CIRCLE",
            AllocateStrategy::ConsistentHash { .. } => "CONSISTENT_HASH",
        }
    }

    /// The strategy a Java name stands for (consistent hashing with the default virtual node count).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "AVG" => Some(AllocateStrategy::Averagely),
            "AVG_BY_CIRCLE" => Some(AllocateStrategy::AveragelyByCircle),
            "CONSISTENT_HASH" => Some(AllocateStrategy::consistent_hash()),
            _ => None,
        }
    }

    /// The queues of `mq_all` that `current_cid` takes, in Java's order. `mq_all` and `cid_all` must already be in
    /// the caller's order (see [`sort_for_allocation`]).
    ///
    /// Like Java's `AbstractAllocateMessageQueueStrategy#check`: an empty `current_cid`, `mq_all` or `cid_all` is an
    /// [`InvalidArgument`](crate::ErrorKind::InvalidArgument) error (Java throws `IllegalArgumentException`), and a
    /// `current_cid` missing from `cid_all` gets no queue, with an info log.
    pub fn allocate(
        self,
        consumer_group: &str,
        current_cid: &str,
        mq_all: &[MessageQueue],
        cid_all: &[String],
    ) -> Result<Vec<MessageQueue>> {
        if current_cid.is_empty() {
            return Err(Error::invalid_argument("currentCID is empty"));
        }
        if mq_all.is_empty() {
            return Err(Error::invalid_argument("mqAll is null or mqAll empty"));
        }
        if cid_all.is_empty() {
            return Err(Error::invalid_argument("cidAll is null or cidAll empty"));
        }
        let Some(index) = cid_all.iter().position(|cid| cid == current_cid) else {
            tracing::info!(
                consumer_group,
                current_cid,
                ?cid_all,
                "[BUG] the consumer id is not in the group's client id list"
            );
            return Ok(Vec::new());
        };
        Ok(match self {
            AllocateStrategy::Averagely => averagely::allocate(index, mq_all, cid_all.len()),
            AllocateStrategy::AveragelyByCircle => {
                averagely_by_circle::allocate(index, mq_all, cid_all.len())
            }
            AllocateStrategy::ConsistentHash { virtual_node_count } => {
                consistent_hash::allocate(current_cid, mq_all, cid_all, virtual_node_count)
            }
        })
    }
}

impl std::fmt::Display for AllocateStrategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn queues(count: i32) -> Vec<MessageQueue> {
        (0..count)
            .map(|id| MessageQueue::new("T", "broker-a", id))
            .collect()
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| id.to_string()).collect()
    }

    const ALL: [AllocateStrategy; 3] = [
        AllocateStrategy::Averagely,
        AllocateStrategy::AveragelyByCircle,
        AllocateStrategy::consistent_hash(),
    ];

    #[test]
    fn names_round_trip_as_java_names_them() {
        let names: Vec<&str> = ALL.iter().map(|strategy| strategy.name()).collect();
        assert_eq!(names, ["AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH"]);
        for strategy in ALL {
            assert_eq!(AllocateStrategy::from_name(strategy.name()), Some(strategy));
            assert_eq!(strategy.to_string(), strategy.name());
        }
        assert_eq!(AllocateStrategy::from_name("avg"), None);
        assert_eq!(AllocateStrategy::default(), AllocateStrategy::Averagely);
    }

    #[test]
    fn empty_inputs_are_invalid_arguments_like_java() {
        for strategy in ALL {
            let cases = [
                ("", queues(2), ids(&["a"])),
                ("a", Vec::new(), ids(&["a"])),
                ("a", queues(2), Vec::new()),
            ];
            for (current, mq_all, cid_all) in cases {
                let error = strategy.allocate("G", current, &mq_all, &cid_all).unwrap_err();
                assert_eq!(error.kind(), ErrorKind::InvalidArgument, "{strategy} {error}");
            }
        }
    }

    #[test]
    fn a_client_missing_from_the_list_gets_nothing() {
        for strategy in ALL {
            let result = strategy
                .allocate("G", "c", &queues(4), &ids(&["a", "b"]))
                .unwrap();
            assert!(result.is_empty(), "{strategy}");
        }
    }

    #[test]
    fn zero_virtual_nodes_allocate_nothing_like_java() {
        let strategy = AllocateStrategy::ConsistentHash {
            virtual_node_count: 0,
        };
        assert!(
            strategy
                .allocate("G", "a", &queues(4), &ids(&["a"]))
                .unwrap()
                .is_empty()
        );
    }
}
