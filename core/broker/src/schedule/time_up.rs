//! What a waiting message becomes when it is due: Java's `ScheduleMessageService.messageTimeUp` (delay levels)
//! and `TimerMessageStore.convert` / `convertMessage` (timer messages).
//!
//! Both build the new message from the stored one with its properties string as stored. Java clears `DELAY`,
//! `TIMER_DELIVER_MS` and `TIMER_DELAY_SEC` (schedule) or `REAL_TOPIC` and `REAL_QID` (timer) from the property
//! *map* only after it has serialized the map into the properties string that is written, so a consumer still
//! sees all of them (Java quirk, copied): a delivered delayed message keeps `DELAY`, `REAL_TOPIC` and
//! `REAL_QID`; a delivered timer message keeps `REAL_TOPIC`, `REAL_QID`, `TIMER_OUT_MS` and gains
//! `TIMER_ENQUEUE_MS` / `TIMER_DEQUEUE_MS`. Because the map Java's put hook reads no longer has them, the hook
//! never converts a due message again; Fulmen stores due messages past the hook for the same effect
//! ([`BrokerState::put_due_message`](crate::state::BrokerState)).

use fulmen_protocol::message::{MessageExt, keys};
use fulmen_store::MessageToStore;

/// The delivered form of a message from `SCHEDULE_TOPIC_XXXX`, or `None` when its `REAL_TOPIC` / `REAL_QID`
/// are missing or bad (Java throws and skips it).
pub(crate) fn schedule_time_up(stored: MessageExt) -> Option<MessageToStore> {
    to_real_queue(stored)
}

/// The delivered form of a message from `rmq_sys_wheel_timer`: `TIMER_ENQUEUE_MS` (when it entered the timer:
/// Fulmen uses its store time) and `TIMER_DEQUEUE_MS` (`now`) are added first. `None` as for
/// [`schedule_time_up`].
pub(crate) fn timer_time_up(mut stored: MessageExt, now: i64) -> Option<MessageToStore> {
    stored
        .properties
        .insert(keys::TIMER_ENQUEUE_MS, stored.store_timestamp.to_string());
    stored.properties.insert(keys::TIMER_DEQUEUE_MS, now.to_string());
    to_real_queue(stored)
}

fn to_real_queue(stored: MessageExt) -> Option<MessageToStore> {
    let topic = stored.properties.get(keys::REAL_TOPIC)?.to_owned();
    let queue_id = stored.properties.get(keys::REAL_QUEUE_ID)?.parse().ok()?;
    Some(MessageToStore {
        topic,
        queue_id,
        flag: stored.flag,
        body: stored.body,
        properties: stored.properties,
        sys_flag: stored.sys_flag,
        born_timestamp: stored.born_timestamp,
        born_host: stored.born_host,
        store_host: stored.store_host,
        reconsume_times: stored.reconsume_times,
        prepared_transaction_offset: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(properties: &[(&str, &str)]) -> MessageExt {
        MessageExt {
            topic: "SCHEDULE_TOPIC_XXXX".into(),
            queue_id: 2,
            body: "hello".into(),
            flag: 7,
            reconsume_times: 2,
            store_timestamp: 1234,
            properties: properties.iter().copied().collect(),
            ..MessageExt::default()
        }
    }

    #[test]
    fn a_due_delayed_message_goes_back_to_its_real_queue_keeping_its_properties() {
        let due = schedule_time_up(stored(&[
            ("DELAY", "3"),
            ("REAL_TOPIC", "Orders"),
            ("REAL_QID", "5"),
            ("UNIQ_KEY", "U1"),
        ]))
        .unwrap();
        assert_eq!((due.topic.as_str(), due.queue_id), ("Orders", 5));
        assert_eq!(
            (due.flag, due.reconsume_times, &due.body[..]),
            (7, 2, &b"hello"[..])
        );
        for key in ["DELAY", "REAL_TOPIC", "REAL_QID", "UNIQ_KEY"] {
            assert!(due.properties.contains(key), "{key}");
        }
        assert!(schedule_time_up(stored(&[("REAL_TOPIC", "Orders")])).is_none());
        assert!(schedule_time_up(stored(&[("REAL_TOPIC", "Orders"), ("REAL_QID", "x")])).is_none());
    }

    #[test]
    fn a_due_timer_message_gets_its_enqueue_and_dequeue_times() {
        let due = timer_time_up(
            stored(&[
                ("TIMER_OUT_MS", "9000"),
                ("REAL_TOPIC", "Orders"),
                ("REAL_QID", "0"),
            ]),
            9001,
        )
        .unwrap();
        assert_eq!(due.topic, "Orders");
        assert_eq!(due.properties.get("TIMER_ENQUEUE_MS"), Some("1234"));
        assert_eq!(due.properties.get("TIMER_DEQUEUE_MS"), Some("9001"));
        assert_eq!(due.properties.get("TIMER_OUT_MS"), Some("9000"));
    }
}
