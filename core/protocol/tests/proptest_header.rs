//! Property tests of the typed headers: every header survives `to_ext_fields` → `read_from`, and the long and short
//! send headers convert into each other without loss.

use std::fmt::Debug;

use bytes::BytesMut;
use fulmen_protocol::header::{
    BoundaryType, CheckTransactionStateRequestHeader, EndTransactionRequestHeader, GetMaxOffsetRequestHeader,
    PullMessageRequestHeader, PullMessageResponseHeader, PullSysFlag, QueryConsumerOffsetRequestHeader,
    QueryConsumerOffsetResponseHeader, SearchOffsetRequestHeader, SendMessageRequestHeader,
    SendMessageRequestHeaderV2, SendMessageResponseHeader, UpdateConsumerOffsetRequestHeader,
};
use fulmen_protocol::{CommandHeader, FrameDecoder, RemotingCommand, RequestCode};
use proptest::option::of;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Checks that `header` decodes from its own encoding unchanged.
fn check_round_trip<H: CommandHeader + Clone + PartialEq + Debug>(header: &H) -> Result<(), TestCaseError> {
    prop_assert_eq!(H::read_from(&header.to_ext_fields()), Ok(header.clone()));
    Ok(())
}

fn send_request() -> impl Strategy<Value = SendMessageRequestHeader> {
    let required = (
        any::<String>(),
        any::<String>(),
        any::<String>(),
        any::<i32>(),
        any::<i32>(),
        any::<i32>(),
        any::<i64>(),
        any::<i32>(),
    );
    let optional = (
        of(any::<String>()),
        of(any::<i32>()),
        of(any::<bool>()),
        of(any::<bool>()),
        of(any::<i32>()),
        of(any::<String>()),
    );
    (required, optional).prop_map(
        |(
            (
                producer_group,
                topic,
                default_topic,
                default_topic_queue_nums,
                queue_id,
                sys_flag,
                born_timestamp,
                flag,
            ),
            (properties, reconsume_times, unit_mode, batch, max_reconsume_times, broker_name),
        )| SendMessageRequestHeader {
            producer_group,
            topic,
            default_topic,
            default_topic_queue_nums,
            queue_id,
            sys_flag,
            born_timestamp,
            flag,
            properties,
            reconsume_times,
            unit_mode,
            batch,
            max_reconsume_times,
            broker_name,
        },
    )
}

fn send_response() -> impl Strategy<Value = SendMessageResponseHeader> {
    (
        any::<String>(),
        any::<i32>(),
        any::<i64>(),
        of(any::<String>()),
        of(any::<String>()),
        of(any::<String>()),
        of(any::<String>()),
        of(any::<bool>()),
    )
        .prop_map(
            |(
                msg_id,
                queue_id,
                queue_offset,
                transaction_id,
                batch_uniq_id,
                recall_handle,
                msg_region,
                trace_on,
            )| {
                SendMessageResponseHeader {
                    msg_id,
                    queue_id,
                    queue_offset,
                    transaction_id,
                    batch_uniq_id,
                    recall_handle,
                    msg_region,
                    trace_on,
                }
            },
        )
}

fn pull_request() -> impl Strategy<Value = PullMessageRequestHeader> {
    let required = (
        any::<String>(),
        any::<String>(),
        any::<i32>(),
        any::<i64>(),
        any::<i32>(),
        any::<i32>(),
        any::<i64>(),
        any::<i64>(),
        any::<i64>(),
    );
    let optional = (
        of(any::<String>()),
        of(any::<String>()),
        of(any::<i32>()),
        of(any::<i32>()),
        of(any::<String>()),
        of(any::<String>()),
    );
    (required, optional).prop_map(
        |(
            (
                consumer_group,
                topic,
                queue_id,
                queue_offset,
                max_msg_nums,
                sys_flag,
                commit_offset,
                suspend_timeout_millis,
                sub_version,
            ),
            (
                subscription,
                expression_type,
                max_msg_bytes,
                request_source,
                proxy_forward_client_id,
                broker_name,
            ),
        )| PullMessageRequestHeader {
            consumer_group,
            topic,
            queue_id,
            queue_offset,
            max_msg_nums,
            sys_flag,
            commit_offset,
            suspend_timeout_millis,
            subscription,
            sub_version,
            expression_type,
            max_msg_bytes,
            request_source,
            proxy_forward_client_id,
            broker_name,
        },
    )
}

fn pull_response() -> impl Strategy<Value = PullMessageResponseHeader> {
    (
        any::<i64>(),
        any::<i64>(),
        any::<i64>(),
        any::<i64>(),
        of(any::<i64>()),
        of(any::<i32>()),
        of(any::<i32>()),
        of(any::<i32>()),
    )
        .prop_map(
            |(
                suggest_which_broker_id,
                next_begin_offset,
                min_offset,
                max_offset,
                offset_delta,
                topic_sys_flag,
                group_sys_flag,
                forbidden_type,
            )| PullMessageResponseHeader {
                suggest_which_broker_id,
                next_begin_offset,
                min_offset,
                max_offset,
                offset_delta,
                topic_sys_flag,
                group_sys_flag,
                forbidden_type,
            },
        )
}

fn end_transaction() -> impl Strategy<Value = EndTransactionRequestHeader> {
    (
        of(any::<String>()),
        any::<String>(),
        any::<i64>(),
        any::<i64>(),
        prop_oneof![
            Just(EndTransactionRequestHeader::UNKNOWN),
            Just(EndTransactionRequestHeader::COMMIT),
            Just(EndTransactionRequestHeader::ROLLBACK),
            any::<i32>(),
        ],
        of(any::<bool>()),
        any::<String>(),
        of(any::<String>()),
        of(any::<String>()),
    )
        .prop_map(
            |(
                topic,
                producer_group,
                tran_state_table_offset,
                commit_log_offset,
                commit_or_rollback,
                from_transaction_check,
                msg_id,
                transaction_id,
                broker_name,
            )| EndTransactionRequestHeader {
                topic,
                producer_group,
                tran_state_table_offset,
                commit_log_offset,
                commit_or_rollback,
                from_transaction_check,
                msg_id,
                transaction_id,
                broker_name,
            },
        )
}

fn check_transaction_state() -> impl Strategy<Value = CheckTransactionStateRequestHeader> {
    (
        of(any::<String>()),
        any::<i64>(),
        any::<i64>(),
        of(any::<String>()),
        of(any::<String>()),
        of(any::<String>()),
        of(any::<String>()),
    )
        .prop_map(
            |(
                topic,
                tran_state_table_offset,
                commit_log_offset,
                msg_id,
                transaction_id,
                offset_msg_id,
                broker_name,
            )| {
                CheckTransactionStateRequestHeader {
                    topic,
                    tran_state_table_offset,
                    commit_log_offset,
                    msg_id,
                    transaction_id,
                    offset_msg_id,
                    broker_name,
                }
            },
        )
}

proptest! {
    #[test]
    fn send_v1_round_trips(header in send_request()) {
        check_round_trip(&header)?;
    }

    #[test]
    fn send_v2_round_trips(header in send_request().prop_map(SendMessageRequestHeaderV2::from)) {
        check_round_trip(&header)?;
    }

    #[test]
    fn send_v1_to_v2_to_v1_is_lossless(header in send_request()) {
        let short = SendMessageRequestHeaderV2::from(header.clone());
        prop_assert_eq!(SendMessageRequestHeader::from(short.clone()), header.clone());
        let short_fields = short.to_ext_fields();
        prop_assert_eq!(short_fields.len(), header.to_ext_fields().len(), "one short key per long key");
        let through_the_wire = SendMessageRequestHeaderV2::read_from(&short_fields).map(SendMessageRequestHeader::from);
        prop_assert_eq!(through_the_wire, Ok(header.clone()));
        prop_assert_eq!(SendMessageRequestHeader::read_for_code(RequestCode::SEND_MESSAGE_V2, &short_fields), Ok(header));
    }

    #[test]
    fn send_v2_survives_a_json_frame(header in send_request().prop_map(SendMessageRequestHeaderV2::from)) {
        let command = RemotingCommand::request(RequestCode::SEND_MESSAGE_V2).with_header(&header);
        let mut buf = BytesMut::new();
        prop_assert!(command.encode(&mut buf).is_ok());
        let decoded = FrameDecoder::default().decode(&mut buf);
        prop_assert!(matches!(decoded, Ok(Some(_))), "frame did not decode: {:?}", decoded);
        if let Ok(Some(decoded)) = decoded {
            prop_assert_eq!(decoded.decode_header::<SendMessageRequestHeaderV2>(), Ok(header));
        }
    }

    #[test]
    fn send_response_round_trips(header in send_response()) {
        check_round_trip(&header)?;
    }

    #[test]
    fn pull_request_round_trips(header in pull_request()) {
        check_round_trip(&header)?;
        prop_assert_eq!(header.pull_sys_flag(), PullSysFlag(header.sys_flag));
    }

    #[test]
    fn pull_response_round_trips(header in pull_response()) {
        check_round_trip(&header)?;
    }

    #[test]
    fn pull_sys_flag_helpers_match_the_bits(bits in any::<i32>()) {
        let flags = PullSysFlag(bits);
        prop_assert_eq!(flags.has_commit_offset(), bits & 0x1 != 0);
        prop_assert_eq!(flags.has_suspend(), bits & 0x2 != 0);
        prop_assert_eq!(flags.has_subscription(), bits & 0x4 != 0);
        prop_assert_eq!(flags.has_class_filter(), bits & 0x8 != 0);
        prop_assert_eq!(flags.has_lite_pull(), bits & 0x10 != 0);
        prop_assert_eq!(flags.clear_commit_offset().bits(), bits & !0x1);
    }

    #[test]
    fn consumer_offset_headers_round_trip(
        group in any::<String>(),
        topic in any::<String>(),
        queue_id in any::<i32>(),
        offset in any::<i64>(),
        set_zero in of(any::<bool>()),
        broker_name in of(any::<String>()),
    ) {
        check_round_trip(&QueryConsumerOffsetRequestHeader {
            consumer_group: group.clone(),
            topic: topic.clone(),
            queue_id,
            set_zero_if_not_found: set_zero,
            broker_name: broker_name.clone(),
        })?;
        check_round_trip(&QueryConsumerOffsetResponseHeader { offset })?;
        check_round_trip(&UpdateConsumerOffsetRequestHeader {
            consumer_group: group,
            topic,
            queue_id,
            commit_offset: offset,
            broker_name,
        })?;
    }

    #[test]
    fn queue_offset_headers_round_trip(
        topic in any::<String>(),
        queue_id in any::<i32>(),
        timestamp in any::<i64>(),
        committed in of(any::<bool>()),
        boundary_type in of(prop_oneof![Just(BoundaryType::Lower), Just(BoundaryType::Upper)]),
        broker_name in of(any::<String>()),
    ) {
        check_round_trip(&GetMaxOffsetRequestHeader {
            topic: topic.clone(),
            queue_id,
            committed,
            broker_name: broker_name.clone(),
        })?;
        check_round_trip(&SearchOffsetRequestHeader { topic, queue_id, timestamp, boundary_type, broker_name })?;
    }

    #[test]
    fn end_transaction_round_trips(header in end_transaction()) {
        check_round_trip(&header)?;
    }

    #[test]
    fn check_transaction_state_round_trips(header in check_transaction_state()) {
        check_round_trip(&header)?;
    }
}
