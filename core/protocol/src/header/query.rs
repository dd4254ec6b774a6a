//! The headers that look messages up by key or by commit-log offset (`QUERY_MESSAGE`, `VIEW_MESSAGE_BY_ID`).

use crate::ext_fields::command_header;

command_header! {
    /// `QueryMessageRequestHeader`: the header of `QUERY_MESSAGE` (12), plus the lookup-mode key the Java client adds
    /// beside it.
    pub struct QueryMessageRequestHeader {
        /// The topic searched.
        topic: String = "topic",
        /// The message key (or the `UNIQ_KEY` when [`unique_key_query`](Self::unique_key_query) is true).
        key: String = "key",
        /// The most messages to return.
        max_num: i32 = "maxNum",
        /// The start of the store-time range, in milliseconds since the epoch.
        begin_timestamp: i64 = "beginTimestamp",
        /// The end of the store-time range, in milliseconds since the epoch.
        end_timestamp: i64 = "endTimestamp",
        /// Not a field of the Java class: true looks the key up as a client message id (`_UNIQUE_KEY_QUERY`).
        /// The Java client always sends it.
        unique_key_query: Option<bool> = "_UNIQUE_KEY_QUERY",
    }
}

command_header! {
    /// `QueryMessageResponseHeader`: where the broker's index stood when it answered.
    pub struct QueryMessageResponseHeader {
        /// When the index was last updated, in milliseconds since the epoch.
        index_last_update_timestamp: i64 = "indexLastUpdateTimestamp",
        /// The commit-log offset the index covers.
        index_last_update_phyoffset: i64 = "indexLastUpdatePhyoffset",
    }
}

command_header! {
    /// `ViewMessageRequestHeader`: the header of `VIEW_MESSAGE_BY_ID` (33); the response body is one stored message.
    pub struct ViewMessageRequestHeader {
        /// The topic of the message.
        topic: Option<String> = "topic",
        /// The commit-log offset of the message (from its offset message id).
        offset: i64 = "offset",
    }
}

command_header! {
    /// `ViewMessageResponseHeader`: the (empty) header of a `VIEW_MESSAGE_BY_ID` response.
    pub struct ViewMessageResponseHeader {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    #[test]
    fn query_message_round_trips_and_requires_its_fields() {
        let header = QueryMessageRequestHeader {
            topic: "TopicTest".into(),
            key: "order-1".into(),
            max_num: 32,
            begin_timestamp: 0,
            end_timestamp: i64::MAX,
            unique_key_query: Some(false),
        };
        assert_eq!(assert_round_trip(&header)["_UNIQUE_KEY_QUERY"], "false");
        assert_required_keys(
            &header,
            &["topic", "key", "maxNum", "beginTimestamp", "endTimestamp"],
        );
        let response = QueryMessageResponseHeader {
            index_last_update_timestamp: 1,
            index_last_update_phyoffset: 2,
        };
        assert_round_trip(&response);
        assert_required_keys(
            &response,
            &["indexLastUpdateTimestamp", "indexLastUpdatePhyoffset"],
        );
    }

    #[test]
    fn view_message_requires_the_offset() {
        let header = ViewMessageRequestHeader {
            topic: Some("TopicTest".into()),
            offset: 4096,
        };
        assert_round_trip(&header);
        assert_required_keys(&header, &["offset"]);
        assert!(assert_round_trip(&ViewMessageResponseHeader {}).is_empty());
    }
}
