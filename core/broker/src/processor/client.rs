//! HEART_BEAT (34), UNREGISTER_CLIENT (35) and GET_CONSUMER_LIST_BY_GROUP (38): Java's `ClientManageProcessor`
//! and `ConsumerManageProcessor#getConsumerListByGroup` (REMOTING.md §3.7).

use std::time::Instant;

use fulmen_protocol::body::{GetConsumerListByGroupResponseBody, HeartbeatData, JsonBody};
use fulmen_protocol::header::{
    GetConsumerListByGroupRequestHeader, HeartbeatResponseHeader, UnregisterClientRequestHeader,
};
use fulmen_protocol::{RemotingCommand, ResponseCode};
use fulmen_remoting::RequestContext;

use super::{Reply, decode, reply, success};
use crate::consumer_manager::{ClientChannel, ConsumerRegistration};
use crate::state::{BrokerState, notify_consumer_ids_changed};
use crate::topic_manager::{PERM_READ, PERM_WRITE};
use crate::topic_validator::retry_topic;

/// Registers the client's producer and consumer groups on its connection.
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
    let mut groups_created = false;
    let mut topics_created = false;
    for consumer in data.consumer_data_set {
        let mut notify_enabled = true;
        if let Some((group_config, created)) = state.groups.find_or_create(&consumer.group_name) {
            groups_created |= created;
            notify_enabled = group_config.notify_consumer_ids_changed_enable;
            let (_, created) = state.topics.create_in_send_back(
                &retry_topic(&consumer.group_name),
                group_config.retry_queue_nums,
                PERM_WRITE | PERM_READ,
                0,
            );
            topics_created |= created;
        }
        let registration = ConsumerRegistration {
            channel: channel.clone(),
            consume_type: consumer.consume_type,
            message_model: consumer.message_model,
            consume_from_where: consumer.consume_from_where,
            subscriptions: consumer.subscription_data_set,
        };
        if let Some(members) = state.consumers.register(&consumer.group_name, registration) {
            if notify_enabled {
                notify_consumer_ids_changed(&consumer.group_name, members);
            }
        }
    }
    for producer in data.producer_data_set {
        state.producers.register(&producer.group_name, channel.clone());
    }
    if groups_created {
        if let Err(error) = state.groups.persist().await {
            tracing::error!(%error, "could not write subscriptionGroup.json");
        }
    }
    if topics_created {
        state.topics_changed().await;
    }
    Ok(success().with_header(&HeartbeatResponseHeader {
        is_support_heart_beat_v2: Some(true),
        is_sub_change: Some(true),
    }))
}

/// Removes the client's membership of one producer and/or consumer group.
pub(super) fn unregister(state: &BrokerState, ctx: &RequestContext, request: &RemotingCommand) -> Reply {
    let header: UnregisterClientRequestHeader = decode(request)?;
    let connection_id = ctx.connection().id();
    if let Some(group) = header.producer_group.as_deref() {
        state.producers.unregister(group, connection_id);
    }
    if let Some(group) = header.consumer_group.as_deref() {
        if let Some(remaining) = state.consumers.unregister(group, connection_id) {
            notify_consumer_ids_changed(group, remaining);
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
