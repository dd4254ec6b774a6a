//! Topic admin: UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21) and
//! GET_TOPIC_CONFIG (351) (Java's `AdminBrokerProcessor`). Changes are persisted and registered with the name
//! servers before the answer, so a route is visible once the admin call returns.

use fulmen_protocol::body::{JsonBody, TopicConfig, TopicFilterType};
use fulmen_protocol::header::{
    CreateTopicRequestHeader, DeleteTopicRequestHeader, GetTopicConfigRequestHeader,
};
use fulmen_protocol::{RemotingCommand, ResponseCode};
use indexmap::IndexMap;

use super::{Reply, decode, reply, success};
use crate::registration::register_all;
use crate::state::BrokerState;
use crate::topic_validator::{is_system_topic, validate_topic};

/// Creates or updates a topic (read and write queue counts may differ).
pub(super) async fn create(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: CreateTopicRequestHeader = decode(request)?;
    let topic = &header.topic;
    validate_topic(topic).map_err(|remark| reply(ResponseCode::SYSTEM_ERROR, remark))?;
    if is_system_topic(topic) {
        return Err(reply(
            ResponseCode::SYSTEM_ERROR,
            format!("The topic[{topic}] is conflict with system topic."),
        ));
    }
    let mut attributes = state
        .topics
        .select(topic)
        .map(|existing| existing.attributes)
        .unwrap_or_default();
    apply_attribute_changes(&mut attributes, header.attributes.as_deref().unwrap_or(""))
        .map_err(|remark| reply(ResponseCode::INVALID_PARAMETER, remark))?;
    let config = TopicConfig {
        topic_name: topic.clone(),
        read_queue_nums: header.read_queue_nums,
        write_queue_nums: header.write_queue_nums,
        perm: header.perm,
        topic_filter_type: TopicFilterType::from_name(&header.topic_filter_type),
        topic_sys_flag: header.topic_sys_flag.unwrap_or(0),
        order: header.order,
        attributes,
    };
    if state.topics.upsert(config) {
        persist_and_register(state).await;
    }
    Ok(success())
}

/// Deletes a topic and the consumer offsets of its queues. (Its stored messages stay until retention.)
pub(super) async fn delete(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: DeleteTopicRequestHeader = decode(request)?;
    let topic = &header.topic;
    if topic.trim().is_empty() {
        return Err(reply(ResponseCode::SYSTEM_ERROR, "The specified topic is blank."));
    }
    if is_system_topic(topic) {
        return Err(reply(
            ResponseCode::SYSTEM_ERROR,
            format!("The topic[{topic}] is conflict with system topic."),
        ));
    }
    state.offsets.remove_topic(topic);
    if state.topics.delete(topic) {
        persist_and_register(state).await;
    }
    Ok(success())
}

/// Every topic config with the data version (`TopicConfigAndMappingSerializeWrapper`).
pub(super) fn all(state: &BrokerState) -> Reply {
    let body = state
        .topics
        .snapshot()
        .encode()
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    Ok(success().with_body(body))
}

/// One topic's config.
pub(super) fn one(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: GetTopicConfigRequestHeader = decode(request)?;
    let Some(config) = state.topics.select(&header.topic) else {
        return Err(reply(
            ResponseCode::TOPIC_NOT_EXIST,
            format!("No topic in this broker. topic: {}", header.topic),
        ));
    };
    let body = config
        .encode()
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    Ok(success().with_body(body))
}

async fn persist_and_register(state: &BrokerState) {
    if let Err(error) = state.topics.persist().await {
        tracing::error!(%error, "could not write topics.json");
    }
    register_all(state).await;
}

/// Applies `+key=value` / `-key` changes, comma separated.
fn apply_attribute_changes(attributes: &mut IndexMap<String, String>, changes: &str) -> Result<(), String> {
    for change in changes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        if let Some(set) = change.strip_prefix('+') {
            let (key, value) = set
                .split_once('=')
                .ok_or_else(|| format!("attribute format error: {change}"))?;
            attributes.insert(key.to_owned(), value.to_owned());
        } else if let Some(key) = change.strip_prefix('-') {
            attributes.shift_remove(key);
        } else {
            return Err(format!("attribute format error: {change}"));
        }
    }
    Ok(())
}
