//! The short-key send request header (`SEND_MESSAGE_V2`, `SEND_BATCH_MESSAGE`, `SEND_REPLY_MESSAGE_V2`) and its
//! lossless conversions to and from the long-key [`SendMessageRequestHeader`].
//!
//! Java's own conversion turns an absent `unitMode` or `batch` into `false`; ours keeps absence, so a header
//! survives long → short → long unchanged.

use crate::ext_fields::command_header;

use super::SendMessageRequestHeader;

command_header! {
    /// `SendMessageRequestHeaderV2`: the send header with one-letter keys `a`…`n`, the Java client's default
    /// (`SEND_MESSAGE_V2` 310, `SEND_REPLY_MESSAGE_V2` 325) and its only form for batches (`SEND_BATCH_MESSAGE` 320).
    pub struct SendMessageRequestHeaderV2 {
        /// `a`: the producer group of the sender.
        producer_group: String = "a",
        /// `b`: the topic the message goes to.
        topic: String = "b",
        /// `c`: the template topic for auto-creation, normally `TBW102`.
        default_topic: String = "c",
        /// `d`: the queue count of an auto-created topic.
        default_topic_queue_nums: i32 = "d",
        /// `e`: the target queue; a negative value lets the broker pick one.
        queue_id: i32 = "e",
        /// `f`: `MessageSysFlag` bits.
        sys_flag: i32 = "f",
        /// `g`: when the producer created the message, in milliseconds since the epoch.
        born_timestamp: i64 = "g",
        /// `h`: the user flag of the message.
        flag: i32 = "h",
        /// `i`: the encoded message properties.
        properties: Option<String> = "i",
        /// `j`: how often the message was consumed before.
        reconsume_times: Option<i32> = "j",
        /// `k`: unit mode of the producer (absent means false).
        unit_mode: Option<bool> = "k",
        /// `l`: the retry limit before the dead-letter queue.
        max_reconsume_times: Option<i32> = "l",
        /// `m`: whether the body is a batch (absent means false).
        batch: Option<bool> = "m",
        /// `n`: the name of the broker the request is meant for (absent before 4.9.5 / 5.1.0).
        broker_name: Option<String> = "n",
    }
}

impl From<SendMessageRequestHeader> for SendMessageRequestHeaderV2 {
    fn from(header: SendMessageRequestHeader) -> Self {
        SendMessageRequestHeaderV2 {
            producer_group: header.producer_group,
            topic: header.topic,
            default_topic: header.default_topic,
            default_topic_queue_nums: header.default_topic_queue_nums,
            queue_id: header.queue_id,
            sys_flag: header.sys_flag,
            born_timestamp: header.born_timestamp,
            flag: header.flag,
            properties: header.properties,
            reconsume_times: header.reconsume_times,
            unit_mode: header.unit_mode,
            max_reconsume_times: header.max_reconsume_times,
            batch: header.batch,
            broker_name: header.broker_name,
        }
    }
}

impl From<SendMessageRequestHeaderV2> for SendMessageRequestHeader {
    fn from(header: SendMessageRequestHeaderV2) -> Self {
        SendMessageRequestHeader {
            producer_group: header.producer_group,
            topic: header.topic,
            default_topic: header.default_topic,
            default_topic_queue_nums: header.default_topic_queue_nums,
            queue_id: header.queue_id,
            sys_flag: header.sys_flag,
            born_timestamp: header.born_timestamp,
            flag: header.flag,
            properties: header.properties,
            reconsume_times: header.reconsume_times,
            unit_mode: header.unit_mode,
            batch: header.batch,
            max_reconsume_times: header.max_reconsume_times,
            broker_name: header.broker_name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ext_fields::CommandHeader;
    use crate::header::test_support::{assert_required_keys, assert_round_trip, ext};

    const PROPERTIES: &str =
        "TAGS\u{1}TagA\u{2}WAIT\u{1}true\u{2}UNIQ_KEY\u{1}7F000001A3E530F399910F2AB16903E1\u{2}";

    /// The `extFields` of the SEND_MESSAGE_V2 example in REMOTING.md §1.3 (a Java 5.3.3 client).
    fn java_example() -> crate::ext_fields::ExtFields {
        ext(&[
            ("a", "PG"),
            ("b", "TopicTest"),
            ("c", "TBW102"),
            ("d", "4"),
            ("e", "1"),
            ("f", "0"),
            ("g", "1700000000000"),
            ("h", "0"),
            ("i", PROPERTIES),
            ("j", "0"),
            ("k", "false"),
            ("m", "false"),
            ("n", "broker-a"),
        ])
    }

    #[test]
    fn the_java_example_decodes_into_the_long_form() {
        let short = SendMessageRequestHeaderV2::read_from(&java_example()).unwrap();
        let long = SendMessageRequestHeader::from(short.clone());
        let expected = SendMessageRequestHeader {
            producer_group: "PG".into(),
            topic: "TopicTest".into(),
            default_topic: "TBW102".into(),
            default_topic_queue_nums: 4,
            queue_id: 1,
            sys_flag: 0,
            born_timestamp: 1_700_000_000_000,
            flag: 0,
            properties: Some(PROPERTIES.into()),
            reconsume_times: Some(0),
            unit_mode: Some(false),
            batch: Some(false),
            max_reconsume_times: None,
            broker_name: Some("broker-a".into()),
        };
        assert_eq!(long, expected);
        assert_eq!(long.to_ext_fields()["bname"], "broker-a");
        assert_eq!(SendMessageRequestHeaderV2::from(long), short);
        assert_eq!(
            short.to_ext_fields(),
            java_example(),
            "re-encodes to the same keys in the same order"
        );
    }

    #[test]
    fn short_form_round_trips_and_names_missing_short_keys() {
        let header = SendMessageRequestHeaderV2::read_from(&java_example()).unwrap();
        assert_round_trip(&header);
        assert_required_keys(&header, &["a", "b", "c", "d", "e", "f", "g", "h"]);
    }

    #[test]
    fn conversions_keep_absent_optionals_absent() {
        let short = SendMessageRequestHeaderV2 {
            producer_group: "PG".into(),
            ..Default::default()
        };
        let long = SendMessageRequestHeader::from(short.clone());
        assert_eq!(long.unit_mode, None);
        assert_eq!(long.batch, None);
        assert_eq!(SendMessageRequestHeaderV2::from(long), short);
    }
}
