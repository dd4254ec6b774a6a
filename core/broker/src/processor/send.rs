//! SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320): Java 5.3.3's `SendMessageProcessor`
//! (`preSend`, the COMPACTION key check, `clearReservedProperties`, `handlePutMessageResult`) after the checks of
//! [`super::send_checks`] (REMOTING.md §3.1–§3.2). Like Java, every answer after the header is read carries the
//! `MSG_REGION` and `TRACE_ON` fields.
//!
//! A send to a retry topic may be redirected to the group's dead-letter topic ([`super::retry_dlq`]). A single
//! message with `TRAN_MSG=true` is stored as a half message (see [`crate::transaction::half_message`]). Delayed
//! and timer messages are converted by the put pipeline, like every other put.

use fulmen_protocol::body::{TopicConfig, TopicFilterType};
use fulmen_protocol::ext_fields::ExtFields;
use fulmen_protocol::header::{SendMessageRequestHeader, SendMessageResponseHeader};
use fulmen_protocol::message::{MessageSysFlag, Properties, decode_batch, keys};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::RequestContext;
use fulmen_store::{BatchToStore, MessageToStore, PutMessageResult, PutMessageStatus};

use super::retry_dlq::dead_letter_for_retry_send;
use super::send_checks::check_message;
use super::timer_refusal::timer_refusal;
use super::{Reply, reply};
use crate::state::BrokerState;
use crate::time::now_millis;
use crate::topic_validator::{DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX, is_blank};
use crate::transaction::half_message::{is_prepared_send, to_half};

/// Handles the three send codes.
pub(super) async fn handle(state: &BrokerState, ctx: &RequestContext, request: &RemotingCommand) -> Reply {
    let empty = ExtFields::new();
    let fields = request.ext_fields.as_ref().unwrap_or(&empty);
    let code = request.request_code();
    let header = SendMessageRequestHeader::read_for_code(code, fields)
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    let with_region = |mut response: RemotingCommand| {
        response.set_ext_field(keys::MSG_REGION, state.live.region_id());
        response.set_ext_field(keys::TRACE_SWITCH, state.live.trace_on().to_string());
        response
    };
    handle_send(state, ctx, request, &header)
        .await
        .map_err(with_region)
}

/// The send after its header was read; errors are answered with the region fields added.
async fn handle_send(
    state: &BrokerState,
    ctx: &RequestContext,
    request: &RemotingCommand,
    header: &SendMessageRequestHeader,
) -> Reply {
    let code = request.request_code();
    let topic_config = check_message(state, ctx, header).await?;
    let queue_id = if header.queue_id < 0 {
        let writable = topic_config.write_queue_nums.max(1) as u64;
        (state.next_random() % writable) as i32
    } else {
        header.queue_id
    };
    let mut sys_flag = header.sys_flag;
    if topic_config.topic_filter_type == TopicFilterType::MultiTag {
        sys_flag |= MessageSysFlag::MULTI_TAGS;
    }
    let template = MessageToStore {
        topic: header.topic.clone(),
        queue_id,
        flag: header.flag,
        body: request.body.clone(),
        properties: Properties::new(),
        sys_flag,
        born_timestamp: header.born_timestamp,
        born_host: ctx.peer_addr(),
        store_host: state.advertised_addr,
        reconsume_times: header.reconsume_times.unwrap_or(0),
        prepared_transaction_offset: 0,
    };
    let is_batch = code == RequestCode::SEND_BATCH_MESSAGE || header.batch == Some(true);
    let (result, queue_id, transaction_id) = if is_batch {
        let (result, transaction_id) = send_batch(state, header, template).await?;
        (result, queue_id, transaction_id)
    } else {
        let dead_letter = dead_letter_for_retry_send(state, request.version, header).await?;
        let (topic_config, template) = match dead_letter {
            Some(dead_letter) => to_dead_letter(dead_letter, template, header.sys_flag),
            None => (topic_config, template),
        };
        let queue_id = template.queue_id;
        let (result, transaction_id) = send_one(state, header, &topic_config, template).await?;
        (result, queue_id, transaction_id)
    };
    Ok(put_result_response(state, result, queue_id, transaction_id))
}

/// Redirects a retry message to its group's dead-letter topic, queue 0, as `handleRetryAndDLQ` does (the
/// multi-tag bit then follows the dead-letter topic); [`send_one`] marks it `DELAY=-1`.
fn to_dead_letter(
    dead_letter: TopicConfig,
    mut message: MessageToStore,
    header_sys_flag: i32,
) -> (TopicConfig, MessageToStore) {
    message.topic = dead_letter.topic_name.clone();
    message.queue_id = 0;
    message.sys_flag = header_sys_flag;
    if dead_letter.topic_filter_type == TopicFilterType::MultiTag {
        message.sys_flag |= MessageSysFlag::MULTI_TAGS;
    }
    (dead_letter, message)
}

/// Stores one message, with `UNIQ_KEY` (if the client sent none or an empty one) and `CLUSTER` added and the
/// reserved `POP_CK` removed (`clearReservedProperties`). A topic with `cleanup.policy=COMPACTION` needs message
/// keys (MESSAGE_ILLEGAL otherwise).
async fn send_one(
    state: &BrokerState,
    header: &SendMessageRequestHeader,
    topic_config: &TopicConfig,
    mut message: MessageToStore,
) -> Result<(PutMessageResult, Option<String>), RemotingCommand> {
    let mut properties = Properties::decode(header.properties.as_deref().unwrap_or(""));
    let compaction = topic_config
        .attributes
        .get("cleanup.policy")
        .is_some_and(|policy| policy == "COMPACTION");
    if compaction && is_blank(properties.get(keys::KEYS).unwrap_or("")) {
        return Err(reply(
            ResponseCode::MESSAGE_ILLEGAL,
            "Required message key is missing",
        ));
    }
    properties.remove(keys::POP_CK);
    if message.topic.starts_with(DLQ_GROUP_TOPIC_PREFIX) && header.topic != message.topic {
        // Java's quirk: a retry message redirected to the dead-letter topic is stored with DELAY=-1.
        properties.insert(keys::DELAY_TIME_LEVEL, "-1");
    }
    let has_uniq_key = properties
        .get(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
        .is_some_and(|key| !key.is_empty());
    if !has_uniq_key {
        properties.insert(
            keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
            state.msg_ids.next_id(now_millis()),
        );
    }
    properties.insert(keys::CLUSTER, state.config.cluster_name.clone());
    let transaction_id = properties
        .get(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
        .map(str::to_owned);
    message.properties = properties;
    if is_prepared_send(&message) {
        if state.config.transaction.reject_transaction_message {
            return Err(reply(
                ResponseCode::NO_PERMISSION,
                format!(
                    "the broker[{}] sending transaction message is forbidden",
                    state.advertised_addr.ip()
                ),
            ));
        }
        message = to_half(message);
    }
    Ok((state.put_message(message).await, transaction_id))
}

/// Stores a batch: each entry keeps its own properties as sent (like Java, the broker adds no `UNIQ_KEY` to batch
/// entries: clients set them), and the batch's properties (without `POP_CK`) plus `CLUSTER` go to every message.
async fn send_batch(
    state: &BrokerState,
    header: &SendMessageRequestHeader,
    mut template: MessageToStore,
) -> Result<(PutMessageResult, Option<String>), RemotingCommand> {
    if header.topic.starts_with(RETRY_GROUP_TOPIC_PREFIX) {
        return Err(reply(
            ResponseCode::MESSAGE_ILLEGAL,
            format!("batch request does not support retry group {}", header.topic),
        ));
    }
    let entries = decode_batch(&template.body).map_err(|error| {
        reply(
            ResponseCode::MESSAGE_ILLEGAL,
            format!("the batch body is malformed: {error}"),
        )
    })?;
    let mut properties = Properties::decode(header.properties.as_deref().unwrap_or(""));
    properties.remove(keys::POP_CK);
    properties.insert(keys::CLUSTER, state.config.cluster_name.clone());
    template.properties = properties;
    Ok((state.put_messages(BatchToStore { template, entries }).await, None))
}

/// Java's `handlePutMessageResult`: the store status as a response code, and the response header.
fn put_result_response(
    state: &BrokerState,
    result: PutMessageResult,
    queue_id: i32,
    transaction_id: Option<String>,
) -> RemotingCommand {
    let (code, remark) = match result.status {
        PutMessageStatus::PutOk => (ResponseCode::SUCCESS, None),
        PutMessageStatus::FlushDiskTimeout => (ResponseCode::FLUSH_DISK_TIMEOUT, None),
        PutMessageStatus::FlushSlaveTimeout => (ResponseCode::FLUSH_SLAVE_TIMEOUT, None),
        PutMessageStatus::SlaveNotAvailable => (ResponseCode::SLAVE_NOT_AVAILABLE, None),
        PutMessageStatus::MessageIllegal | PutMessageStatus::PropertiesSizeExceeded => (
            ResponseCode::MESSAGE_ILLEGAL,
            Some(format!(
                "the message is illegal, maybe msg body or properties length not matched. \
                 msg body length limit {}B, msg properties length limit 32KB.",
                state.config.store.max_message_size
            )),
        ),
        status @ (PutMessageStatus::WheelTimerMsgIllegal | PutMessageStatus::WheelTimerNotEnable) => {
            timer_refusal(state, status).map_or((ResponseCode::SYSTEM_ERROR, None), |(code, remark)| {
                (code, Some(remark))
            })
        }
        PutMessageStatus::ServiceNotAvailable => (
            ResponseCode::SERVICE_NOT_AVAILABLE,
            Some(format!(
                "service not available now. It may be caused by one of the following reasons: the broker's disk is \
                 full [{}], messages are put to the slave, message store has been shut down, etc.",
                disk_util(&state.store)
            )),
        ),
        PutMessageStatus::CreateMappedFileFailed => (
            ResponseCode::SYSTEM_ERROR,
            Some("create mapped file failed, server is busy or broken.".to_owned()),
        ),
        PutMessageStatus::OsPageCacheBusy => (
            ResponseCode::SYSTEM_BUSY,
            Some("[PC_SYNCHRONIZED]broker busy, start flow control for a while".to_owned()),
        ),
        PutMessageStatus::UnknownError => (ResponseCode::SYSTEM_ERROR, Some("UNKNOWN_ERROR".to_owned())),
        _ => (
            ResponseCode::SYSTEM_ERROR,
            Some("UNKNOWN_ERROR DEFAULT".to_owned()),
        ),
    };
    if let Some(detail) = result.remark.as_deref() {
        tracing::warn!(
            status = result.status.as_str(),
            detail,
            "the store refused a message"
        );
    }
    let mut response = RemotingCommand::response(code, remark);
    if let Some(append) = result.append.as_ref().filter(|_| result.status.is_stored()) {
        response = response.with_header(&SendMessageResponseHeader {
            msg_id: append.joined_msg_id(),
            queue_id,
            queue_offset: append.queue_offset,
            transaction_id,
            batch_uniq_id: None,
            recall_handle: None,
            msg_region: Some(state.live.region_id()),
            trace_on: Some(state.live.trace_on()),
        });
    } else {
        response.set_ext_field(keys::MSG_REGION, state.live.region_id());
        response.set_ext_field(keys::TRACE_SWITCH, state.live.trace_on().to_string());
    }
    response
}

/// Java's `SendMessageProcessor#diskUtil`: the used ratio of the commitlog, consume-queue and index disks
/// (`-1.00` when unreadable).
fn disk_util(store: &fulmen_store::MessageStore) -> String {
    let [commit_log, consume_queue, index] = store.disk_used_ratios().map(|ratio| ratio.unwrap_or(-1.0));
    format!("CL: {commit_log:5.2} CQ: {consume_queue:5.2} INDEX: {index:5.2}")
}
