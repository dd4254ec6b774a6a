//! The headers of transactional messages: the producer's verdict on a half message and the broker's check-back
//! (`END_TRANSACTION`, `CHECK_TRANSACTION_STATE`).

use crate::ext_fields::command_header;

command_header! {
    /// `EndTransactionRequestHeader`: the header of `END_TRANSACTION` (37), sent oneway by the Java producer.
    pub struct EndTransactionRequestHeader {
        /// The topic of the half message.
        topic: Option<String> = "topic",
        /// The producer group of the transaction.
        producer_group: String = "producerGroup",
        /// The queue offset of the half message (its `SendResult.queueOffset`).
        tran_state_table_offset: i64 = "tranStateTableOffset",
        /// The commit-log offset of the half message (decoded from its offset message id).
        commit_log_offset: i64 = "commitLogOffset",
        /// The verdict, as `MessageSysFlag` transaction bits: see [`EndTransactionRequestHeader::COMMIT`] and the
        /// other constants.
        commit_or_rollback: i32 = "commitOrRollback",
        /// Whether this answers a `CHECK_TRANSACTION_STATE`. Java's default is false and Java always sends it.
        from_transaction_check: Option<bool> = "fromTransactionCheck",
        /// The client message id (`UNIQ_KEY`) of the half message.
        msg_id: String = "msgId",
        /// The transaction id.
        transaction_id: Option<String> = "transactionId",
        /// The name of the broker the request is meant for (the inherited `bname` key).
        broker_name: Option<String> = "bname",
    }
}

impl EndTransactionRequestHeader {
    /// `commitOrRollback` value for "state unknown" (`TRANSACTION_NOT_TYPE`): the broker will check back later.
    pub const UNKNOWN: i32 = 0;
    /// `commitOrRollback` value that commits the half message (`TRANSACTION_COMMIT_TYPE`).
    pub const COMMIT: i32 = 8;
    /// `commitOrRollback` value that rolls the half message back (`TRANSACTION_ROLLBACK_TYPE`).
    pub const ROLLBACK: i32 = 12;
}

command_header! {
    /// `EndTransactionResponseHeader`: the (empty) header of an `END_TRANSACTION` response.
    pub struct EndTransactionResponseHeader {}
}

command_header! {
    /// `CheckTransactionStateRequestHeader`: the header of `CHECK_TRANSACTION_STATE` (39), a oneway request from
    /// broker to producer; the body is the half message.
    pub struct CheckTransactionStateRequestHeader {
        /// The topic of the half message.
        topic: Option<String> = "topic",
        /// The queue offset of the half message.
        tran_state_table_offset: i64 = "tranStateTableOffset",
        /// The commit-log offset of the half message.
        commit_log_offset: i64 = "commitLogOffset",
        /// The client message id (`UNIQ_KEY`).
        msg_id: Option<String> = "msgId",
        /// The transaction id (the broker sends the `UNIQ_KEY`).
        transaction_id: Option<String> = "transactionId",
        /// The offset message id of the half message.
        offset_msg_id: Option<String> = "offsetMsgId",
        /// The name of the checking broker (the inherited `bname` key); the producer sends its answer there.
        broker_name: Option<String> = "bname",
    }
}

command_header! {
    /// `CheckTransactionStateResponseHeader`: a legacy header; the Java client answers a check with
    /// `END_TRANSACTION` instead.
    pub struct CheckTransactionStateResponseHeader {
        /// The producer group of the transaction.
        producer_group: String = "producerGroup",
        /// The queue offset of the half message.
        tran_state_table_offset: i64 = "tranStateTableOffset",
        /// The commit-log offset of the half message.
        commit_log_offset: i64 = "commitLogOffset",
        /// The verdict, as in [`EndTransactionRequestHeader::commit_or_rollback`].
        commit_or_rollback: i32 = "commitOrRollback",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    fn commit() -> EndTransactionRequestHeader {
        EndTransactionRequestHeader {
            topic: Some("TopicTest".into()),
            producer_group: "PG".into(),
            tran_state_table_offset: 17,
            commit_log_offset: 4096,
            commit_or_rollback: EndTransactionRequestHeader::COMMIT,
            from_transaction_check: Some(false),
            msg_id: "7F000001A3E530F399910F2AB16903E1".into(),
            transaction_id: Some("7F000001A3E530F399910F2AB16903E1".into()),
            broker_name: Some("broker-a".into()),
        }
    }

    #[test]
    fn end_transaction_round_trips_and_requires_its_fields() {
        let fields = assert_round_trip(&commit());
        assert_eq!(fields["commitOrRollback"], "8");
        assert_eq!(fields["fromTransactionCheck"], "false");
        let required = [
            "producerGroup",
            "tranStateTableOffset",
            "commitLogOffset",
            "commitOrRollback",
            "msgId",
        ];
        assert_required_keys(&commit(), &required);
        assert!(assert_round_trip(&EndTransactionResponseHeader {}).is_empty());
    }

    #[test]
    fn check_transaction_state_round_trips_and_requires_the_offsets() {
        let header = CheckTransactionStateRequestHeader {
            topic: Some("TopicTest".into()),
            tran_state_table_offset: 17,
            commit_log_offset: 4096,
            msg_id: Some("7F000001A3E530F399910F2AB16903E1".into()),
            transaction_id: Some("7F000001A3E530F399910F2AB16903E1".into()),
            offset_msg_id: Some("0A00000100002A9F0000000000001000".into()),
            broker_name: Some("broker-a".into()),
        };
        assert_eq!(assert_round_trip(&header)["bname"], "broker-a");
        assert_required_keys(&header, &["tranStateTableOffset", "commitLogOffset"]);
        let response = CheckTransactionStateResponseHeader {
            producer_group: "PG".into(),
            tran_state_table_offset: 17,
            commit_log_offset: 4096,
            commit_or_rollback: EndTransactionRequestHeader::ROLLBACK,
        };
        assert_round_trip(&response);
        let required = [
            "producerGroup",
            "tranStateTableOffset",
            "commitLogOffset",
            "commitOrRollback",
        ];
        assert_required_keys(&response, &required);
    }
}
