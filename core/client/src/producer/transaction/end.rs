//! The END_TRANSACTION (37) requests a producer sends oneway: after its local transaction
//! (`DefaultMQProducerImpl.endTransaction`) and in answer to a broker's check (`checkTransactionState`'s
//! `processTransactionState`, with `fromTransactionCheck` true).

use fulmen_protocol::header::{CheckTransactionStateRequestHeader, EndTransactionRequestHeader};
use fulmen_protocol::message::keys;
use fulmen_protocol::msgid::OffsetMessageId;
use fulmen_protocol::{RemotingCommand, RequestCode};

use super::listener::LocalTransactionState;
use crate::message_view::MessageView;
use crate::send_result::SendResult;

/// The END_TRANSACTION of a transaction whose half message was stored as `result`, with the outcome `state` of
/// its local transaction; `remark` says why the local transaction failed, if it did.
pub(crate) fn after_local_transaction(
    topic: &str,
    group: &str,
    result: &SendResult,
    state: LocalTransactionState,
    remark: Option<String>,
) -> RemotingCommand {
    // Java decodes the offset message id, else the message id (an offset message id too for old brokers)
    let commit_log_offset = [&result.offset_msg_id, &result.msg_id]
        .into_iter()
        .find_map(|id| OffsetMessageId::parse(id).ok())
        .map_or(0, |id| id.commit_log_offset);
    let header = EndTransactionRequestHeader {
        topic: Some(topic.to_owned()),
        producer_group: group.to_owned(),
        tran_state_table_offset: result.queue_offset,
        commit_log_offset,
        commit_or_rollback: state.commit_or_rollback(),
        from_transaction_check: Some(false),
        msg_id: result.msg_id.clone(),
        transaction_id: result.transaction_id.clone(),
        broker_name: Some(result.queue.broker_name.clone()),
    };
    request(&header, remark)
}

/// The END_TRANSACTION answering the broker's `check` of `message` with `state`.
pub(crate) fn after_check(
    check: &CheckTransactionStateRequestHeader,
    message: &MessageView,
    group: &str,
    state: LocalTransactionState,
    remark: Option<String>,
) -> RemotingCommand {
    let msg_id = message
        .property(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
        .unwrap_or(&message.msg_id)
        .to_owned();
    let header = EndTransactionRequestHeader {
        topic: check.topic.clone(),
        producer_group: group.to_owned(),
        tran_state_table_offset: check.tran_state_table_offset,
        commit_log_offset: check.commit_log_offset,
        commit_or_rollback: state.commit_or_rollback(),
        from_transaction_check: Some(true),
        msg_id,
        transaction_id: check.transaction_id.clone(),
        broker_name: check.broker_name.clone(),
    };
    request(&header, remark)
}

fn request(header: &EndTransactionRequestHeader, remark: Option<String>) -> RemotingCommand {
    let mut request = RemotingCommand::request(RequestCode::END_TRANSACTION).with_header(header);
    request.remark = remark;
    request.into_oneway()
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use fulmen_protocol::body::MessageQueue;
    use fulmen_protocol::message::{MessageExt, Properties};

    use super::*;
    use crate::send_result::SendStatus;

    fn header(request: &RemotingCommand) -> EndTransactionRequestHeader {
        request.decode_header().unwrap()
    }

    #[test]
    fn after_local_transaction_names_the_half_message() {
        let store: SocketAddr = "10.0.0.1:10911".parse().unwrap();
        let result = SendResult {
            status: SendStatus::SendOk,
            msg_id: "U1".into(),
            offset_msg_id: OffsetMessageId::new(store, 4242).to_string(),
            queue: MessageQueue::new("T", "broker-a", 2),
            queue_offset: 17,
            transaction_id: Some("TX".into()),
            recall_handle: None,
        };
        let request =
            after_local_transaction("T", "PG", &result, LocalTransactionState::RollbackMessage, None);
        assert_eq!(request.code, RequestCode::END_TRANSACTION.0);
        assert!(request.is_oneway());
        let header = header(&request);
        assert_eq!(header.topic.as_deref(), Some("T"));
        assert_eq!(header.producer_group, "PG");
        assert_eq!(header.tran_state_table_offset, 17);
        assert_eq!(header.commit_log_offset, 4242);
        assert_eq!(header.commit_or_rollback, 12);
        assert_eq!(header.from_transaction_check, Some(false));
        assert_eq!(header.msg_id, "U1");
        assert_eq!(header.transaction_id.as_deref(), Some("TX"));
        assert_eq!(header.broker_name.as_deref(), Some("broker-a"));
        let failed = after_local_transaction(
            "T",
            "PG",
            &result,
            LocalTransactionState::Unknown,
            Some("why".into()),
        );
        assert_eq!(failed.remark.as_deref(), Some("why"));
        assert_eq!(self::header(&failed).commit_or_rollback, 0);
    }

    #[test]
    fn after_check_answers_with_the_checks_fields() {
        let check = CheckTransactionStateRequestHeader {
            topic: Some("T".into()),
            tran_state_table_offset: 5,
            commit_log_offset: 99,
            msg_id: Some("OFFSETID".into()),
            transaction_id: Some("TX".into()),
            offset_msg_id: None,
            broker_name: Some("broker-b".into()),
        };
        let mut ext = MessageExt {
            topic: "T".into(),
            ..MessageExt::default()
        };
        ext.properties = Properties::decode("UNIQ_KEY\u{1}U9\u{2}");
        let view = MessageView::from_ext(ext, "broker-b");
        let request = after_check(&check, &view, "PG", LocalTransactionState::CommitMessage, None);
        let header = header(&request);
        assert_eq!(header.topic.as_deref(), Some("T"));
        assert_eq!(header.commit_log_offset, 99);
        assert_eq!(header.tran_state_table_offset, 5);
        assert_eq!(header.commit_or_rollback, 8);
        assert_eq!(header.from_transaction_check, Some(true));
        assert_eq!(header.msg_id, "U9");
        assert_eq!(header.transaction_id.as_deref(), Some("TX"));
        assert_eq!(header.broker_name.as_deref(), Some("broker-b"));
        assert_eq!(header.producer_group, "PG");
    }
}
