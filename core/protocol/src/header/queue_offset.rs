//! The headers that ask a broker about the offsets and store times of a queue (`GET_MAX_OFFSET`, `GET_MIN_OFFSET`,
//! `SEARCH_OFFSET_BY_TIMESTAMP`, `GET_EARLIEST_MSG_STORETIME`), and [`BoundaryType`].

use crate::ext_fields::{ExtValue, command_header};

/// Which offset `SEARCH_OFFSET_BY_TIMESTAMP` returns when several messages match the timestamp
/// (Java's `common.BoundaryType`).
///
/// On the wire it is the Java enum name, `LOWER` or `UPPER`. Like Java's `BoundaryType.getType`, reading accepts
/// `upper` in any case as [`Upper`](Self::Upper) and anything else as [`Lower`](Self::Lower).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BoundaryType {
    /// The first matching offset; what the broker uses when the field is absent.
    #[default]
    Lower,
    /// The last matching offset.
    Upper,
}

impl ExtValue for BoundaryType {
    fn parse_ext(text: &str) -> Option<Self> {
        Some(if text.eq_ignore_ascii_case("upper") {
            BoundaryType::Upper
        } else {
            BoundaryType::Lower
        })
    }

    fn to_ext(&self) -> String {
        match self {
            BoundaryType::Lower => "LOWER",
            BoundaryType::Upper => "UPPER",
        }
        .to_owned()
    }
}

command_header! {
    /// `GetMaxOffsetRequestHeader`: the header of `GET_MAX_OFFSET` (30).
    pub struct GetMaxOffsetRequestHeader {
        /// The topic of the queue.
        topic: String = "topic",
        /// The queue.
        queue_id: i32 = "queueId",
        /// Whether only committed (replicated) messages count. A Java primitive whose default is `true`: Java always
        /// sends it, and a broker treats an absent value as `true`; see
        /// [`committed_or_default`](Self::committed_or_default).
        committed: Option<bool> = "committed",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

impl GetMaxOffsetRequestHeader {
    /// The `committed` flag with Java's default (`true`) when absent.
    pub fn committed_or_default(&self) -> bool {
        self.committed.unwrap_or(true)
    }
}

command_header! {
    /// `GetMaxOffsetResponseHeader`: one past the last offset of the queue.
    pub struct GetMaxOffsetResponseHeader {
        /// The queue's max offset.
        offset: i64 = "offset",
    }
}

command_header! {
    /// `GetMinOffsetRequestHeader`: the header of `GET_MIN_OFFSET` (31).
    pub struct GetMinOffsetRequestHeader {
        /// The topic of the queue.
        topic: String = "topic",
        /// The queue.
        queue_id: i32 = "queueId",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

command_header! {
    /// `GetMinOffsetResponseHeader`: the smallest offset still in the queue.
    pub struct GetMinOffsetResponseHeader {
        /// The queue's min offset.
        offset: i64 = "offset",
    }
}

command_header! {
    /// `SearchOffsetRequestHeader`: the header of `SEARCH_OFFSET_BY_TIMESTAMP` (29).
    pub struct SearchOffsetRequestHeader {
        /// The topic of the queue.
        topic: String = "topic",
        /// The queue.
        queue_id: i32 = "queueId",
        /// The store time to look for, in milliseconds since the epoch.
        timestamp: i64 = "timestamp",
        /// Which of several matching offsets to return; absent means [`BoundaryType::Lower`].
        boundary_type: Option<BoundaryType> = "boundaryType",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

command_header! {
    /// `SearchOffsetResponseHeader`: the offset found for the timestamp.
    pub struct SearchOffsetResponseHeader {
        /// The offset.
        offset: i64 = "offset",
    }
}

command_header! {
    /// `GetEarliestMsgStoretimeRequestHeader`: the header of `GET_EARLIEST_MSG_STORETIME` (32).
    pub struct GetEarliestMsgStoretimeRequestHeader {
        /// The topic of the queue.
        topic: String = "topic",
        /// The queue.
        queue_id: i32 = "queueId",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

command_header! {
    /// `GetEarliestMsgStoretimeResponseHeader`: when the oldest message of the queue was stored.
    pub struct GetEarliestMsgStoretimeResponseHeader {
        /// The store time, in milliseconds since the epoch.
        timestamp: i64 = "timestamp",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ext_fields::CommandHeader;
    use crate::header::test_support::{assert_required_keys, assert_round_trip, ext};

    #[test]
    fn boundary_type_is_written_as_the_enum_name_and_read_like_java() {
        assert_eq!(BoundaryType::Lower.to_ext(), "LOWER");
        assert_eq!(BoundaryType::Upper.to_ext(), "UPPER");
        assert_eq!(BoundaryType::parse_ext("upper"), Some(BoundaryType::Upper));
        assert_eq!(BoundaryType::parse_ext("UpPeR"), Some(BoundaryType::Upper));
        assert_eq!(BoundaryType::parse_ext("LOWER"), Some(BoundaryType::Lower));
        assert_eq!(
            BoundaryType::parse_ext("sideways"),
            Some(BoundaryType::Lower),
            "Java falls back to LOWER"
        );
    }

    #[test]
    fn search_offset_round_trips_and_requires_topic_queue_timestamp() {
        let header = SearchOffsetRequestHeader {
            topic: "T".into(),
            queue_id: 1,
            timestamp: 1_700_000_000_000,
            boundary_type: Some(BoundaryType::Upper),
            broker_name: Some("broker-a".into()),
        };
        assert_eq!(assert_round_trip(&header)["boundaryType"], "UPPER");
        assert_required_keys(&header, &["topic", "queueId", "timestamp"]);
        let response = SearchOffsetResponseHeader { offset: 5 };
        assert_round_trip(&response);
        assert_required_keys(&response, &["offset"]);
    }

    #[test]
    fn max_offset_committed_defaults_to_true() {
        let fields = ext(&[("topic", "T"), ("queueId", "0")]);
        let header = GetMaxOffsetRequestHeader::read_from(&fields).unwrap();
        assert_eq!(header.committed, None);
        assert!(header.committed_or_default());
        let header = GetMaxOffsetRequestHeader {
            committed: Some(false),
            ..header
        };
        assert!(!header.committed_or_default());
        assert_eq!(assert_round_trip(&header)["committed"], "false");
        assert_required_keys(&header, &["topic", "queueId"]);
        assert_required_keys(&GetMaxOffsetResponseHeader { offset: 9 }, &["offset"]);
    }

    #[test]
    fn min_offset_and_earliest_store_time_round_trip() {
        let min = GetMinOffsetRequestHeader {
            topic: "T".into(),
            queue_id: 7,
            broker_name: Some("b".into()),
        };
        assert_round_trip(&min);
        assert_required_keys(&min, &["topic", "queueId"]);
        assert_required_keys(&GetMinOffsetResponseHeader { offset: 0 }, &["offset"]);
        let earliest = GetEarliestMsgStoretimeRequestHeader {
            topic: "T".into(),
            queue_id: 7,
            broker_name: None,
        };
        assert_round_trip(&earliest);
        assert_required_keys(&earliest, &["topic", "queueId"]);
        let response = GetEarliestMsgStoretimeResponseHeader {
            timestamp: 1_700_000_000_000,
        };
        assert_eq!(assert_round_trip(&response)["timestamp"], "1700000000000");
        assert_required_keys(&response, &["timestamp"]);
    }
}
