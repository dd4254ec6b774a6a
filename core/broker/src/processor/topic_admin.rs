//! Topic admin: UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21) and
//! GET_TOPIC_CONFIG (351) (Java 5.3.3's `AdminBrokerProcessor`). A created or updated topic is persisted and
//! registered with the name servers before the answer, so its route is visible once the admin call returns; a
//! deletion is persisted and reaches the name servers with the next periodic registration (Java's admin tool
//! deletes the route from the name servers itself, with DELETE_TOPIC_IN_NAMESRV).

use fulmen_protocol::body::{JsonBody, TopicConfig, TopicFilterType};
use fulmen_protocol::header::{
    CreateTopicRequestHeader, DeleteTopicRequestHeader, GetTopicConfigRequestHeader,
};
use fulmen_protocol::{RemotingCommand, ResponseCode};

use super::{Reply, decode, reply, success};
use crate::registration::register_all;
use crate::state::BrokerState;
use crate::topic_attributes::{alter, parse_modification};
use crate::topic_validator::{is_blank, validate_topic};

/// Java's `updateAndCreateTopic`: creates or updates a topic (read and write queue counts may differ), with
/// the attribute changes of the `attributes` field.
pub(super) async fn create(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: CreateTopicRequestHeader = decode(request)?;
    let topic = &header.topic;
    validate_topic(topic).map_err(|remark| reply(ResponseCode::INVALID_PARAMETER, remark))?;
    if state.topics.is_system_topic(topic) {
        return Err(reply(
            ResponseCode::INVALID_PARAMETER,
            format!("The topic[{topic}] is conflict with system topic."),
        ));
    }
    let topic_filter_type = match TopicFilterType::from_name(&header.topic_filter_type) {
        TopicFilterType::Other(name) => {
            return Err(reply(
                ResponseCode::SYSTEM_ERROR,
                format!("No enum constant org.apache.rocketmq.common.TopicFilterType.{name}"),
            ));
        }
        known => known,
    };
    let changes = parse_modification(header.attributes.as_deref().unwrap_or(""))
        .map_err(|remark| reply(ResponseCode::SYSTEM_ERROR, remark))?;
    if changes.get("+message.type").is_some_and(|kind| kind == "MIXED") {
        return Err(reply(
            ResponseCode::INVALID_PARAMETER,
            "MIXED message type is not supported.",
        ));
    }
    let mut config = TopicConfig {
        topic_name: topic.clone(),
        read_queue_nums: header.read_queue_nums,
        write_queue_nums: header.write_queue_nums,
        perm: header.perm,
        topic_filter_type,
        topic_sys_flag: header.topic_sys_flag.unwrap_or(0),
        order: header.order,
        attributes: changes,
    };
    let existing = state.topics.select(topic);
    if existing.as_ref() == Some(&config) {
        // Java answers an unchanged topic without touching anything.
        return Ok(success());
    }
    let create = existing.is_none();
    let current = existing.map(|existing| existing.attributes).unwrap_or_default();
    config.attributes = alter(create, &current, &config.attributes)
        .map_err(|remark| reply(ResponseCode::SYSTEM_ERROR, remark))?;
    if state.topics.upsert(config) {
        if let Err(error) = state.topics.persist().await {
            tracing::error!(%error, "could not write topics.json");
        }
        register_all(state).await;
    }
    Ok(success())
}

/// Java's `deleteTopic`: deletes a topic and the consumer offsets of its queues. (Its stored messages stay
/// until retention.)
pub(super) async fn delete(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: DeleteTopicRequestHeader = decode(request)?;
    let topic = &header.topic;
    if is_blank(topic) {
        return Err(reply(
            ResponseCode::INVALID_PARAMETER,
            "The specified topic is blank.",
        ));
    }
    if state.topics.is_system_topic(topic) {
        return Err(reply(
            ResponseCode::INVALID_PARAMETER,
            format!("The topic[{topic}] is conflict with system topic."),
        ));
    }
    state.offsets.remove_topic(topic);
    if state.topics.delete(topic) {
        if let Err(error) = state.topics.persist().await {
            tracing::error!(%error, "could not write topics.json");
        }
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
