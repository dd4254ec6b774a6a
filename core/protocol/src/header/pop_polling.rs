//! The headers of POP consumption's long-poll probes (`NOTIFICATION`, `POLLING_INFO`).

use crate::ext_fields::command_header;

command_header! {
    /// `NotificationRequestHeader`: the header of `NOTIFICATION` (200054), a long poll asking whether a queue has
    /// messages to pop.
    pub struct NotificationRequestHeader {
        /// The consumer group asking.
        consumer_group: String = "consumerGroup",
        /// The topic asked about.
        topic: String = "topic",
        /// The queue; -1 means any queue of the topic.
        queue_id: i32 = "queueId",
        /// How long the broker may hold the request, in milliseconds.
        poll_time: i64 = "pollTime",
        /// When the client sent the request, in milliseconds since the epoch.
        born_time: i64 = "bornTime",
        /// Whether the group consumes orderly. Java's default is false and Java always sends it.
        order: Option<bool> = "order",
        /// The attempt id of the pop this probe precedes.
        attempt_id: Option<String> = "attemptId",
    }
}

command_header! {
    /// `NotificationResponseHeader`: the answer to a `NOTIFICATION`.
    pub struct NotificationResponseHeader {
        /// Whether there are messages to pop.
        has_msg: bool = "hasMsg",
        /// Whether the broker refused to hold the request because too many are waiting. A Java primitive
        /// (default false) that Java always sends.
        polling_full: Option<bool> = "pollingFull",
    }
}

command_header! {
    /// `PollingInfoRequestHeader`: the header of `POLLING_INFO` (200055), which asks how many pops wait on a queue.
    pub struct PollingInfoRequestHeader {
        /// The consumer group.
        consumer_group: String = "consumerGroup",
        /// The topic.
        topic: String = "topic",
        /// The queue.
        queue_id: i32 = "queueId",
    }
}

command_header! {
    /// `PollingInfoResponseHeader`: the number of waiting pops.
    pub struct PollingInfoResponseHeader {
        /// How many pop requests the broker holds for the queue.
        polling_num: i32 = "pollingNum",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    #[test]
    fn notification_round_trips_and_requires_its_fields() {
        let header = NotificationRequestHeader {
            consumer_group: "CG".into(),
            topic: "T".into(),
            queue_id: -1,
            poll_time: 15_000,
            born_time: 1_700_000_000_000,
            order: Some(false),
            attempt_id: None,
        };
        assert_round_trip(&header);
        assert_required_keys(
            &header,
            &["consumerGroup", "topic", "queueId", "pollTime", "bornTime"],
        );
        let response = NotificationResponseHeader {
            has_msg: true,
            polling_full: Some(false),
        };
        assert_eq!(assert_round_trip(&response)["hasMsg"], "true");
        assert_required_keys(&response, &["hasMsg"]);
    }

    #[test]
    fn polling_info_round_trips_and_requires_its_fields() {
        let header = PollingInfoRequestHeader {
            consumer_group: "CG".into(),
            topic: "T".into(),
            queue_id: 0,
        };
        assert_round_trip(&header);
        assert_required_keys(&header, &["consumerGroup", "topic", "queueId"]);
        let response = PollingInfoResponseHeader { polling_num: 4 };
        assert_round_trip(&response);
        assert_required_keys(&response, &["pollingNum"]);
    }
}
