//! The header that resets a consumer group's offsets to a point in time (`INVOKE_BROKER_TO_RESET_OFFSET`,
//! `RESET_CONSUMER_CLIENT_OFFSET`).

use crate::ext_fields::command_header;

command_header! {
    /// `ResetOffsetRequestHeader`: the header of `INVOKE_BROKER_TO_RESET_OFFSET` (222, admin to broker) and of
    /// `RESET_CONSUMER_CLIENT_OFFSET` (220, broker to client, with a `ResetOffsetBody`).
    pub struct ResetOffsetRequestHeader {
        /// The consumer group to reset.
        group: String = "group",
        /// The topic to reset.
        topic: String = "topic",
        /// Only this queue. A Java primitive whose default is -1 (every queue): Java always sends it; see
        /// [`queue_id_or_default`](Self::queue_id_or_default).
        queue_id: Option<i32> = "queueId",
        /// Reset to this offset instead of the one found for `timestamp`.
        offset: Option<i64> = "offset",
        /// The store time to reset to, in milliseconds since the epoch.
        timestamp: i64 = "timestamp",
        /// Whether to reset even to a later offset than the current one. The Java key is literally `isForce`.
        is_force: bool = "isForce",
    }
}

impl ResetOffsetRequestHeader {
    /// The queue with Java's default (-1, every queue) when absent.
    pub fn queue_id_or_default(&self) -> i32 {
        self.queue_id.unwrap_or(-1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ext_fields::CommandHeader;
    use crate::header::test_support::{assert_required_keys, assert_round_trip, ext};

    #[test]
    fn round_trips_with_the_is_force_key() {
        let header = ResetOffsetRequestHeader {
            group: "CG".into(),
            topic: "T".into(),
            queue_id: Some(-1),
            offset: None,
            timestamp: 1_700_000_000_000,
            is_force: true,
        };
        let fields = assert_round_trip(&header);
        assert_eq!(fields["isForce"], "true");
        assert_eq!(fields["queueId"], "-1");
        assert_required_keys(&header, &["group", "topic", "timestamp", "isForce"]);
    }

    #[test]
    fn absent_queue_means_every_queue() {
        let fields = ext(&[
            ("group", "CG"),
            ("topic", "T"),
            ("timestamp", "0"),
            ("isForce", "false"),
        ]);
        let header = ResetOffsetRequestHeader::read_from(&fields).unwrap();
        assert_eq!(header.queue_id, None);
        assert_eq!(header.queue_id_or_default(), -1);
        assert_eq!(
            ResetOffsetRequestHeader {
                queue_id: Some(3),
                ..header
            }
            .queue_id_or_default(),
            3
        );
    }
}
