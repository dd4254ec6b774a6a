//! The headers that recall a delayed message before it is delivered (`RECALL_MESSAGE`, 5.3).

use crate::ext_fields::command_header;

command_header! {
    /// `RecallMessageRequestHeader`: the header of `RECALL_MESSAGE` (370).
    pub struct RecallMessageRequestHeader {
        /// The producer group recalling.
        producer_group: Option<String> = "producerGroup",
        /// The topic of the delayed message.
        topic: String = "topic",
        /// The recall handle from the send response.
        recall_handle: String = "recallHandle",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

command_header! {
    /// `RecallMessageResponseHeader`: the id of the recalled message.
    pub struct RecallMessageResponseHeader {
        /// The client message id of the recalled message.
        msg_id: String = "msgId",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    #[test]
    fn recall_round_trips_and_requires_topic_and_handle() {
        let header = RecallMessageRequestHeader {
            producer_group: Some("PG".into()),
            topic: "T".into(),
            recall_handle: "handle".into(),
            broker_name: Some("broker-a".into()),
        };
        assert_round_trip(&header);
        assert_required_keys(&header, &["topic", "recallHandle"]);
        let response = RecallMessageResponseHeader {
            msg_id: "7F000001A3E530F399910F2AB16903E1".into(),
        };
        assert_round_trip(&response);
        assert_required_keys(&response, &["msgId"]);
    }
}
