//! SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320): Java's `SendMessageProcessor` with the
//! checks of `AbstractSendMessageProcessor#msgCheck` (REMOTING.md §3.1–§3.2).
//!
//! Not yet: delay levels and timers (a `DELAY` property is stored as a normal message), retry-topic DLQ
//! rewriting, transactional half messages.

use fulmen_protocol::body::{TopicConfig, TopicFilterType};
use fulmen_protocol::ext_fields::ExtFields;
use fulmen_protocol::header::{SendMessageRequestHeader, SendMessageResponseHeader};
use fulmen_protocol::message::{MessageSysFlag, Properties, decode_batch, keys};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::RequestContext;
use fulmen_store::{BatchToStore, MessageToStore, PutMessageResult, PutMessageStatus};

use super::{APPLY_TOPIC_URL, Reply, reply, suggest_todo};
use crate::state::BrokerState;
use crate::time::now_millis;
use crate::topic_manager::{PERM_READ, PERM_WRITE};
use crate::topic_validator::{RETRY_GROUP_TOPIC_PREFIX, is_not_allowed_send, validate_topic};

/// Handles the three send codes.
pub(super) async fn handle(state: &BrokerState, ctx: &RequestContext, request: &RemotingCommand) -> Reply {
    let empty = ExtFields::new();
    let fields = request.ext_fields.as_ref().unwrap_or(&empty);
    let code = request.request_code();
    let header = SendMessageRequestHeader::read_for_code(code, fields)
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    let topic_config = check_message(state, ctx, &header).await?;
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
    let (result, transaction_id) = if is_batch {
        send_batch(state, &header, template).await?
    } else {
        send_one(state, &header, template).await
    };
    Ok(put_result_response(state, result, queue_id, transaction_id))
}

/// `msgCheck`: topic name, forbidden topics, existence (auto-creation), queue id and permission.
async fn check_message(
    state: &BrokerState,
    ctx: &RequestContext,
    header: &SendMessageRequestHeader,
) -> Result<TopicConfig, RemotingCommand> {
    let topic = &header.topic;
    validate_topic(topic).map_err(|remark| reply(ResponseCode::INVALID_PARAMETER, remark))?;
    if is_not_allowed_send(topic) {
        return Err(reply(
            ResponseCode::NO_PERMISSION,
            format!("Sending message to topic[{topic}] is forbidden."),
        ));
    }
    let topic_config = match state.topics.select(topic) {
        Some(existing) => existing,
        None => {
            tracing::warn!(%topic, producer = %ctx.peer_addr(), "the topic does not exist");
            let created = state
                .topics
                .create_in_send(topic, &header.default_topic, header.default_topic_queue_nums, 0)
                .or_else(|| {
                    topic.starts_with(RETRY_GROUP_TOPIC_PREFIX).then(|| {
                        state
                            .topics
                            .create_in_send_back(topic, 1, PERM_WRITE | PERM_READ, 0)
                    })
                });
            match created {
                Some((config, fresh)) => {
                    if fresh {
                        state.topics_changed().await;
                    }
                    config
                }
                None => {
                    return Err(reply(
                        ResponseCode::TOPIC_NOT_EXIST,
                        format!(
                            "topic[{topic}] not exist, apply first please!{}",
                            suggest_todo(APPLY_TOPIC_URL)
                        ),
                    ));
                }
            }
        }
    };
    let valid_ids = topic_config.write_queue_nums.max(topic_config.read_queue_nums);
    if header.queue_id >= valid_ids {
        return Err(reply(
            ResponseCode::INVALID_PARAMETER,
            format!(
                "request queueId[{}] is illegal, {:?} Producer: {}",
                header.queue_id,
                topic_config,
                ctx.peer_addr()
            ),
        ));
    }
    if topic_config.perm & PERM_WRITE == 0 {
        return Err(reply(
            ResponseCode::NO_PERMISSION,
            format!("the topic[{topic}] sending message is forbidden"),
        ));
    }
    Ok(topic_config)
}

/// Stores one message, with `UNIQ_KEY` (if the client sent none) and `CLUSTER` added.
async fn send_one(
    state: &BrokerState,
    header: &SendMessageRequestHeader,
    mut message: MessageToStore,
) -> (PutMessageResult, Option<String>) {
    let mut properties = Properties::decode(header.properties.as_deref().unwrap_or(""));
    if !properties.contains(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX) {
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
    (state.store.put_message(message).await, transaction_id)
}

/// Stores a batch: each entry keeps its own properties (a `UNIQ_KEY` is added where missing), and the batch's
/// properties plus `CLUSTER` go to every message.
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
    let mut entries = decode_batch(&template.body).map_err(|error| {
        reply(
            ResponseCode::MESSAGE_ILLEGAL,
            format!("the batch body is malformed: {error}"),
        )
    })?;
    for entry in &mut entries {
        if !entry.properties.contains(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX) {
            entry.properties.insert(
                keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
                state.msg_ids.next_id(now_millis()),
            );
        }
    }
    let mut properties = Properties::decode(header.properties.as_deref().unwrap_or(""));
    properties.insert(keys::CLUSTER, state.config.cluster_name.clone());
    template.properties = properties;
    Ok((
        state.store.put_messages(BatchToStore { template, entries }).await,
        None,
    ))
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
            Some(
                "the message is illegal, maybe msg body or properties length not matched. \
                 msg body length limit 4M, msg properties length limit 32k."
                    .to_owned(),
            ),
        ),
        PutMessageStatus::ServiceNotAvailable => (
            ResponseCode::SERVICE_NOT_AVAILABLE,
            Some("service not available now. It may be caused by the broker shutting down.".to_owned()),
        ),
        PutMessageStatus::CreateMappedFileFailed => (
            ResponseCode::SYSTEM_ERROR,
            Some("create mapped file failed, server is busy or broken.".to_owned()),
        ),
        PutMessageStatus::OsPageCacheBusy => (
            ResponseCode::SYSTEM_BUSY,
            Some("[PC_SYNCHRONIZED]broker busy, start flow control for a while".to_owned()),
        ),
        _ => (
            ResponseCode::SYSTEM_ERROR,
            Some(
                result
                    .remark
                    .clone()
                    .unwrap_or_else(|| "UNKNOWN_ERROR".to_owned()),
            ),
        ),
    };
    let mut response = RemotingCommand::response(code, remark);
    if let Some(append) = result.append.as_ref().filter(|_| result.status.is_stored()) {
        response = response.with_header(&SendMessageResponseHeader {
            msg_id: append.joined_msg_id(),
            queue_id,
            queue_offset: append.queue_offset,
            transaction_id,
            batch_uniq_id: None,
            recall_handle: None,
            msg_region: Some(state.config.region_id.clone()),
            trace_on: Some(state.config.trace_on),
        });
    } else {
        response.set_ext_field(keys::MSG_REGION, state.config.region_id.clone());
        response.set_ext_field(keys::TRACE_SWITCH, state.config.trace_on.to_string());
    }
    response
}
