//! One check pass over the half queues (Java's `TransactionalMessageServiceImpl#check`): from where
//! `CID_RMQ_SYS_TRANS` stands, every half message without an op record that is older than its immunity gets a
//! renewed copy (with `TRANSACTION_CHECK_TIMES` counted up) put back at the end of the half queue, and its producer
//! is asked about the copy (CHECK_TRANSACTION_STATE). After `transactionCheckMax` checks, or when older than the
//! store's retention, a half message is moved to `TRANS_CHECK_MAX_TIME_TOPIC` instead. The half and op offsets
//! of `CID_RMQ_SYS_TRANS` then move past what was handled.
//!
//! Differences from Java, none visible to a producer: Java reads the op queue 32 records at a time while it scans
//! and, when a half message is still inside its immunity, waits 1 s and looks again until its 60 s limit; Fulmen
//! reads the op records up to the end of the op queue first and ends the queue's pass at such a message (the
//! next pass, one `transactionCheckInterval` later, continues from it). A put-back that fails also ends the pass
//! instead of being retried at once.
//!
//! Like Java, op records naming offsets below the pass's start offset are ignored, so a verdict sent (not from a
//! check) for the first copy of a half message with `CHECK_IMMUNITY_TIME_IN_SECONDS` is only noticed while that
//! first copy has not been passed yet; the renewed copies are checked once the immunity time is over (a Java quirk
//! Fulmen keeps).

use std::time::Duration;

use fulmen_protocol::message::{MessageExt, keys};

use super::check_request::{ProducerPicker, send_check};
use super::half_message::{discarded, renewed, renewed_in_immunity};
use super::op_progress::OpProgress;
use super::queue_reader::read;
use super::{TRANSACTION_GROUP, consume_offset, ensure_system_topic};
use crate::state::BrokerState;
use crate::time::now_millis;
use crate::topic_validator::{TRANS_CHECK_MAX_TIME_TOPIC, TRANS_HALF_TOPIC, TRANS_OP_HALF_TOPIC};

/// How long one queue's pass may run (`MAX_PROCESS_TIME_LIMIT`, 60 s).
const MAX_PASS_TIME: Duration = Duration::from_secs(60);

/// The most op records one pass reads.
const MAX_OP_RECORDS: usize = 100_000;

/// Checks every half queue once.
pub(crate) async fn check_all(state: &BrokerState, picker: &ProducerPicker) {
    let Some(half_topic) = state.topics.select(TRANS_HALF_TOPIC) else {
        return;
    };
    for queue_id in 0..half_topic.read_queue_nums {
        check_queue(state, picker, queue_id).await;
    }
}

/// What to do with the half message at the scan position.
enum Step {
    /// It is handled: move to the next one.
    Advance,
    /// Stop this queue's pass here.
    Stop,
}

/// Checks one half queue.
async fn check_queue(state: &BrokerState, picker: &ProducerPicker, queue_id: i32) {
    let started = std::time::Instant::now();
    let start_millis = now_millis();
    let half_offset = consume_offset(state, TRANS_HALF_TOPIC, queue_id);
    let op_offset = consume_offset(state, TRANS_OP_HALF_TOPIC, queue_id);
    let op_records = read(state, TRANS_OP_HALF_TOPIC, queue_id, op_offset, MAX_OP_RECORDS).messages;
    let mut ops = OpProgress::new(&op_records, half_offset);
    // Copies put back during this pass land after `end` and are left to the next pass.
    let end = state.store.max_offset(TRANS_HALF_TOPIC, queue_id);
    let mut next = half_offset;
    while next < end && started.elapsed() < MAX_PASS_TIME {
        if ops.take(next) {
            next += 1;
            continue;
        }
        let found = read(state, TRANS_HALF_TOPIC, queue_id, next, 1);
        let Some(half) = found.messages.into_iter().next() else {
            // Nothing readable here (e.g. below the queue's min offset): jump to where the store says to go on.
            if found.next_offset > next {
                next = found.next_offset;
                continue;
            }
            break;
        };
        next = half.queue_offset;
        match check_one(state, picker, &mut ops, half, start_millis).await {
            Step::Advance => next += 1,
            Step::Stop => break,
        }
    }
    if next != half_offset {
        state
            .offsets
            .commit(TRANSACTION_GROUP, TRANS_HALF_TOPIC, queue_id, next);
    }
    let next_op_offset = ops.next_op_offset(op_offset);
    if next_op_offset != op_offset {
        state
            .offsets
            .commit(TRANSACTION_GROUP, TRANS_OP_HALF_TOPIC, queue_id, next_op_offset);
    }
}

/// Handles one unfinished half message.
async fn check_one(
    state: &BrokerState,
    picker: &ProducerPicker,
    ops: &mut OpProgress,
    mut half: MessageExt,
    start_millis: i64,
) -> Step {
    let config = &state.config.transaction;
    let now = now_millis();
    let age = now - half.born_timestamp;
    let too_old = age > config.half_message_max_age.as_millis() as i64;
    if count_check(&mut half, config.check_max) || too_old {
        discard(state, &half).await;
        return Step::Advance;
    }
    if half.store_timestamp >= start_millis {
        return Step::Stop;
    }
    let timeout = config.timeout.as_millis() as i64;
    let custom_immunity = half
        .properties
        .get(keys::CHECK_IMMUNITY_TIME_IN_SECONDS)
        .map(|value| check_immunity_millis(value, timeout));
    let immunity = custom_immunity.unwrap_or(timeout);
    if custom_immunity.is_some() {
        if age < immunity {
            return renew_in_immunity(state, ops, &half).await;
        }
    } else if (0..immunity).contains(&age) {
        return Step::Stop;
    }
    if !(age > immunity || age <= -1) {
        return Step::Stop;
    }
    match put_back(state, &half).await {
        Some(copy) => {
            send_check(state, picker, &copy);
            Step::Advance
        }
        None => Step::Stop,
    }
}

/// Java's `needDiscard`: whether the half message was checked `check_max` times already; otherwise counts this
/// check in its `TRANSACTION_CHECK_TIMES` (absent counts as 0, an unparsable value as -1).
fn count_check(half: &mut MessageExt, check_max: i32) -> bool {
    let checks = match half.properties.get(keys::TRANSACTION_CHECK_TIMES) {
        None => 1,
        Some(value) => {
            let done = value.parse::<i32>().unwrap_or(-1);
            if done >= check_max {
                return true;
            }
            done + 1
        }
    };
    half.properties
        .insert(keys::TRANSACTION_CHECK_TIMES, checks.to_string());
    false
}

/// The immunity of a half message with `CHECK_IMMUNITY_TIME_IN_SECONDS` in the check (Java's private
/// `getImmunityTime` of the service): the value in ms, or `timeout` when it does not parse or is -1. Unlike
/// END_TRANSACTION's rule it may be below `timeout`.
fn check_immunity_millis(value: &str, timeout: i64) -> i64 {
    match value.parse::<i64>() {
        Ok(-1) | Err(_) => timeout,
        Ok(seconds) => seconds.saturating_mul(1000),
    }
}

/// Java's `checkPrepareQueueOffset` for a half message still inside its custom immunity: done when the first copy
/// (`TRAN_PREPARED_QUEUE_OFFSET`) has an op record; otherwise a renewed copy goes to the end of the queue.
async fn renew_in_immunity(state: &BrokerState, ops: &mut OpProgress, half: &MessageExt) -> Step {
    if let Some(first) = half.properties.get(keys::TRANSACTION_PREPARED_QUEUE_OFFSET) {
        let first = first.parse::<i64>().unwrap_or(-1);
        if first == -1 {
            return Step::Stop;
        }
        if ops.take_first_copy(first) {
            return Step::Advance;
        }
    }
    if state.put_message(renewed_in_immunity(half)).await.is_ok() {
        Step::Advance
    } else {
        Step::Stop
    }
}

/// Puts a renewed copy of `half` at the end of its queue and returns the copy as stored (new offsets), or `None`
/// when the store refused it (Java's `putBackHalfMsgQueue`).
async fn put_back(state: &BrokerState, half: &MessageExt) -> Option<MessageExt> {
    let result = state.put_message(renewed(half)).await;
    let append = result.append.as_ref().filter(|_| result.is_ok());
    let Some(append) = append else {
        tracing::error!(
            status = result.status.as_str(),
            "could not put a half message back for its check"
        );
        return None;
    };
    let mut copy = half.clone();
    copy.flag = 0;
    copy.reconsume_times = 0;
    copy.queue_offset = append.queue_offset;
    copy.commit_log_offset = append.physical_offset();
    copy.store_timestamp = append.store_timestamp;
    Some(copy)
}

/// Gives up on a half message: a copy goes to `TRANS_CHECK_MAX_TIME_TOPIC` (created on demand). Like Java, the
/// half message counts as handled even if that copy could not be stored.
async fn discard(state: &BrokerState, half: &MessageExt) {
    ensure_system_topic(state, TRANS_CHECK_MAX_TIME_TOPIC).await;
    let result = state.put_message(discarded(half)).await;
    tracing::warn!(
        real_topic = half.properties.get(keys::REAL_TOPIC).unwrap_or_default(),
        offset = half.queue_offset,
        stored = result.is_ok(),
        "a half message was checked too often or is too old: moved to TRANS_CHECK_MAX_TIME_TOPIC"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::test_support::stored;
    use fulmen_protocol::message::Properties;

    fn half(checks: Option<&str>) -> MessageExt {
        let mut properties = Properties::new();
        if let Some(checks) = checks {
            properties.insert(keys::TRANSACTION_CHECK_TIMES, checks);
        }
        stored(TRANS_HALF_TOPIC, 0, properties, Default::default())
    }

    #[test]
    fn checks_are_counted_from_one_and_the_max_th_is_discarded() {
        let mut first = half(None);
        assert!(!count_check(&mut first, 15));
        assert_eq!(first.properties.get(keys::TRANSACTION_CHECK_TIMES), Some("1"));
        let mut later = half(Some("14"));
        assert!(!count_check(&mut later, 15));
        assert_eq!(later.properties.get(keys::TRANSACTION_CHECK_TIMES), Some("15"));
        assert!(count_check(&mut half(Some("15")), 15));
        let mut garbled = half(Some("x"));
        assert!(!count_check(&mut garbled, 15));
        assert_eq!(garbled.properties.get(keys::TRANSACTION_CHECK_TIMES), Some("0"));
    }

    #[test]
    fn check_immunity_may_be_below_the_timeout() {
        assert_eq!(check_immunity_millis("2", 6000), 2000);
        assert_eq!(check_immunity_millis("-1", 6000), 6000);
        assert_eq!(check_immunity_millis("x", 6000), 6000);
    }
}
