//! The consume-queue tag code of the broker's two waiting topics (Java's `CommitLog.checkMessageAndReturnSize`,
//! "timing message processing"): a `SCHEDULE_TOPIC_XXXX` entry holds the message's deliver time instead of its
//! tag hash. The store calls this on every append and when recovery rebuilds consume queues.
//!
//! Fulmen also stores the deliver time (`TIMER_OUT_MS`) in the tag code of `rmq_sys_wheel_timer` entries, so the
//! timer service can rebuild its schedule from the consume queue alone. Java keeps that time in its own timer
//! log instead and leaves the tag hash there; no client reads that topic.

use std::sync::Arc;

use fulmen_protocol::message::{Properties, keys};
use fulmen_store::{TagHashResolver, TagsCodeResolver};

use crate::schedule::delay_levels::DelayLevels;
use crate::topic_validator::{SCHEDULE_TOPIC, TIMER_TOPIC};

/// Tag codes: deliver times for the schedule and timer topics, the tag hash elsewhere.
#[derive(Debug, Clone)]
pub(crate) struct DeliverTimeTagsCode {
    pub(crate) levels: Arc<DelayLevels>,
}

impl TagsCodeResolver for DeliverTimeTagsCode {
    fn tags_code(&self, topic: &str, properties: &Properties, store_timestamp: i64) -> i64 {
        if topic == SCHEDULE_TOPIC
            && let Some(level) = properties
                .get(keys::DELAY_TIME_LEVEL)
                .and_then(|value| value.parse::<i32>().ok())
        {
            let level = level.min(self.levels.max_level());
            if level > 0 {
                return self.levels.deliver_timestamp(level, store_timestamp);
            }
        }
        if topic == TIMER_TOPIC {
            return properties
                .get(keys::TIMER_OUT_MS)
                .and_then(|value| value.parse::<i64>().ok())
                .unwrap_or(store_timestamp);
        }
        TagHashResolver.tags_code(topic, properties, store_timestamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::delay_levels::DEFAULT_MESSAGE_DELAY_LEVEL;

    fn resolver() -> DeliverTimeTagsCode {
        DeliverTimeTagsCode {
            levels: Arc::new(DelayLevels::parse(DEFAULT_MESSAGE_DELAY_LEVEL).unwrap()),
        }
    }

    #[test]
    fn schedule_entries_hold_the_deliver_time_others_the_tag_hash() {
        let resolver = resolver();
        let mut properties: Properties = [("TAGS", "TagA"), ("DELAY", "3")].into_iter().collect();
        assert_eq!(resolver.tags_code(SCHEDULE_TOPIC, &properties, 1000), 11_000);
        let tag_hash = TagHashResolver.tags_code("T", &properties, 1000);
        assert_eq!(resolver.tags_code("T", &properties, 1000), tag_hash);
        properties.insert("DELAY", "99");
        assert_eq!(
            resolver.tags_code(SCHEDULE_TOPIC, &properties, 0),
            7_200_000,
            "clamped to 18"
        );
        properties.insert("DELAY", "0");
        assert_eq!(resolver.tags_code(SCHEDULE_TOPIC, &properties, 0), tag_hash);
        let timer: Properties = [("TIMER_OUT_MS", "123456")].into_iter().collect();
        assert_eq!(resolver.tags_code(TIMER_TOPIC, &timer, 5), 123_456);
        assert_eq!(resolver.tags_code(TIMER_TOPIC, &Properties::new(), 5), 5);
    }
}
