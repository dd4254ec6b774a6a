//! END_TRANSACTION (37): a producer's verdict on a half message (Java 5.3.3's `EndTransactionProcessor`,
//! REMOTING.md §3.9, §8.10). COMMIT stores the real message (through the put pipeline, so the put hooks apply)
//! and then an op record; ROLLBACK writes only the op record. An UNKNOWN verdict, or any other value, gets no
//! answer and changes nothing: the half message will be checked back. The Java producer sends this request
//! oneway, and the transport never answers a oneway request.

use fulmen_protocol::header::EndTransactionRequestHeader;
use fulmen_protocol::message::{MessageExt, MessageSysFlag, keys};
use fulmen_protocol::{RemotingCommand, ResponseCode};
use fulmen_store::PutMessageStatus;

use super::timer_refusal::timer_refusal;
use super::{Reply, decode, reply, success};
use crate::state::BrokerState;
use crate::time::now_millis;
use crate::transaction::end_immunity_millis;
use crate::transaction::half_message::committed;
use crate::transaction::op_log::record_finished;

/// Handles END_TRANSACTION; `None` means no answer (an unknown verdict).
pub(super) async fn handle(state: &BrokerState, request: &RemotingCommand) -> Option<RemotingCommand> {
    let header = match decode::<EndTransactionRequestHeader>(request) {
        Ok(header) => header,
        Err(response) => return Some(response),
    };
    let verdict = header.commit_or_rollback;
    if verdict != MessageSysFlag::TRANSACTION_COMMIT_TYPE
        && verdict != MessageSysFlag::TRANSACTION_ROLLBACK_TYPE
    {
        tracing::debug!(
            verdict,
            msg_id = %header.msg_id,
            remark = request.remark.as_deref().unwrap_or_default(),
            "the producer does not know how its transaction ended yet"
        );
        return None;
    }
    Some(end(state, &header).await.unwrap_or_else(|error| error))
}

/// Commits or rolls back after the checks.
async fn end(state: &BrokerState, header: &EndTransactionRequestHeader) -> Reply {
    let half = state.store.message_at(header.commit_log_offset).ok_or_else(|| {
        reply(
            ResponseCode::SYSTEM_ERROR,
            "Find prepared transaction message failed",
        )
    })?;
    if rejects_late_verdict(state, header, &half) {
        return Err(RemotingCommand::response(ResponseCode::ILLEGAL_OPERATION, None));
    }
    check_prepared(&half, header)?;
    if header.commit_or_rollback == MessageSysFlag::TRANSACTION_COMMIT_TYPE {
        let message = committed(&half, header.commit_log_offset).ok_or_else(|| {
            reply(
                ResponseCode::SYSTEM_ERROR,
                "the half message does not name its real topic and queue",
            )
        })?;
        let result = state.put_message(message).await;
        final_put_response(state, result.status)?;
    }
    record_finished(state, half.queue_id, half.queue_offset).await;
    Ok(success())
}

/// Java's `rejectCommitOrRollback`: a verdict not answering a check, for a half message with a custom immunity
/// time, comes too late once that time (at least `transactionTimeOut`) has passed.
fn rejects_late_verdict(
    state: &BrokerState,
    header: &EndTransactionRequestHeader,
    half: &MessageExt,
) -> bool {
    if header.from_transaction_check == Some(true) {
        return false;
    }
    let Some(value) = half
        .properties
        .get(keys::CHECK_IMMUNITY_TIME_IN_SECONDS)
        .filter(|value| !value.is_empty())
    else {
        return false;
    };
    let timeout = state.config.transaction.timeout.as_millis() as i64;
    now_millis() - half.born_timestamp > end_immunity_millis(value, timeout)
}

/// Java's `checkPrepareMessage`: the half message must belong to the producer group and sit at the offsets the
/// producer named. (Java fails with a NullPointerException on a half message without `PGROUP`; Fulmen answers
/// "The producer group wrong".)
fn check_prepared(half: &MessageExt, header: &EndTransactionRequestHeader) -> Result<(), RemotingCommand> {
    if half.properties.get(keys::PRODUCER_GROUP) != Some(header.producer_group.as_str()) {
        return Err(reply(ResponseCode::SYSTEM_ERROR, "The producer group wrong"));
    }
    if half.queue_offset != header.tran_state_table_offset {
        return Err(reply(
            ResponseCode::SYSTEM_ERROR,
            "The transaction state table offset wrong",
        ));
    }
    if half.commit_log_offset != header.commit_log_offset {
        return Err(reply(ResponseCode::SYSTEM_ERROR, "The commit log offset wrong"));
    }
    Ok(())
}

/// Java's `sendFinalMessage`: how the store's answer to the committed message is reported.
fn final_put_response(state: &BrokerState, status: PutMessageStatus) -> Result<(), RemotingCommand> {
    let (code, remark) = match status {
        PutMessageStatus::PutOk
        | PutMessageStatus::FlushDiskTimeout
        | PutMessageStatus::FlushSlaveTimeout
        | PutMessageStatus::SlaveNotAvailable => return Ok(()),
        PutMessageStatus::CreateMappedFileFailed => (
            ResponseCode::SYSTEM_ERROR,
            "Create mapped file failed.".to_owned(),
        ),
        PutMessageStatus::MessageIllegal | PutMessageStatus::PropertiesSizeExceeded => (
            ResponseCode::MESSAGE_ILLEGAL,
            format!(
                "The message is illegal, maybe msg body or properties length not matched. msg body length limit \
                 {}B, msg properties length limit 32KB.",
                state.config.store.max_message_size
            ),
        ),
        PutMessageStatus::ServiceNotAvailable => (
            ResponseCode::SERVICE_NOT_AVAILABLE,
            "Service not available now.".to_owned(),
        ),
        PutMessageStatus::OsPageCacheBusy => (
            ResponseCode::SYSTEM_ERROR,
            "OS page cache busy, please try another machine".to_owned(),
        ),
        PutMessageStatus::UnknownError => (ResponseCode::SYSTEM_ERROR, "UNKNOWN_ERROR".to_owned()),
        status => timer_refusal(state, status)
            .unwrap_or_else(|| (ResponseCode::SYSTEM_ERROR, "UNKNOWN_ERROR DEFAULT".to_owned())),
    };
    Err(reply(code, remark))
}
