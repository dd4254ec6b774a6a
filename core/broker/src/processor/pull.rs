//! PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361): Java's `PullMessageProcessor` checks in order, tag filtering
//! by code set, the status table of REMOTING.md §3.3, the commit-offset piggyback and long polling.

use std::time::Duration;

use fulmen_protocol::body::{ExpressionType, MessageModel, SubscriptionData};
use fulmen_protocol::header::{PullMessageRequestHeader, PullMessageResponseHeader};
use fulmen_protocol::{RemotingCommand, ResponseCode};
use fulmen_remoting::RequestContext;
use fulmen_store::{GetMessageResult, GetMessageStatus, TagsCodeFilter};
use tokio::time::Instant;

use super::{
    APPLY_TOPIC_URL, Reply, SAME_GROUP_DIFFERENT_TOPIC_URL, SUBSCRIPTION_GROUP_NOT_EXIST_URL, decode, reply,
    suggest_todo,
};
use crate::state::BrokerState;
use crate::topic_manager::PERM_READ;

/// Handles a pull.
pub(super) async fn handle(state: &BrokerState, ctx: &RequestContext, request: &RemotingCommand) -> Reply {
    let header: PullMessageRequestHeader = decode(request)?;
    let flags = header.pull_sys_flag();
    let filter = check_pull(state, ctx, &header).await?;
    let mut result = read(state, &header, &filter)?;
    let mut code = response_code(result.status, header.queue_offset);
    if flags.has_commit_offset() {
        state.offsets.commit(
            &header.consumer_group,
            &header.topic,
            header.queue_id,
            header.commit_offset,
        );
    }
    if code == ResponseCode::PULL_NOT_FOUND && flags.has_suspend() {
        let hold = if state.config.long_polling_enable {
            // Clients ask for 15 s (push) or 20 s (lite pull); a hold beyond MAX_HOLD would only pin a task.
            Duration::from_millis(header.suspend_timeout_millis.max(0) as u64).min(MAX_HOLD)
        } else {
            state.config.short_polling_time
        };
        if let Some(fresh) = hold_until_arrival(state, ctx, &header, &filter, hold).await? {
            code = response_code(fresh.status, header.queue_offset);
            result = fresh;
        }
    }
    Ok(build_response(code, result))
}

/// The checks before reading, in Java's order; returns the tag filter of the subscription.
async fn check_pull(
    state: &BrokerState,
    ctx: &RequestContext,
    header: &PullMessageRequestHeader,
) -> Result<TagsCodeFilter, RemotingCommand> {
    let group = &header.consumer_group;
    let topic = &header.topic;
    let Some((group_config, created)) = state.groups.find_or_create(group) else {
        return Err(reply(
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            format!(
                "subscription group [{group}] does not exist, {}",
                suggest_todo(SUBSCRIPTION_GROUP_NOT_EXIST_URL)
            ),
        ));
    };
    if created {
        persist_groups(state).await;
    }
    if !group_config.consume_enable {
        return Err(reply(
            ResponseCode::NO_PERMISSION,
            format!("subscription group no permission, {group}"),
        ));
    }
    let Some(topic_config) = state.topics.select(topic) else {
        return Err(reply(
            ResponseCode::TOPIC_NOT_EXIST,
            format!(
                "topic[{topic}] not exist, apply first please! {}",
                suggest_todo(APPLY_TOPIC_URL)
            ),
        ));
    };
    if topic_config.perm & PERM_READ == 0 {
        return Err(reply(
            ResponseCode::NO_PERMISSION,
            format!("the topic[{topic}] pulling message is forbidden"),
        ));
    }
    if header.queue_id < 0 || header.queue_id >= topic_config.read_queue_nums {
        return Err(reply(
            ResponseCode::INVALID_PARAMETER,
            format!(
                "queueId[{}] is illegal, topic:[{topic}] topicConfig.readQueueNums:[{}] consumer:[{}]",
                header.queue_id,
                topic_config.read_queue_nums,
                ctx.peer_addr()
            ),
        ));
    }
    let subscription = if header.pull_sys_flag().has_subscription() {
        subscription_from_request(header)?
    } else {
        let Some(group_info) = state.consumers.group(group) else {
            return Err(reply(
                ResponseCode::SUBSCRIPTION_NOT_EXIST,
                format!(
                    "the consumer's group info not exist{}",
                    suggest_todo(SAME_GROUP_DIFFERENT_TOPIC_URL)
                ),
            ));
        };
        if !group_config.consume_broadcast_enable && group_info.message_model == MessageModel::Broadcasting {
            return Err(reply(
                ResponseCode::NO_PERMISSION,
                format!("the consumer group[{group}] can not consume by broadcast way"),
            ));
        }
        let Some(subscription) = group_info.subscriptions.get(topic).cloned() else {
            return Err(reply(
                ResponseCode::SUBSCRIPTION_NOT_EXIST,
                format!(
                    "the consumer's subscription not exist{}",
                    suggest_todo(SAME_GROUP_DIFFERENT_TOPIC_URL)
                ),
            ));
        };
        if subscription.sub_version < header.sub_version {
            return Err(reply(
                ResponseCode::SUBSCRIPTION_NOT_LATEST,
                "the consumer's subscription not latest",
            ));
        }
        subscription
    };
    if subscription.expression_type != ExpressionType::Tag {
        return Err(reply(
            ResponseCode::SYSTEM_ERROR,
            format!(
                "The broker does not support consumer to filter message by {}",
                subscription.expression_type.as_str()
            ),
        ));
    }
    Ok(if subscription.is_subscribe_all() {
        TagsCodeFilter::all()
    } else {
        TagsCodeFilter::from_codes(subscription.code_set.iter().copied())
    })
}

/// The subscription carried by the request (sysFlag SUBSCRIPTION).
fn subscription_from_request(header: &PullMessageRequestHeader) -> Result<SubscriptionData, RemotingCommand> {
    let expression = header.subscription.as_deref().unwrap_or("*");
    let mut subscription =
        SubscriptionData::from_tag_expression(&header.topic, expression, header.sub_version);
    if let Some(kind) = header.expression_type.as_deref() {
        subscription.expression_type = ExpressionType::from_name(kind);
    }
    Ok(subscription)
}

async fn persist_groups(state: &BrokerState) {
    if let Err(error) = state.groups.persist().await {
        tracing::error!(%error, "could not write subscriptionGroup.json");
    }
}

/// Reads from the store. The read is a short copy out of memory-mapped files, cheap enough for a tokio worker.
fn read(
    state: &BrokerState,
    header: &PullMessageRequestHeader,
    filter: &TagsCodeFilter,
) -> Result<GetMessageResult, RemotingCommand> {
    let max_bytes = header
        .max_msg_bytes
        .map_or(usize::MAX, |bytes| bytes.max(0) as usize);
    state
        .store
        .get_messages(
            &header.topic,
            header.queue_id,
            header.queue_offset,
            header.max_msg_nums.max(0) as usize,
            max_bytes,
            Some(filter),
        )
        .map_err(|error| {
            reply(
                ResponseCode::SYSTEM_ERROR,
                format!("store getMessage failed: {error}"),
            )
        })
}

/// The longest a pull is held, whatever `suspendTimeoutMillis` asks for.
const MAX_HOLD: Duration = Duration::from_secs(60);

/// Holds a pull that found nothing until a message arrives on its queue (then reads again), `hold` passes or
/// the broker stops. Returns the fresh read that found something, or `None` to answer PULL_NOT_FOUND.
async fn hold_until_arrival(
    state: &BrokerState,
    ctx: &RequestContext,
    header: &PullMessageRequestHeader,
    filter: &TagsCodeFilter,
    hold: Duration,
) -> Result<Option<GetMessageResult>, RemotingCommand> {
    let deadline = Instant::now() + hold;
    let signal = state.waiters.signal(&header.topic, header.queue_id);
    let stopping = ctx.stopping();
    tokio::pin!(stopping);
    loop {
        let notified = signal.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        // Re-read after registering interest, so an arrival between the first read and now is not missed.
        let fresh = read(state, header, filter)?;
        if response_code(fresh.status, header.queue_offset) != ResponseCode::PULL_NOT_FOUND {
            return Ok(Some(fresh));
        }
        tokio::select! {
            _ = &mut notified => {}
            _ = tokio::time::sleep_until(deadline) => return Ok(Some(fresh)),
            _ = &mut stopping => return Ok(Some(fresh)),
        }
    }
}

/// The status table of REMOTING.md §3.3.
fn response_code(status: GetMessageStatus, request_offset: i64) -> ResponseCode {
    match status {
        GetMessageStatus::Found => ResponseCode::SUCCESS,
        GetMessageStatus::NoMatchedMessage | GetMessageStatus::MessageWasRemoving => {
            ResponseCode::PULL_RETRY_IMMEDIATELY
        }
        GetMessageStatus::NoMatchedLogicQueue | GetMessageStatus::NoMessageInQueue => {
            if request_offset != 0 {
                ResponseCode::PULL_OFFSET_MOVED
            } else {
                ResponseCode::PULL_NOT_FOUND
            }
        }
        GetMessageStatus::OffsetFoundNull | GetMessageStatus::OffsetOverflowOne => {
            ResponseCode::PULL_NOT_FOUND
        }
        GetMessageStatus::OffsetOverflowBadly | GetMessageStatus::OffsetTooSmall => {
            ResponseCode::PULL_OFFSET_MOVED
        }
    }
}

fn build_response(code: ResponseCode, result: GetMessageResult) -> RemotingCommand {
    let header = PullMessageResponseHeader {
        suggest_which_broker_id: 0,
        next_begin_offset: result.next_begin_offset,
        min_offset: result.min_offset,
        max_offset: result.max_offset,
        ..PullMessageResponseHeader::default()
    };
    let response =
        RemotingCommand::response(code, Some(result.status.as_str().to_owned())).with_header(&header);
    if code == ResponseCode::SUCCESS {
        response.with_body(result.messages)
    } else {
        response
    }
}
