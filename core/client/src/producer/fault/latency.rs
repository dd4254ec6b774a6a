//! Per-broker send latency and penalties (Java's `LatencyFaultToleranceImpl` and its `FaultItem`), plus the
//! latency → penalty table of `MQFaultStrategy.computeNotAvailableDuration`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Latency thresholds in ms (`MQFaultStrategy.latencyMax`).
pub(crate) const LATENCY_MAX_MS: [u64; 7] = [50, 100, 550, 1_800, 3_000, 5_000, 15_000];
/// The penalty in ms for a latency at or above the threshold of the same index (`notAvailableDuration`).
pub(crate) const NOT_AVAILABLE_MS: [u64; 7] = [0, 0, 2_000, 5_000, 6_000, 10_000, 30_000];
/// The latency Java charges an isolated broker (a failed attempt), whatever the attempt took.
pub(crate) const ISOLATION_LATENCY: Duration = Duration::from_millis(10_000);

/// How long a broker is avoided after an attempt that took `latency`: the penalty of the highest threshold
/// `latency` reaches (`>=`), none below 50 ms.
pub(crate) fn not_available_duration(latency: Duration) -> Duration {
    let millis = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
    LATENCY_MAX_MS
        .iter()
        .zip(NOT_AVAILABLE_MS)
        .rev()
        .find(|(max, _)| millis >= **max)
        .map_or(Duration::ZERO, |(_, penalty)| Duration::from_millis(penalty))
}

/// What is known about one broker.
#[derive(Debug, Clone, Copy)]
struct FaultItem {
    /// The latency of the last attempt.
    current_latency: Duration,
    /// Before this instant the broker is not available (`startTimestamp`); `None` = available.
    available_at: Option<Instant>,
    /// Whether the last attempt reached the broker.
    reachable: bool,
    /// When the detector probes the broker next (`checkStamp`); `None` = at its next round.
    check_at: Option<Instant>,
}

/// The fault items of every broker a producer sent to.
#[derive(Debug, Default)]
pub(crate) struct LatencyFaultTolerance {
    items: Mutex<HashMap<String, FaultItem>>,
}

impl LatencyFaultTolerance {
    /// Records an attempt on `broker` (`updateFaultItem`): latency and reachability are replaced, the penalty
    /// `not_available` starting `now` only extends the current one, never shortens it.
    pub(crate) fn update(
        &self,
        broker: &str,
        latency: Duration,
        not_available: Duration,
        reachable: bool,
        now: Instant,
    ) {
        let mut items = self
            .items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let item = items.entry(broker.to_owned()).or_insert(FaultItem {
            current_latency: latency,
            available_at: None,
            reachable,
            check_at: None,
        });
        item.current_latency = latency;
        item.reachable = reachable;
        if !not_available.is_zero() {
            let until = now + not_available;
            if item.available_at.is_none_or(|current| until > current) {
                item.available_at = Some(until);
            }
        }
        if !reachable {
            tracing::info!(broker, "broker marked unreachable after a failed send");
        }
    }

    /// Whether `broker` is out of its penalty at `now` (`isAvailable`; unknown brokers are).
    pub(crate) fn is_available(&self, broker: &str, now: Instant) -> bool {
        self.item(broker)
            .and_then(|item| item.available_at)
            .is_none_or(|at| now >= at)
    }

    /// Whether the last attempt reached `broker` (`isReachable`; unknown brokers are).
    pub(crate) fn is_reachable(&self, broker: &str) -> bool {
        self.item(broker).is_none_or(|item| item.reachable)
    }

    /// The brokers whose probe is due at `now` (`detectByOneRound`'s `checkStamp` test); each gets its next probe
    /// `interval` later.
    pub(crate) fn due_for_probe(&self, now: Instant, interval: Duration) -> Vec<String> {
        let mut items = self
            .items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        items
            .iter_mut()
            .filter(|(_, item)| item.check_at.is_none_or(|at| now >= at))
            .map(|(broker, item)| {
                item.check_at = Some(now + interval);
                broker.clone()
            })
            .collect()
    }

    /// Marks `broker` reachable again after a successful probe.
    pub(crate) fn mark_reachable(&self, broker: &str) {
        let mut items = self
            .items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(item) = items.get_mut(broker)
            && !item.reachable
        {
            tracing::info!(broker, "broker is reachable again");
            item.reachable = true;
        }
    }

    /// Forgets `broker` (it has no address any more).
    pub(crate) fn remove(&self, broker: &str) {
        self.items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(broker);
    }

    /// The latency of the last attempt on `broker`, if any.
    #[cfg(test)]
    pub(crate) fn latency(&self, broker: &str) -> Option<Duration> {
        self.item(broker).map(|item| item.current_latency)
    }

    fn item(&self, broker: &str) -> Option<FaultItem> {
        self.items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(broker)
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    #[test]
    fn penalties_follow_javas_table_with_at_least_lookup() {
        for (latency, penalty) in [
            (0, 0),
            (49, 0),
            (50, 0),
            (100, 0),
            (549, 0),
            (550, 2_000),
            (1_799, 2_000),
            (1_800, 5_000),
            (3_000, 6_000),
            (5_000, 10_000),
            (14_999, 10_000),
            (15_000, 30_000),
            (600_000, 30_000),
        ] {
            assert_eq!(
                not_available_duration(ms(latency)),
                ms(penalty),
                "latency {latency}"
            );
        }
        assert_eq!(not_available_duration(ISOLATION_LATENCY), ms(10_000));
    }

    #[test]
    fn a_penalty_makes_a_broker_unavailable_until_it_ends() {
        let tolerance = LatencyFaultTolerance::default();
        let now = Instant::now();
        assert!(tolerance.is_available("a", now) && tolerance.is_reachable("a"));
        tolerance.update("a", ms(600), ms(2_000), true, now);
        assert!(!tolerance.is_available("a", now + ms(1_999)));
        assert!(tolerance.is_available("a", now + ms(2_000)));
        assert_eq!(tolerance.latency("a"), Some(ms(600)));
        // no penalty leaves the item available
        tolerance.update("b", ms(10), Duration::ZERO, true, now);
        assert!(tolerance.is_available("b", now));
    }

    #[test]
    fn a_short_penalty_never_shortens_a_long_one() {
        let tolerance = LatencyFaultTolerance::default();
        let now = Instant::now();
        tolerance.update("a", ms(20_000), ms(30_000), true, now);
        tolerance.update("a", ms(600), ms(2_000), true, now + ms(1_000));
        assert!(!tolerance.is_available("a", now + ms(29_999)));
        assert!(tolerance.is_available("a", now + ms(30_000)));
        assert_eq!(tolerance.latency("a"), Some(ms(600)));
        // a later, longer one extends it
        tolerance.update("a", ms(600), ms(2_000), true, now + ms(29_000));
        assert!(!tolerance.is_available("a", now + ms(30_500)));
    }

    #[test]
    fn probes_are_due_once_per_interval_and_restore_reachability() {
        let tolerance = LatencyFaultTolerance::default();
        let now = Instant::now();
        tolerance.update("a", ms(5), Duration::ZERO, false, now);
        tolerance.update("b", ms(5), Duration::ZERO, true, now);
        let mut due = tolerance.due_for_probe(now, ms(2_000));
        due.sort();
        assert_eq!(due, ["a", "b"]);
        assert!(tolerance.due_for_probe(now + ms(1_999), ms(2_000)).is_empty());
        assert_eq!(tolerance.due_for_probe(now + ms(2_000), ms(2_000)).len(), 2);
        tolerance.mark_reachable("a");
        assert!(tolerance.is_reachable("a"));
        tolerance.remove("b");
        assert_eq!(tolerance.due_for_probe(now + ms(10_000), ms(2_000)), ["a"]);
    }

    #[test]
    fn reachability_is_the_last_attempts() {
        let tolerance = LatencyFaultTolerance::default();
        let now = Instant::now();
        tolerance.update("a", ms(3_000), ms(10_000), false, now);
        assert!(!tolerance.is_reachable("a"));
        tolerance.update("a", ms(5), Duration::ZERO, true, now);
        assert!(tolerance.is_reachable("a"));
        assert!(!tolerance.is_available("a", now), "the penalty stays");
    }
}
