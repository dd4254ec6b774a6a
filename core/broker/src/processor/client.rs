//! HEART_BEAT (34), UNREGISTER_CLIENT (35), CHECK_CLIENT_CONFIG (46) and GET_CONSUMER_LIST_BY_GROUP (38): Java
//! 5.3.3's `ClientManageProcessor` and `ConsumerManageProcessor#getConsumerListByGroup` (REMOTING.md §3.7).

use std::time::Instant;

use fulmen_protocol::body::{GetConsumerListByGroupResponseBody, HeartbeatData, JsonBody, SubscriptionData};
use fulmen_protocol::header::{
    GetConsumerListByGroupRequestHeader, HeartbeatResponseHeader, UnregisterClientRequestHeader,
};
use fulmen_protocol::{RemotingCommand, ResponseCode};
use fulmen_remoting::RequestContext;
use serde::{Deserialize, Serialize};

use super::{Reply, decode, is_tag_type, reply, success};
use crate::consumer_manager::{ClientChannel, ConsumerRegistration};
use crate::state::{BrokerState, notify_consumer_ids_changed};
use crate::topic_manager::{PERM_READ, PERM_WRITE};
use crate::topic_validator::retry_topic;

/// `TopicSysFlag.buildSysFlag(false, true)`: the retry topic of a unit-mode consumer.
const TOPIC_SYS_FLAG_UNIT_SUB: i32 = 1 << 1;

/// Registers the client's producer and consumer groups on its connection (Java's `heartBeat`, and
/// `heartBeatV2` when the body carries a fingerprint).
pub(super) async fn heartbeat(state: &BrokerState, ctx: &RequestContext, request: &RemotingCommand) -> Reply {
    let data = HeartbeatData::decode(&request.body)
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    let channel = ClientChannel {
        client_id: data.client_id.clone(),
        connection: ctx.connection().clone(),
        language: request.language,
        version: request.version,
        last_update: Instant::now(),
    };
    let fingerprint = data.heartbeat_fingerprint;
    let v2 = fingerprint != 0;
    let mut sub_changed = false;
    let mut topics_changed = false;
    for consumer in data.consumer_data_set {
        let group = &consumer.group_name;
        let previous = state.consumers.swap_fingerprint(group, fingerprint);
        sub_changed |= previous.is_some_and(|previous| previous != fingerprint);
        let has_order_topic = consumer.subscription_data_set.iter().any(|subscription| {
            state
                .topics
                .select(&subscription.topic)
                .is_some_and(|topic| topic.order)
        });
        let Some(group_config) = state
            .groups
            .find_or_create(group, state.live.auto_create_subscription_group())
        else {
            continue;
        };
        let topic_sys_flag = if consumer.unit_mode {
            TOPIC_SYS_FLAG_UNIT_SUB
        } else {
            0
        };
        let (_, changed) = state.topics.create_in_send_back(
            &retry_topic(group),
            group_config.retry_queue_nums,
            PERM_WRITE | PERM_READ,
            has_order_topic,
            topic_sys_flag,
        );
        topics_changed |= changed;
        let registration = ConsumerRegistration {
            channel: channel.clone(),
            consume_type: consumer.consume_type,
            message_model: consumer.message_model,
            consume_from_where: consumer.consume_from_where,
            subscriptions: (!(v2 && data.without_sub)).then_some(consumer.subscription_data_set),
        };
        if let Some(members) = state.consumers.register(group, registration) {
            if group_config.notify_consumer_ids_changed_enable {
                notify_consumer_ids_changed(group, members);
            }
        }
    }
    for producer in data.producer_data_set {
        state.producers.register(&producer.group_name, channel.clone());
    }
    if topics_changed {
        state.topics_changed().await;
    }
    Ok(success().with_header(&HeartbeatResponseHeader {
        is_support_heart_beat_v2: Some(true),
        is_sub_change: Some(!v2 || sub_changed),
    }))
}

/// Removes the client's membership of one producer and/or consumer group (Java's `unregisterClient`, which
/// looks the consumer group up with auto-creation and notifies the rest of the group only if the group allows).
pub(super) fn unregister(state: &BrokerState, ctx: &RequestContext, request: &RemotingCommand) -> Reply {
    let header: UnregisterClientRequestHeader = decode(request)?;
    let connection_id = ctx.connection().id();
    if let Some(group) = header.producer_group.as_deref() {
        state.producers.unregister(group, connection_id);
    }
    if let Some(group) = header.consumer_group.as_deref() {
        let notify = state
            .groups
            .find_or_create(group, state.live.auto_create_subscription_group())
            .is_none_or(|config| config.notify_consumer_ids_changed_enable);
        if let Some(remaining) = state.consumers.unregister(group, connection_id) {
            if notify {
                notify_consumer_ids_changed(group, remaining);
            }
        }
    }
    Ok(success())
}

/// The body of CHECK_CLIENT_CONFIG (`CheckClientRequestBody`).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
struct CheckClientRequestBody {
    client_id: Option<String>,
    group: Option<String>,
    subscription_data: Option<SubscriptionData>,
}

impl JsonBody for CheckClientRequestBody {}

/// CHECK_CLIENT_CONFIG (46, Java's `checkClientConfig`): a consumer filtering by something other than tags asks
/// whether the broker can; with property filtering off (Java's default, and all Fulmen has) the answer is no.
pub(super) fn check_client_config(request: &RemotingCommand) -> Reply {
    let body = CheckClientRequestBody::decode(&request.body)
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    if let Some(subscription) = body.subscription_data {
        if !is_tag_type(&subscription.expression_type) {
            tracing::info!(
                client = ?body.client_id,
                group = ?body.group,
                expression_type = subscription.expression_type.as_str(),
                "a client asked for a filter the broker does not support"
            );
            return Err(reply(
                ResponseCode::SYSTEM_ERROR,
                format!(
                    "The broker does not support consumer to filter message by {}",
                    subscription.expression_type.as_str()
                ),
            ));
        }
    }
    Ok(success())
}

/// The client ids of a consumer group's members.
pub(super) fn consumer_list(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: GetConsumerListByGroupRequestHeader = decode(request)?;
    let consumer_id_list = state.consumers.client_ids(&header.consumer_group);
    if consumer_id_list.is_empty() {
        return Err(reply(
            ResponseCode::SYSTEM_ERROR,
            format!("no consumer for this group, {}", header.consumer_group),
        ));
    }
    let body = GetConsumerListByGroupResponseBody { consumer_id_list }
        .encode()
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    Ok(success().with_body(body))
}
