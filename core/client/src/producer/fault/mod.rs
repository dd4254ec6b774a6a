//! Which queue a send attempt uses, and what a finished attempt teaches about its broker: Java's `MQFaultStrategy`
//! (5.3.3) over [`LatencyFaultTolerance`].
//!
//! With the latency fault tolerance off (the default, `sendLatencyEnable` false) a retry only avoids the broker of
//! the previous attempt, and with a single broker every retry goes back to it. With it on, a retry first restarts
//! the index at random, then takes the next queue whose broker is out of its penalty and not the previous one, then
//! one whose broker was reachable, then any queue; every attempt charges its broker a penalty by latency.
//!
//! The reachability detector (`detector.rs`, off by default as in Java) probes brokers that failed; without it a
//! broker marked unreachable becomes reachable again on its next successful send.

mod config;
pub(crate) mod detector;
mod latency;

use std::time::Duration;

use fulmen_protocol::body::MessageQueue;
use tokio::time::Instant;

pub use config::FaultDetectorConfig;
pub(crate) use latency::LatencyFaultTolerance;
use latency::{ISOLATION_LATENCY, not_available_duration};

use super::publish_info::TopicPublishInfo;

/// The queue choice and broker penalties of one producer.
#[derive(Debug)]
pub(crate) struct FaultStrategy {
    enabled: bool,
    detector_enabled: bool,
    tolerance: LatencyFaultTolerance,
}

impl FaultStrategy {
    /// A strategy with the latency fault tolerance `enabled` or not, and the reachability detector running or not.
    pub(crate) fn new(enabled: bool, detector_enabled: bool) -> Self {
        FaultStrategy {
            enabled,
            detector_enabled,
            tolerance: LatencyFaultTolerance::default(),
        }
    }

    /// The queue for an attempt after one on `last_broker` (`selectOneMessageQueue`); `reset_index` is set for
    /// every attempt but the first. `None` only when `info` has no queue.
    pub(crate) fn select<'a>(
        &self,
        info: &'a TopicPublishInfo,
        last_broker: Option<&str>,
        reset_index: bool,
    ) -> Option<&'a MessageQueue> {
        let not_last = |queue: &MessageQueue| last_broker.is_none_or(|last| queue.broker_name != last);
        if self.enabled {
            if reset_index {
                info.reset_index();
            }
            let now = Instant::now();
            return info
                .select_matching(|queue| {
                    self.tolerance.is_available(&queue.broker_name, now) && not_last(queue)
                })
                .or_else(|| {
                    info.select_matching(|queue| {
                        self.tolerance.is_reachable(&queue.broker_name) && not_last(queue)
                    })
                })
                .or_else(|| info.select_next());
        }
        info.select_matching(not_last).or_else(|| info.select_next())
    }

    /// Records an attempt on `broker` that took `latency` (`updateFaultItem`); `isolation` charges the penalty of
    /// 10 s instead of the latency's. Does nothing while the fault tolerance is off.
    pub(crate) fn update(&self, broker: &str, latency: Duration, isolation: bool, reachable: bool) {
        if !self.enabled {
            return;
        }
        let charged = if isolation { ISOLATION_LATENCY } else { latency };
        self.tolerance.update(
            broker,
            latency,
            not_available_duration(charged),
            reachable,
            Instant::now(),
        );
    }

    /// Records a synchronous attempt on `broker` lost in transport: isolated, and unreachable only while the
    /// detector runs to bring it back (`sendDefaultImpl`'s RemotingException branch).
    pub(crate) fn update_after_transport_failure(&self, broker: &str, latency: Duration) {
        self.update(broker, latency, true, !self.detector_enabled);
    }

    /// Whether `broker` is out of its penalty now.
    #[cfg(test)]
    pub(crate) fn is_available(&self, broker: &str) -> bool {
        self.tolerance.is_available(broker, Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use fulmen_protocol::body::{BrokerData, QueueData, TopicRouteData};

    use super::*;

    fn info(brokers: &[&str]) -> TopicPublishInfo {
        let route = TopicRouteData {
            queue_datas: brokers
                .iter()
                .map(|name| QueueData {
                    broker_name: (*name).into(),
                    read_queue_nums: 2,
                    write_queue_nums: 2,
                    perm: 6,
                    topic_sys_flag: 0,
                })
                .collect(),
            broker_datas: brokers
                .iter()
                .map(|name| BrokerData {
                    cluster: "C".into(),
                    broker_name: (*name).into(),
                    broker_addrs: BTreeMap::from([(0, format!("{name}:1"))]),
                    ..BrokerData::default()
                })
                .collect(),
            ..TopicRouteData::default()
        };
        TopicPublishInfo::new("T", Arc::new(route), 0)
    }

    fn brokers_of(
        strategy: &FaultStrategy,
        info: &TopicPublishInfo,
        last: Option<&str>,
        n: usize,
    ) -> Vec<String> {
        (0..n)
            .map(|_| strategy.select(info, last, true).unwrap().broker_name.clone())
            .collect()
    }

    #[test]
    fn off_a_retry_only_avoids_the_last_broker() {
        let strategy = FaultStrategy::new(false, false);
        let info = info(&["a", "b", "c"]);
        strategy.update("b", Duration::from_secs(20), true, false);
        assert!(strategy.is_available("b"), "no penalty while off");
        let picks = brokers_of(&strategy, &info, Some("a"), 12);
        assert!(picks.iter().all(|broker| broker != "a"));
        assert!(
            picks.iter().any(|broker| broker == "b"),
            "b is not avoided: {picks:?}"
        );
        // a single broker is used again
        let single = self::info(&["a"]);
        assert_eq!(brokers_of(&strategy, &single, Some("a"), 3), ["a", "a", "a"]);
    }

    #[test]
    fn on_penalised_and_last_brokers_are_avoided() {
        let strategy = FaultStrategy::new(true, false);
        let info = info(&["a", "b", "c"]);
        strategy.update("b", Duration::from_millis(3), true, true);
        assert!(!strategy.is_available("b"), "isolation costs 10 s");
        let picks = brokers_of(&strategy, &info, Some("a"), 20);
        assert!(picks.iter().all(|broker| broker == "c"), "{picks:?}");
        // without a last broker, the first attempt also avoids b
        let first: Vec<_> = (0..20)
            .map(|_| strategy.select(&info, None, false).unwrap().broker_name.clone())
            .collect();
        assert!(first.iter().all(|broker| broker != "b"), "{first:?}");
        // a fast successful attempt charges nothing
        strategy.update("c", Duration::from_millis(3), false, true);
        assert!(strategy.is_available("c"));
    }

    #[test]
    fn on_falls_back_to_reachable_then_to_any_queue() {
        let strategy = FaultStrategy::new(true, false);
        let info = info(&["a", "b"]);
        strategy.update("a", Duration::from_millis(3), true, true);
        strategy.update("b", Duration::from_millis(3), true, false);
        // nothing available: a is reachable, b is not
        assert_eq!(brokers_of(&strategy, &info, None, 8), vec!["a"; 8]);
        // reachable but last: any queue
        assert!(strategy.select(&info, Some("a"), true).is_some());
        assert!(strategy.select(&self::info(&[]), None, true).is_none());
    }
}
