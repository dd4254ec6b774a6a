//! The schedule step of every put (Java's `HookUtils.handleScheduleMessage`, run by the store before each
//! single-message put): a timer message (`TIMER_*` properties) moves to `rmq_sys_wheel_timer` with its deliver
//! time in `TIMER_OUT_MS`, a message with a delay level (`DELAY` > 0) moves to `SCHEDULE_TOPIC_XXXX` queue
//! level - 1; both remember their real topic and queue in `REAL_TOPIC` / `REAL_QID`. Batches are not converted:
//! like Java's `CommitLog.asyncPutMessages`, a batch with a delay level is refused.

use fulmen_protocol::message::{MessageSysFlag, Properties, keys};
use fulmen_store::{MessageToStore, PutMessageStatus};

use crate::schedule::ScheduleSettings;
use crate::schedule::delay_levels::level_to_queue_id;
use crate::topic_validator::{SCHEDULE_TOPIC, TIMER_TOPIC};

/// The timer properties a delay level overrides (removed when `DELAY` > 0).
const TIMER_REQUEST_KEYS: [&str; 3] = [
    keys::TIMER_DELIVER_MS,
    keys::TIMER_DELAY_SEC,
    keys::TIMER_DELAY_MS,
];

/// The delay level of a message (Java's `Message.getDelayTimeLevel`): the `DELAY` property, 0 when it is
/// missing (or, where Java would throw, unparsable).
pub(crate) fn delay_level(properties: &Properties) -> i32 {
    properties
        .get(keys::DELAY_TIME_LEVEL)
        .and_then(|value| value.parse().ok())
        .unwrap_or(0)
}

/// Converts `message` in place if it is a timer or delayed message; `Err` is the status Java's hook returns
/// to refuse it (nothing is stored then). `now` is the wall clock in ms.
pub(crate) fn handle_schedule(
    settings: &ScheduleSettings,
    message: &mut MessageToStore,
    now: i64,
) -> Result<(), PutMessageStatus> {
    let transaction = MessageSysFlag::transaction_value(message.sys_flag);
    if transaction != MessageSysFlag::TRANSACTION_NOT_TYPE
        && transaction != MessageSysFlag::TRANSACTION_COMMIT_TYPE
    {
        return Ok(());
    }
    if message.topic != TIMER_TOPIC && is_timer_message(&mut message.properties) {
        if !settings.timer_wheel_enable {
            return Err(PutMessageStatus::WheelTimerNotEnable);
        }
        transform_timer_message(settings, message, now)?;
    }
    let level = delay_level(&message.properties);
    if level > 0 {
        transform_delay_level_message(settings, message, level);
    }
    Ok(())
}

/// Refuses a batch whose own properties carry a delay level (Java's `CommitLog.asyncPutMessages`); the
/// entries' timer properties are stored as they are.
pub(crate) fn check_batch(batch_properties: &Properties) -> Result<(), PutMessageStatus> {
    if delay_level(batch_properties) > 0 {
        return Err(PutMessageStatus::MessageIllegal);
    }
    Ok(())
}

/// Java's `checkIfTimerMessage`: a delay level wins (the timer properties are removed); a message that already
/// went through the timer (`TIMER_OUT_MS`) is not timed again.
fn is_timer_message(properties: &mut Properties) -> bool {
    if delay_level(properties) > 0 {
        for key in TIMER_REQUEST_KEYS {
            properties.remove(key);
        }
        return false;
    }
    if properties.contains(keys::TIMER_OUT_MS) {
        return false;
    }
    TIMER_REQUEST_KEYS.iter().any(|key| properties.contains(key))
}

/// Java's `transformTimerMessage`: the deliver time from `TIMER_DELAY_SEC`, else `TIMER_DELAY_MS`, else
/// `TIMER_DELIVER_MS`; a future one at most `timerMaxDelaySec` away, rounded down to the precision (an exact
/// multiple goes one unit earlier), moves the message to the timer topic, queue 0. A past one is stored as it
/// is, in its own topic.
fn transform_timer_message(
    settings: &ScheduleSettings,
    message: &mut MessageToStore,
    now: i64,
) -> Result<(), PutMessageStatus> {
    let properties = &message.properties;
    let parse = |key: &str| properties.get(key).map(str::parse::<i64>);
    let deliver_ms = if let Some(seconds) = parse(keys::TIMER_DELAY_SEC) {
        seconds.map(|seconds| now.wrapping_add(seconds.wrapping_mul(1000)))
    } else if let Some(millis) = parse(keys::TIMER_DELAY_MS) {
        millis.map(|millis| now.wrapping_add(millis))
    } else {
        parse(keys::TIMER_DELIVER_MS).unwrap_or(Ok(0))
    };
    let mut deliver_ms = deliver_ms.map_err(|_| PutMessageStatus::WheelTimerMsgIllegal)?;
    if deliver_ms <= now {
        if properties.contains(keys::TIMER_DEL_UNIQKEY) {
            return Err(PutMessageStatus::WheelTimerMsgIllegal);
        }
        return Ok(());
    }
    if deliver_ms - now > settings.timer_max_delay_sec.saturating_mul(1000) {
        return Err(PutMessageStatus::WheelTimerMsgIllegal);
    }
    let precision = settings.timer_precision_ms;
    if deliver_ms % precision == 0 {
        deliver_ms -= precision;
    } else {
        deliver_ms = deliver_ms / precision * precision;
    }
    move_to(
        message,
        TIMER_TOPIC,
        0,
        &[(keys::TIMER_OUT_MS, deliver_ms.to_string())],
    );
    Ok(())
}

/// Java's `transformDelayLevelMessage`: a level above the highest is clamped (and `DELAY` rewritten).
fn transform_delay_level_message(settings: &ScheduleSettings, message: &mut MessageToStore, level: i32) {
    let max_level = settings.levels.max_level();
    let level = if level > max_level {
        message
            .properties
            .insert(keys::DELAY_TIME_LEVEL, max_level.to_string());
        max_level
    } else {
        level
    };
    move_to(message, SCHEDULE_TOPIC, level_to_queue_id(level), &[]);
}

/// Sets `extra`, then `REAL_TOPIC` / `REAL_QID` to the message's topic and queue, then moves it.
fn move_to(message: &mut MessageToStore, topic: &str, queue_id: i32, extra: &[(&str, String)]) {
    for (key, value) in extra {
        message.properties.insert(*key, value.clone());
    }
    let real_topic = std::mem::replace(&mut message.topic, topic.to_owned());
    message.properties.insert(keys::REAL_TOPIC, real_topic);
    message
        .properties
        .insert(keys::REAL_QUEUE_ID, message.queue_id.to_string());
    message.queue_id = queue_id;
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::schedule::delay_levels::{DEFAULT_MESSAGE_DELAY_LEVEL, DelayLevels};

    const NOW: i64 = 1_700_000_000_500;

    fn settings() -> ScheduleSettings {
        ScheduleSettings {
            levels: Arc::new(DelayLevels::parse(DEFAULT_MESSAGE_DELAY_LEVEL).unwrap()),
            timer_wheel_enable: true,
            timer_max_delay_sec: 259_200,
            timer_precision_ms: 1000,
        }
    }

    fn message(properties: &[(&str, &str)]) -> MessageToStore {
        MessageToStore {
            topic: "Orders".into(),
            queue_id: 2,
            properties: properties.iter().copied().collect(),
            ..MessageToStore::default()
        }
    }

    fn run(properties: &[(&str, &str)]) -> (Result<(), PutMessageStatus>, MessageToStore) {
        let mut message = message(properties);
        let result = handle_schedule(&settings(), &mut message, NOW);
        (result, message)
    }

    #[test]
    fn a_delay_level_moves_the_message_to_its_schedule_queue() {
        let (result, message) = run(&[("TAGS", "A"), ("DELAY", "3")]);
        result.unwrap();
        assert_eq!((message.topic.as_str(), message.queue_id), (SCHEDULE_TOPIC, 2));
        assert_eq!(message.properties.get("REAL_TOPIC"), Some("Orders"));
        assert_eq!(message.properties.get("REAL_QID"), Some("2"));
        assert_eq!(message.properties.get("DELAY"), Some("3"));

        let (_, clamped) = run(&[("DELAY", "40")]);
        assert_eq!(
            (clamped.queue_id, clamped.properties.get("DELAY")),
            (17, Some("18"))
        );
        for level in ["0", "-1", "x"] {
            let (_, unchanged) = run(&[("DELAY", level)]);
            assert_eq!(unchanged.topic, "Orders", "DELAY={level}");
            assert_eq!(unchanged.properties.get("DELAY"), Some(level));
            assert!(!unchanged.properties.contains("REAL_TOPIC"));
        }
    }

    #[test]
    fn half_and_rollback_messages_are_not_converted_commits_are() {
        for (sys_flag, converted) in [(0x4, false), (0xC, false), (0x8, true)] {
            let mut message = message(&[("DELAY", "1")]);
            message.sys_flag = sys_flag;
            handle_schedule(&settings(), &mut message, NOW).unwrap();
            assert_eq!(
                message.topic == SCHEDULE_TOPIC,
                converted,
                "sys flag {sys_flag:#x}"
            );
        }
    }

    #[test]
    fn a_delay_level_wins_over_timer_properties() {
        let (result, message) = run(&[
            ("DELAY", "2"),
            ("TIMER_DELAY_SEC", "5"),
            ("TIMER_DELIVER_MS", "9"),
        ]);
        result.unwrap();
        assert_eq!(message.topic, SCHEDULE_TOPIC);
        assert!(!message.properties.contains("TIMER_DELAY_SEC"));
        assert!(!message.properties.contains("TIMER_DELIVER_MS"));
        assert!(!message.properties.contains("TIMER_OUT_MS"));
    }

    #[test]
    fn a_timer_message_moves_to_the_timer_topic_rounded_down() {
        let deliver = (NOW + 5_300).to_string();
        let (result, message) = run(&[("TIMER_DELIVER_MS", &deliver)]);
        result.unwrap();
        assert_eq!((message.topic.as_str(), message.queue_id), (TIMER_TOPIC, 0));
        assert_eq!(message.properties.get("TIMER_OUT_MS"), Some("1700000005000"));
        assert_eq!(message.properties.get("REAL_TOPIC"), Some("Orders"));
        assert_eq!(message.properties.get("REAL_QID"), Some("2"));
        assert_eq!(message.properties.get("TIMER_DELIVER_MS"), Some(deliver.as_str()));

        // An exact multiple of the precision goes one unit earlier (Java quirk).
        let exact = (NOW - 500 + 3000).to_string();
        let (_, message) = run(&[("TIMER_DELIVER_MS", &exact)]);
        assert_eq!(message.properties.get("TIMER_OUT_MS"), Some("1700000002000"));
        // TIMER_DELAY_SEC comes before TIMER_DELAY_MS, which comes before TIMER_DELIVER_MS.
        let (_, message) = run(&[
            ("TIMER_DELAY_MS", "2600"),
            ("TIMER_DELAY_SEC", "10"),
            ("TIMER_DELIVER_MS", "1"),
        ]);
        assert_eq!(message.properties.get("TIMER_OUT_MS"), Some("1700000010000"));
        let (_, message) = run(&[("TIMER_DELAY_MS", "2600"), ("TIMER_DELIVER_MS", "1")]);
        assert_eq!(message.properties.get("TIMER_OUT_MS"), Some("1700000003000"));
    }

    #[test]
    fn timer_limits_and_errors() {
        let (result, _) = run(&[("TIMER_DELAY_SEC", "259201")]);
        assert_eq!(result, Err(PutMessageStatus::WheelTimerMsgIllegal));
        let (result, message) = run(&[("TIMER_DELAY_SEC", "259200")]);
        result.unwrap();
        assert_eq!(message.topic, TIMER_TOPIC);
        let (result, _) = run(&[("TIMER_DELIVER_MS", "soon")]);
        assert_eq!(result, Err(PutMessageStatus::WheelTimerMsgIllegal));
        // A past deliver time is stored at once in its own topic, with its properties.
        let (result, message) = run(&[("TIMER_DELIVER_MS", "1000")]);
        result.unwrap();
        assert_eq!(message.topic, "Orders");
        assert_eq!(message.properties.get("TIMER_DELIVER_MS"), Some("1000"));
        let (result, _) = run(&[("TIMER_DELIVER_MS", "1000"), ("TIMER_DEL_UNIQKEY", "k")]);
        assert_eq!(result, Err(PutMessageStatus::WheelTimerMsgIllegal));
        // Delivered timer messages (TIMER_OUT_MS) and the timer topic itself are not timed again.
        let (_, message) = run(&[("TIMER_DELAY_SEC", "5"), ("TIMER_OUT_MS", "1")]);
        assert_eq!(message.topic, "Orders");

        let mut disabled = settings();
        disabled.timer_wheel_enable = false;
        let mut message = message_with_timer();
        let result = handle_schedule(&disabled, &mut message, NOW);
        assert_eq!(result, Err(PutMessageStatus::WheelTimerNotEnable));
    }

    fn message_with_timer() -> MessageToStore {
        message(&[("TIMER_DELAY_MS", "100")])
    }

    #[test]
    fn a_batch_with_a_delay_level_is_illegal() {
        let delayed: Properties = [("DELAY", "1")].into_iter().collect();
        assert_eq!(check_batch(&delayed), Err(PutMessageStatus::MessageIllegal));
        assert_eq!(check_batch(&Properties::new()), Ok(()));
    }
}
