//! The admin requests a broker forwards to one online consumer and whose answer it relays (Java 5.3.3's
//! `AdminBrokerProcessor#callConsumer`): GET_CONSUMER_RUNNING_INFO (307, `mqadmin consumerStatus`) and
//! CONSUME_MESSAGE_DIRECTLY (309, `mqadmin consumeMessage`, the dashboard's "resend" of a dead-lettered message),
//! for which the broker attaches the stored message named by its offset message id.

use std::time::Duration;

use fulmen_protocol::header::{
    ConsumeMessageDirectlyResultRequestHeader, GetConsumerRunningInfoRequestHeader,
};
use fulmen_protocol::msgid::OffsetMessageId;
use fulmen_protocol::version::Version;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::RemotingError;

use super::{Reply, decode, reply};
use crate::state::BrokerState;

/// How long the consumer has to answer (Java's `Broker2Client#callClient`).
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// GET_CONSUMER_RUNNING_INFO: forwarded as is.
pub(super) async fn running_info(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: GetConsumerRunningInfoRequestHeader = decode(request)?;
    call_consumer(
        state,
        RequestCode::GET_CONSUMER_RUNNING_INFO,
        request.clone(),
        &header.consumer_group,
        &header.client_id,
    )
    .await
}

/// CONSUME_MESSAGE_DIRECTLY: forwarded with this broker's name, the topic's and group's sys flags and, as the
/// body, the stored message the `msgId` (an offset message id) names.
pub(super) async fn consume_directly(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: ConsumeMessageDirectlyResultRequestHeader = decode(request)?;
    let mut forwarded = request.clone();
    forwarded.set_ext_field("brokerName", state.config.broker_name.clone());
    if let Some(topic) = header.topic.as_deref().filter(|topic| !topic.is_empty()) {
        if let Some(config) = state.topics.select(topic) {
            forwarded.set_ext_field("topicSysFlag", config.topic_sys_flag.to_string());
        }
    }
    if !header.consumer_group.is_empty() {
        if let Some(config) = state.groups.find_or_create(
            &header.consumer_group,
            state.live.auto_create_subscription_group(),
        ) {
            forwarded.set_ext_field("groupSysFlag", config.group_sys_flag.to_string());
        }
    }
    let msg_id = header.msg_id.as_deref().unwrap_or_default();
    let offset = OffsetMessageId::parse(msg_id)
        .map_err(|error| {
            reply(
                ResponseCode::SYSTEM_ERROR,
                format!("invalid msgId {msg_id}: {error}"),
            )
        })?
        .commit_log_offset;
    let unit = state.store.unit_at(offset).ok_or_else(|| {
        reply(
            ResponseCode::SYSTEM_ERROR,
            format!("no message stored at offset {offset}"),
        )
    })?;
    forwarded.body = unit;
    let client_id = header.client_id.clone().unwrap_or_default();
    call_consumer(
        state,
        RequestCode::CONSUME_MESSAGE_DIRECTLY,
        forwarded,
        &header.consumer_group,
        &client_id,
    )
    .await
}

/// Sends `request` (as a fresh request of `code`, with its fields and body) to the member `client_id` of
/// `group` and returns the member's answer, or Java's error answers.
async fn call_consumer(
    state: &BrokerState,
    code: RequestCode,
    request: RemotingCommand,
    group: &str,
    client_id: &str,
) -> Reply {
    let channel = state
        .consumers
        .group(group)
        .and_then(|info| {
            info.channels
                .into_values()
                .find(|channel| channel.client_id == client_id)
        })
        .ok_or_else(|| {
            reply(
                ResponseCode::SYSTEM_ERROR,
                format!("The Consumer <{group}> <{client_id}> not online"),
            )
        })?;
    if channel.version < Version::V3_1_8_SNAPSHOT {
        return Err(reply(
            ResponseCode::SYSTEM_ERROR,
            format!(
                "The Consumer <{client_id}> Version <{}> too low to finish, please upgrade it to V3_1_8_SNAPSHOT",
                channel.version
            ),
        ));
    }
    let mut call = RemotingCommand::request(code).with_body(request.body);
    call.ext_fields = request.ext_fields;
    match channel.connection.invoke(call, CALL_TIMEOUT).await {
        Ok(answer) => Ok(answer),
        Err(RemotingError::Timeout { .. }) => Err(reply(
            ResponseCode::CONSUME_MSG_TIMEOUT,
            format!("consumer <{group}> <{client_id}> Timeout: no answer within {CALL_TIMEOUT:?}"),
        )),
        Err(error) => Err(reply(
            ResponseCode::SYSTEM_ERROR,
            format!("invoke consumer <{group}> <{client_id}> Exception: {error}"),
        )),
    }
}
