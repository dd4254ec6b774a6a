//! The long-key send request header (`SEND_MESSAGE`, `SEND_REPLY_MESSAGE`) and the send response header.
//!
//! The short-key form used by `SEND_MESSAGE_V2`, `SEND_BATCH_MESSAGE` and `SEND_REPLY_MESSAGE_V2` lives in
//! `send_v2.rs`; [`SendMessageRequestHeader::read_for_code`] reads either form as this one.

use crate::code::RequestCode;
use crate::error::Result;
use crate::ext_fields::{CommandHeader, ExtFields, command_header};

use super::SendMessageRequestHeaderV2;

command_header! {
    /// `SendMessageRequestHeader`: the long-key header of `SEND_MESSAGE` (10) and `SEND_REPLY_MESSAGE` (324), and the
    /// form every send request is handled in (the short-key V2 header converts to it without loss).
    pub struct SendMessageRequestHeader {
        /// The producer group of the sender.
        producer_group: String = "producerGroup",
        /// The topic the message goes to.
        topic: String = "topic",
        /// The template topic for auto-creation, normally `TBW102`.
        default_topic: String = "defaultTopic",
        /// The queue count of an auto-created topic (the producer's default is 4).
        default_topic_queue_nums: i32 = "defaultTopicQueueNums",
        /// The target queue; a negative value lets the broker pick a random writable queue.
        queue_id: i32 = "queueId",
        /// `MessageSysFlag` bits: compression, transaction type, host address families.
        sys_flag: i32 = "sysFlag",
        /// When the producer created the message, in milliseconds since the epoch.
        born_timestamp: i64 = "bornTimestamp",
        /// The user flag of the message.
        flag: i32 = "flag",
        /// The encoded message properties (`name\u{1}value\u{2}` pairs).
        properties: Option<String> = "properties",
        /// How often the message was consumed before; used for `%RETRY%` topics.
        reconsume_times: Option<i32> = "reconsumeTimes",
        /// Unit mode of the producer (absent means false).
        unit_mode: Option<bool> = "unitMode",
        /// Whether the body is a batch (absent means false).
        batch: Option<bool> = "batch",
        /// The retry limit before a `%RETRY%` message goes to the dead-letter queue.
        max_reconsume_times: Option<i32> = "maxReconsumeTimes",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

impl SendMessageRequestHeader {
    /// Reads the send header of a request with `code`, in the form the Java broker expects for that code:
    /// `SEND_MESSAGE_V2`, `SEND_BATCH_MESSAGE` and `SEND_REPLY_MESSAGE_V2` carry the short-key V2 form, every other
    /// code the long-key form.
    pub fn read_for_code(code: RequestCode, fields: &ExtFields) -> Result<Self> {
        if code == RequestCode::SEND_MESSAGE_V2
            || code == RequestCode::SEND_BATCH_MESSAGE
            || code == RequestCode::SEND_REPLY_MESSAGE_V2
        {
            SendMessageRequestHeaderV2::read_from(fields).map(Self::from)
        } else {
            Self::read_from(fields)
        }
    }
}

command_header! {
    /// `SendMessageResponseHeader`: the header of a successful send response (`SEND_MESSAGE`, `SEND_MESSAGE_V2`,
    /// `SEND_BATCH_MESSAGE`, `SEND_REPLY_MESSAGE*`), plus the two keys the Java broker adds beside it.
    pub struct SendMessageResponseHeader {
        /// The offset message id of the stored message; for a batch, the ids joined by commas.
        msg_id: String = "msgId",
        /// The queue the message was stored in.
        queue_id: i32 = "queueId",
        /// The consume-queue offset of the message (of the first one for a batch).
        queue_offset: i64 = "queueOffset",
        /// The transaction id; the broker fills it with the message's `UNIQ_KEY`.
        transaction_id: Option<String> = "transactionId",
        /// The unique id of an automatically batched send.
        batch_uniq_id: Option<String> = "batchUniqId",
        /// The handle a delayed message can be recalled with (5.3).
        recall_handle: Option<String> = "recallHandle",
        /// Not a field of the Java class: the broker's region (`MSG_REGION`, default `DefaultRegion`).
        msg_region: Option<String> = "MSG_REGION",
        /// Not a field of the Java class: whether message tracing is on in the broker (`TRACE_ON`).
        trace_on: Option<bool> = "TRACE_ON",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ProtocolError;
    use crate::header::test_support::{assert_required_keys, assert_round_trip, ext};

    fn full_request() -> SendMessageRequestHeader {
        SendMessageRequestHeader {
            producer_group: "PG".into(),
            topic: "TopicTest".into(),
            default_topic: "TBW102".into(),
            default_topic_queue_nums: 4,
            queue_id: 1,
            sys_flag: 0,
            born_timestamp: 1_700_000_000_000,
            flag: 0,
            properties: Some("TAGS\u{1}TagA\u{2}".into()),
            reconsume_times: Some(0),
            unit_mode: Some(false),
            batch: Some(false),
            max_reconsume_times: Some(16),
            broker_name: Some("broker-a".into()),
        }
    }

    #[test]
    fn request_round_trips_with_java_keys() {
        let fields = assert_round_trip(&full_request());
        assert_eq!(fields["producerGroup"], "PG");
        assert_eq!(fields["bornTimestamp"], "1700000000000");
        assert_eq!(fields["bname"], "broker-a");
        assert_eq!(fields.len(), 14);
    }

    #[test]
    fn request_requires_the_cf_not_null_fields() {
        let required = [
            "producerGroup",
            "topic",
            "defaultTopic",
            "defaultTopicQueueNums",
            "queueId",
            "sysFlag",
            "bornTimestamp",
            "flag",
        ];
        assert_required_keys(&full_request(), &required);
        let mut fields = full_request().to_ext_fields();
        fields.shift_remove("topic");
        assert_eq!(
            SendMessageRequestHeader::read_from(&fields)
                .unwrap_err()
                .to_string(),
            "SendMessageRequestHeader: the required field `topic` is missing"
        );
    }

    #[test]
    fn read_for_code_picks_the_form_of_the_code() {
        let long_form = full_request().to_ext_fields();
        let short_form = SendMessageRequestHeaderV2::from(full_request()).to_ext_fields();
        for code in [RequestCode::SEND_MESSAGE, RequestCode::SEND_REPLY_MESSAGE] {
            assert_eq!(
                SendMessageRequestHeader::read_for_code(code, &long_form).unwrap(),
                full_request()
            );
        }
        for code in [
            RequestCode::SEND_MESSAGE_V2,
            RequestCode::SEND_BATCH_MESSAGE,
            RequestCode::SEND_REPLY_MESSAGE_V2,
        ] {
            assert_eq!(
                SendMessageRequestHeader::read_for_code(code, &short_form).unwrap(),
                full_request()
            );
        }
        assert_eq!(
            SendMessageRequestHeader::read_for_code(RequestCode::SEND_MESSAGE_V2, &long_form).unwrap_err(),
            ProtocolError::MissingField {
                header: "SendMessageRequestHeaderV2",
                field: "a"
            }
        );
    }

    #[test]
    fn response_round_trips_and_reads_the_broker_extras() {
        let fields = ext(&[
            ("msgId", "7F00000100002A9F0000000000000000"),
            ("queueId", "1"),
            ("queueOffset", "42"),
            ("transactionId", "7F000001A3E530F399910F2AB16903E1"),
            ("MSG_REGION", "DefaultRegion"),
            ("TRACE_ON", "true"),
        ]);
        let header = SendMessageResponseHeader::read_from(&fields).unwrap();
        assert_eq!(header.queue_offset, 42);
        assert_eq!(header.msg_region.as_deref(), Some("DefaultRegion"));
        assert_eq!(header.trace_on, Some(true));
        assert_eq!(header.batch_uniq_id, None);
        assert_eq!(assert_round_trip(&header), fields);
        assert_required_keys(&header, &["msgId", "queueId", "queueOffset"]);
    }
}
