//! Admin read paths: GET_CONSUMER_CONNECTION_LIST (203), GET_PRODUCER_CONNECTION_LIST (204), GET_CONSUME_STATS
//! (208), GET_TOPIC_STATS_INFO (202) and GET_BROKER_RUNTIME_INFO (28) (Java's `AdminBrokerProcessor`,
//! REMOTING.md §4.5–§4.6). Offsets come from short reads of the store's in-memory indexes.

use fulmen_protocol::body::{
    Connection, ConsumeStats, ConsumerConnection, JsonBody, KvTable, MessageQueue, OffsetWrapper,
    ProducerConnection, TopicOffset, TopicStatsTable,
};
use fulmen_protocol::header::{
    GetConsumeStatsRequestHeader, GetConsumerConnectionListRequestHeader,
    GetProducerConnectionListRequestHeader, GetTopicStatsInfoRequestHeader,
};
use fulmen_protocol::{RemotingCommand, ResponseCode, Version};
use indexmap::IndexMap;

use super::{Reply, decode, reply, success};
use crate::consumer_manager::ClientChannel;
use crate::state::BrokerState;

fn encoded(body: &impl JsonBody) -> Reply {
    let bytes = body
        .encode()
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))?;
    Ok(success().with_body(bytes))
}

fn connection_of(channel: &ClientChannel) -> Connection {
    Connection {
        client_id: channel.client_id.clone(),
        client_addr: channel.connection.peer_addr().to_string(),
        language: channel.language,
        version: channel.version,
    }
}

/// The members and subscriptions of a consumer group; CONSUMER_NOT_ONLINE when it has none.
pub(super) fn consumer_connections(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: GetConsumerConnectionListRequestHeader = decode(request)?;
    let Some(group) = state.consumers.group(&header.consumer_group) else {
        return Err(reply(
            ResponseCode::CONSUMER_NOT_ONLINE,
            format!("the consumer group[{}] not online", header.consumer_group),
        ));
    };
    encoded(&ConsumerConnection {
        connection_set: group.channels.values().map(connection_of).collect(),
        subscription_table: group.subscriptions.clone(),
        consume_type: group.consume_type.clone(),
        message_model: group.message_model.clone(),
        consume_from_where: group.consume_from_where.clone(),
    })
}

/// The producers of a group.
pub(super) fn producer_connections(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: GetProducerConnectionListRequestHeader = decode(request)?;
    let channels = state.producers.channels(&header.producer_group);
    if channels.is_empty() {
        return Err(reply(
            ResponseCode::SYSTEM_ERROR,
            format!("the producer group[{}] not exist", header.producer_group),
        ));
    }
    encoded(&ProducerConnection {
        connection_set: channels.iter().map(connection_of).collect(),
    })
}

/// Broker and consumer offsets of each queue of the group's topics (or of `topic`).
pub(super) fn consume_stats(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: GetConsumeStatsRequestHeader = decode(request)?;
    let group = &header.consumer_group;
    let topics: Vec<String> = match header.topic.as_deref().filter(|t| !t.is_empty()) {
        Some(topic) => vec![topic.to_owned()],
        None => state
            .consumers
            .group(group)
            .map(|info| info.subscriptions.keys().cloned().collect())
            .unwrap_or_default(),
    };
    let mut offset_table = IndexMap::new();
    for topic in topics {
        let Some(config) = state.topics.select(&topic) else {
            continue;
        };
        let committed = state.offsets.offsets_of(group, &topic);
        for queue_id in 0..config.write_queue_nums {
            let consumer_offset = committed.get(&queue_id).copied().unwrap_or(0);
            let broker_offset = state.store.max_offset(&topic, queue_id);
            let last_timestamp = consumer_offset
                .checked_sub(1)
                .and_then(|last| state.store.store_time_at(&topic, queue_id, last))
                .unwrap_or(0);
            offset_table.insert(
                MessageQueue::new(topic.clone(), state.config.broker_name.clone(), queue_id),
                OffsetWrapper {
                    broker_offset,
                    consumer_offset,
                    pull_offset: consumer_offset,
                    last_timestamp,
                },
            );
        }
    }
    encoded(&ConsumeStats {
        offset_table,
        consume_tps: 0.0,
    })
}

/// Min and max offsets of each queue of a topic.
pub(super) fn topic_stats(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: GetTopicStatsInfoRequestHeader = decode(request)?;
    let topic = &header.topic;
    let Some(config) = state.topics.select(topic) else {
        return Err(reply(
            ResponseCode::TOPIC_NOT_EXIST,
            format!("topic[{topic}] not exist"),
        ));
    };
    let mut offset_table = IndexMap::new();
    for queue_id in 0..config.write_queue_nums {
        let max_offset = state.store.max_offset(topic, queue_id);
        let last_update_timestamp = max_offset
            .checked_sub(1)
            .and_then(|last| state.store.store_time_at(topic, queue_id, last))
            .unwrap_or(0);
        offset_table.insert(
            MessageQueue::new(topic.clone(), state.config.broker_name.clone(), queue_id),
            TopicOffset {
                min_offset: state.store.min_offset(topic, queue_id),
                max_offset,
                last_update_timestamp,
            },
        );
    }
    encoded(&TopicStatsTable {
        offset_table,
        topic_put_tps: 0.0,
    })
}

/// A few runtime facts as a KVTable.
pub(super) fn runtime_info(state: &BrokerState) -> Reply {
    let table = IndexMap::from([
        ("brokerVersionDesc".to_owned(), "V5_3_3".to_owned()),
        ("brokerVersion".to_owned(), Version::CURRENT.to_string()),
        ("msgPutTotalTodayNow".to_owned(), "0".to_owned()),
        (
            "commitLogMinOffset".to_owned(),
            state.store.commit_log_min_offset().to_string(),
        ),
        (
            "commitLogMaxOffset".to_owned(),
            state.store.commit_log_max_offset().to_string(),
        ),
        ("brokerAddr".to_owned(), state.advertised_addr.to_string()),
    ]);
    encoded(&KvTable { table })
}
