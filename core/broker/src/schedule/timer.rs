//! The timer (the observable behaviour of Java's `TimerMessageStore`): timer messages wait in queue 0 of
//! `rmq_sys_wheel_timer`, each consume-queue entry holding its deliver time (`TIMER_OUT_MS`) as tag code; when
//! one is due it is turned back into its real topic and queue ([`timer_time_up`]) and put again.
//!
//! Design (simpler than Java's time wheel and timer log, same behaviour for clients): one task reads the queue
//! in order from the persisted checkpoint ([`TimerProgress`]) into an in-memory min-heap of (deliver time,
//! queue offset, commitlog offset), skipping offsets already done, and delivers the heap's head once its time
//! has come. The heap costs a few dozen bytes per waiting message and is rebuilt from the consume queue at
//! start. Put outcomes follow Java's `doPut`: an illegal message is dropped, anything else is retried 100 ms
//! later; either way the offset counts as done only when the outcome is final.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::time::Duration;

use fulmen_protocol::message::keys;
use fulmen_store::PutMessageStatus;
use tokio_util::sync::CancellationToken;
use tracing::warn;

use crate::schedule::pause;
use crate::schedule::time_up::timer_time_up;
use crate::schedule::timer_progress::TimerProgress;
use crate::state::BrokerState;
use crate::time::now_millis;
use crate::topic_validator::TIMER_TOPIC;

/// The longest sleep: new entries are looked for at least this often.
const POLL: Duration = Duration::from_millis(100);
/// The most entries read into the heap between two delivery passes.
const SCAN_BATCH: usize = 1024;

/// A waiting timer message, ordered by deliver time then queue offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    deliver_ms: i64,
    queue_offset: i64,
    commit_log_offset: i64,
}

/// What became of a delivery.
enum Outcome {
    /// Delivered, or dropped for good.
    Done,
    /// Try again later.
    Retry,
}

/// Delivers due timer messages until `stop`.
pub(crate) async fn run_timer(state: Arc<BrokerState>, stop: CancellationToken) {
    let progress = &state.schedule.timer_progress;
    let mut scan_offset = progress.checkpoint();
    let mut heap = BinaryHeap::new();
    loop {
        let more_to_read = read_new_entries(&state, progress, &mut scan_offset, &mut heap);
        let wait = deliver_due(&state, progress, &mut heap, &stop).await;
        let wait = if more_to_read { Duration::ZERO } else { wait };
        if !pause(&stop, wait).await {
            return;
        }
    }
}

/// Reads up to [`SCAN_BATCH`] new entries into the heap; true when more are waiting.
fn read_new_entries(
    state: &BrokerState,
    progress: &TimerProgress,
    scan_offset: &mut i64,
    heap: &mut BinaryHeap<Reverse<Pending>>,
) -> bool {
    let store = &state.store;
    let min = store.min_offset(TIMER_TOPIC, 0);
    if *scan_offset < min {
        progress.skip_below(min);
        *scan_offset = min;
    }
    let max = store.max_offset(TIMER_TOPIC, 0);
    let end = max.min(scan_offset.saturating_add(SCAN_BATCH as i64));
    while *scan_offset < end {
        let offset = *scan_offset;
        *scan_offset += 1;
        if progress.is_done(offset) {
            continue;
        }
        match store.queue_entry(TIMER_TOPIC, 0, offset) {
            Some(entry) => heap.push(Reverse(Pending {
                deliver_ms: entry.tags_code,
                queue_offset: offset,
                commit_log_offset: entry.commit_log_offset,
            })),
            None => progress.mark_done(offset),
        }
    }
    *scan_offset < max
}

/// Delivers every due message at the heap's head; returns how long to wait.
async fn deliver_due(
    state: &BrokerState,
    progress: &TimerProgress,
    heap: &mut BinaryHeap<Reverse<Pending>>,
    stop: &CancellationToken,
) -> Duration {
    while !stop.is_cancelled() {
        let Some(Reverse(head)) = heap.peek().copied() else {
            return POLL;
        };
        let now = now_millis();
        if head.deliver_ms > now {
            return Duration::from_millis((head.deliver_ms - now) as u64).min(POLL);
        }
        heap.pop();
        match deliver(state, head, now).await {
            Outcome::Done => progress.mark_done(head.queue_offset),
            Outcome::Retry => {
                heap.push(Reverse(head));
                return POLL;
            }
        }
    }
    Duration::ZERO
}

/// Puts one due message back into its real topic (Java's `doPut` outcomes).
async fn deliver(state: &BrokerState, pending: Pending, now: i64) -> Outcome {
    let offset = pending.queue_offset;
    let Some(stored) = state.store.message_at(pending.commit_log_offset) else {
        warn!(offset, "a timer message is unreadable, dropped");
        return Outcome::Done;
    };
    if stored.properties.contains(keys::TIMER_DEL_UNIQKEY) {
        // A recall marker is never delivered (Java's doPut refuses it); Fulmen does not implement recall.
        return Outcome::Done;
    }
    let Some(message) = timer_time_up(stored, now) else {
        warn!(offset, "a timer message lacks REAL_TOPIC / REAL_QID, dropped");
        return Outcome::Done;
    };
    let status = state.put_due_message(message).await.status;
    match status {
        // Stored counts as delivered: Java puts due messages with WAIT=false, so a late flush never fails them.
        status if status.is_stored() => Outcome::Done,
        PutMessageStatus::MessageIllegal
        | PutMessageStatus::PropertiesSizeExceeded
        | PutMessageStatus::WheelTimerNotEnable
        | PutMessageStatus::WheelTimerMsgIllegal => {
            warn!(offset, %status, "a timer message cannot be delivered, dropped");
            Outcome::Done
        }
        _ => {
            warn!(offset, %status, "delivering a timer message failed, will retry");
            Outcome::Retry
        }
    }
}
