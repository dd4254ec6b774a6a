//! The admin requests about consumer groups that `mqadmin` and `DefaultMQAdminExt` send (Java 5.3.3's
//! `AdminBrokerProcessor`): create, update, read and delete subscription group configs, list the groups that
//! consume a topic and the topics a group consumes, a group's subscription, copy a group's offsets to another,
//! and dump every committed offset.

use fulmen_protocol::body::{GroupList, JsonBody, QuerySubscriptionResponseBody, TopicList};
use fulmen_protocol::header::{
    CloneGroupOffsetRequestHeader, DeleteSubscriptionGroupRequestHeader,
    GetSubscriptionGroupConfigRequestHeader, QuerySubscriptionByConsumerRequestHeader,
    QueryTopicConsumeByWhoRequestHeader, QueryTopicsByConsumerRequestHeader,
};
use fulmen_protocol::{RemotingCommand, ResponseCode};
use indexmap::IndexSet;

use super::{Reply, decode, reply, success};
use crate::state::BrokerState;
use crate::subscription_groups::SubscriptionGroupConfig;

/// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200): the body is the group's whole config, stored as given and written
/// to subscriptionGroup.json. Like Java 5.3.3, which defines no subscription group attributes, a config naming
/// any attribute is refused.
pub(super) async fn create_or_update(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let config = SubscriptionGroupConfig::decode(&request.body).map_err(|error| {
        reply(
            ResponseCode::SYSTEM_ERROR,
            format!("the subscription group config is malformed: {error}"),
        )
    })?;
    if let Some(key) = config.attributes.keys().next() {
        let key = key.trim_start_matches(['+', '-']);
        return Err(reply(
            ResponseCode::SYSTEM_ERROR,
            format!("unsupported key: {key}"),
        ));
    }
    state.groups.upsert(config);
    persist_groups(state).await?;
    Ok(success())
}

/// DELETE_SUBSCRIPTIONGROUP (207): removes the group's config and, with `cleanOffset`, its offsets. Deleting an
/// unknown group succeeds, as in Java.
pub(super) async fn delete(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: DeleteSubscriptionGroupRequestHeader = decode(request)?;
    if state.groups.delete(&header.group_name) {
        persist_groups(state).await?;
    }
    if header.clean_offset == Some(true) {
        state.offsets.remove_group(&header.group_name);
    }
    Ok(success())
}

/// GET_SUBSCRIPTIONGROUP_CONFIG (352): the group's config (created with defaults when the broker auto-creates
/// groups, as Java's `findSubscriptionGroupConfig` does).
pub(super) fn get_one(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: GetSubscriptionGroupConfigRequestHeader = decode(request)?;
    let config = state
        .groups
        .find_or_create(&header.group, state.live.auto_create_subscription_group())
        .ok_or_else(|| {
            reply(
                ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
                "No group in this broker",
            )
        })?;
    Ok(success().with_body(encoded(config.encode())?))
}

/// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201): the whole table, as subscriptionGroup.json holds it.
pub(super) fn get_all(state: &BrokerState) -> Reply {
    Ok(success().with_body(encoded(state.groups.encode())?))
}

/// QUERY_TOPIC_CONSUME_BY_WHO (300): the groups with an online member subscribed to the topic, and those with
/// an offset in it.
pub(super) fn topic_consumed_by(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: QueryTopicConsumeByWhoRequestHeader = decode(request)?;
    let mut groups: IndexSet<String> = state
        .consumers
        .groups_subscribing(&header.topic)
        .into_iter()
        .collect();
    groups.extend(state.offsets.groups_of(&header.topic));
    let body = GroupList {
        group_list: groups.into_iter().collect(),
    };
    Ok(success().with_body(encoded(body.encode())?))
}

/// QUERY_TOPICS_BY_CONSUMER (343): the topics the group has offsets in, and this broker's address.
pub(super) fn topics_of_group(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: QueryTopicsByConsumerRequestHeader = decode(request)?;
    let body = TopicList {
        topic_list: state.offsets.topics_of(&header.group),
        broker_addr: Some(state.advertised_addr.to_string()),
    };
    Ok(success().with_body(encoded(body.encode())?))
}

/// QUERY_SUBSCRIPTION_BY_CONSUMER (345): the subscription an online member of the group registered for the
/// topic, if any.
pub(super) fn subscription_of_group(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: QuerySubscriptionByConsumerRequestHeader = decode(request)?;
    let topic = header.topic.unwrap_or_default();
    let subscription_data = state
        .consumers
        .group(&header.group)
        .and_then(|info| info.subscriptions.get(&topic).cloned());
    let body = QuerySubscriptionResponseBody {
        subscription_data,
        group: header.group,
        topic,
    };
    Ok(success().with_body(encoded(body.encode())?))
}

/// CLONE_GROUP_OFFSET (314): copies the source group's offsets in the topic (every topic it has offsets in when
/// none is named) to the destination group. Unless `offline`, a topic an online source group does not subscribe
/// to is skipped. Unlike Java 5.3.3, which then copies the offsets of the topic named in the request (none, when it
/// is blank), each listed topic's offsets are copied.
pub(super) fn clone_offsets(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: CloneGroupOffsetRequestHeader = decode(request)?;
    let topics = match header.topic.as_deref().map(str::trim) {
        Some(topic) if !topic.is_empty() => vec![topic.to_owned()],
        _ => state.offsets.topics_of(&header.src_group),
    };
    let source = state.consumers.group(&header.src_group);
    for topic in topics {
        if state.topics.select(&topic).is_none() {
            tracing::warn!(%topic, "clone group offset: the topic does not exist");
            continue;
        }
        let unsubscribed = source
            .as_ref()
            .is_some_and(|info| !info.subscriptions.is_empty() && !info.subscriptions.contains_key(&topic));
        if header.offline != Some(true) && unsubscribed {
            tracing::warn!(%topic, group = %header.src_group, "clone group offset: not a topic of the group");
            continue;
        }
        state
            .offsets
            .clone_offsets(&header.src_group, &header.dest_group, &topic);
    }
    Ok(success())
}

/// GET_ALL_CONSUMER_OFFSET (43): every committed offset, as consumerOffset.json holds them.
pub(super) fn all_consumer_offsets(state: &BrokerState) -> Reply {
    Ok(success().with_body(encoded(state.offsets.encode())?))
}

/// Java's `persist()` after a change: the file is written before the answer.
async fn persist_groups(state: &BrokerState) -> Result<(), RemotingCommand> {
    state.groups.persist().await.map_err(|error| {
        reply(
            ResponseCode::SYSTEM_ERROR,
            format!("cannot write subscriptionGroup.json: {error}"),
        )
    })
}

fn encoded<E: std::fmt::Display>(body: Result<Vec<u8>, E>) -> Result<Vec<u8>, RemotingCommand> {
    body.map_err(|error| {
        reply(
            ResponseCode::SYSTEM_ERROR,
            format!("cannot encode the answer: {error}"),
        )
    })
}
