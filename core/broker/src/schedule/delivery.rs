//! The delivery of one delay level (Java's `ScheduleMessageService.DeliverDelayedMessageTimerTask`, sync mode):
//! read queue level - 1 of `SCHEDULE_TOPIC_XXXX` in order from the level's offset; an entry whose deliver time
//! (its tag code) has come is loaded, turned back into its real topic and queue ([`schedule_time_up`]) and put
//! again; the first entry not yet due stops the round (a level is FIFO: every later entry is due later).
//!
//! One task per level, as in Java: levels are independent queues whose heads come due at unrelated times, and a
//! put that keeps failing blocks only its own level. The offset moves only after a successful put (a failed put
//! is retried at the same offset 100 ms later), and is written to `delayOffset.json` every
//! `flushDelayOffsetInterval` and at shutdown: a clean restart delivers nothing twice, a crash may deliver the
//! messages of the last interval again (at least once), as in Java.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tracing::{error, warn};

use crate::schedule::delay_levels::level_to_queue_id;
use crate::schedule::pause;
use crate::schedule::time_up::schedule_time_up;
use crate::state::BrokerState;
use crate::time::now_millis;
use crate::topic_validator::{SCHEDULE_TOPIC, TRANS_HALF_TOPIC};

/// The wait before the first round (`FIRST_DELAY_TIME`).
const FIRST_DELAY: Duration = Duration::from_millis(1000);
/// The wait between rounds, and the longest sleep while the head is not yet due (`DELAY_FOR_A_WHILE`).
const DELAY_FOR_A_WHILE: Duration = Duration::from_millis(100);

/// Delivers the due messages of `level` until `stop`.
pub(crate) async fn run_level(state: Arc<BrokerState>, level: i32, stop: CancellationToken) {
    let mut offset = state.schedule.delay_offsets.get(level).unwrap_or(0);
    if !pause(&stop, FIRST_DELAY).await {
        return;
    }
    loop {
        let wait = deliver_due(&state, level, &mut offset, &stop).await;
        if !pause(&stop, wait).await {
            return;
        }
    }
}

/// One round (Java's `executeOnTimeUp`): delivers due messages from `offset` on; returns how long to wait.
async fn deliver_due(
    state: &BrokerState,
    level: i32,
    offset: &mut i64,
    stop: &CancellationToken,
) -> Duration {
    let queue_id = level_to_queue_id(level);
    let store = &state.store;
    let levels = &state.schedule.settings.levels;
    let offsets = &state.schedule.delay_offsets;
    while !stop.is_cancelled() {
        let min = store.min_offset(SCHEDULE_TOPIC, queue_id);
        let max = store.max_offset(SCHEDULE_TOPIC, queue_id);
        if *offset < min || *offset > max {
            error!(
                level,
                offset = *offset,
                min,
                max,
                "schedule queue offset out of range, reset"
            );
            *offset = (*offset).max(min).min(max);
        }
        if *offset >= max {
            return DELAY_FOR_A_WHILE;
        }
        let Some(entry) = store.queue_entry(SCHEDULE_TOPIC, queue_id, *offset) else {
            // A filler (a gap the store filled) or an unreadable entry below the max: nothing to deliver.
            warn!(
                level,
                offset = *offset,
                "no schedule queue entry at this offset, skipped"
            );
            *offset += 1;
            offsets.update(level, *offset);
            continue;
        };
        let now = now_millis();
        let level_delay = levels.delay_millis(level).unwrap_or(0);
        // A deliver time further away than the level's delay means the clock went back: deliver now.
        let deliver_at = if entry.tags_code > now.saturating_add(level_delay) {
            now
        } else {
            entry.tags_code
        };
        if deliver_at > now {
            offsets.update(level, *offset);
            let countdown = Duration::from_millis((deliver_at - now) as u64);
            return countdown.min(DELAY_FOR_A_WHILE);
        }
        let due = store
            .message_at(entry.commit_log_offset)
            .and_then(schedule_time_up);
        match due {
            None => warn!(
                level,
                offset = *offset,
                "a scheduled message is unreadable or lacks REAL_TOPIC / REAL_QID, skipped"
            ),
            Some(message) if message.topic == TRANS_HALF_TOPIC => {
                error!(
                    level,
                    offset = *offset,
                    "a scheduled message's real topic is the half topic, discarded"
                );
            }
            Some(message) => {
                // Stored counts as delivered: Java puts due messages with WAIT=false, so a late flush never
                // fails them there.
                let result = state.put_due_message(message).await;
                if !result.status.is_stored() {
                    warn!(level, offset = *offset, status = %result.status, "delivering a scheduled message failed, will retry");
                    return DELAY_FOR_A_WHILE;
                }
            }
        }
        *offset += 1;
        offsets.update(level, *offset);
    }
    Duration::ZERO
}
