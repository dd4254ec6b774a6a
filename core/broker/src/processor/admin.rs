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
use crate::topic_validator::is_blank;

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

/// Java's `getConsumeStats`: broker, consumer and pull offsets of each readable queue of the topics asked for
/// (`topicList`), or else of `topic` or every topic the group committed offsets for, keeping only topics the
/// group subscribes to when it has subscriptions.
pub(super) fn consume_stats(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: GetConsumeStatsRequestHeader = decode(request)?;
    let group = &header.consumer_group;
    let listed: Vec<String> = header
        .topic_list
        .as_deref()
        .filter(|list| !is_blank(list))
        .map(|list| {
            list.split(';')
                .filter(|topic| !topic.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let topics = if !listed.is_empty() {
        listed
    } else {
        let mut topics = match header.topic.as_deref().filter(|topic| !is_blank(topic)) {
            Some(topic) => vec![topic.to_owned()],
            None => state.offsets.topics_of(group),
        };
        if let Some(info) = state
            .consumers
            .group(group)
            .filter(|info| !info.subscriptions.is_empty())
        {
            topics.retain(|topic| info.subscriptions.contains_key(topic));
        }
        topics
    };
    let mut offset_table = IndexMap::new();
    for topic in topics {
        let Some(config) = state.topics.select(&topic) else {
            continue;
        };
        for queue_id in 0..config.read_queue_nums {
            let broker_offset = state.store.max_offset(&topic, queue_id).max(0);
            let consumer_offset = state.offsets.query(group, &topic, queue_id).unwrap_or(-1).max(0);
            let pull_offset = state.offsets.pull_offset(group, &topic, queue_id).unwrap_or(-1);
            let last_timestamp = consumer_offset
                .checked_sub(1)
                .filter(|last| *last >= 0)
                .and_then(|last| state.store.store_time_at(&topic, queue_id, last))
                .filter(|timestamp| *timestamp > 0)
                .unwrap_or(0);
            offset_table.insert(
                MessageQueue::new(topic.clone(), state.config.broker_name.clone(), queue_id),
                OffsetWrapper {
                    broker_offset,
                    consumer_offset,
                    pull_offset: consumer_offset.max(pull_offset),
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

/// Java's `getTopicStatsInfo`: min and max offsets of each queue of a topic (as many as its larger queue count).
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
    for queue_id in 0..config.write_queue_nums.max(config.read_queue_nums) {
        let max_offset = state.store.max_offset(topic, queue_id).max(0);
        let last_update_timestamp = if max_offset > 0 {
            // Java's getMessageStoreTimeStamp answers -1 when the unit is gone.
            state
                .store
                .store_time_at(topic, queue_id, max_offset - 1)
                .unwrap_or(-1)
        } else {
            0
        };
        offset_table.insert(
            MessageQueue::new(topic.clone(), state.config.broker_name.clone(), queue_id),
            TopicOffset {
                min_offset: state.store.min_offset(topic, queue_id).max(0),
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

/// A few runtime facts as a KVTable (Java's `prepareRuntimeInfo` answers many more: the statistics and thread
/// pool figures Fulmen does not keep are left out rather than reported as zeros).
pub(super) fn runtime_info(state: &BrokerState) -> Reply {
    let earliest = state
        .store
        .message_at(state.store.commit_log_min_offset())
        .map_or(-1, |message| message.store_timestamp);
    // Java's `getDiskPartitionSpaceUsedPercent` gives -1 for a path it cannot measure; `{:?}` of these
    // hundredths prints what Java's `String.valueOf(double)` does (`0.65`, `-1.0`).
    let [commit_log_ratio, consume_queue_ratio, _] = state
        .store
        .disk_used_ratios()
        .map(|ratio| format!("{:?}", ratio.unwrap_or(-1.0)));
    let commit_log_dir = state.config.store.commit_log_dir();
    let mut table = IndexMap::from([
        ("brokerVersionDesc".to_owned(), "V5_3_3".to_owned()),
        ("brokerVersion".to_owned(), Version::CURRENT.to_string()),
        // A running master (Java's isSpecialServiceRunning).
        ("brokerActive".to_owned(), "true".to_owned()),
        ("earliestMessageTimeStamp".to_owned(), earliest.to_string()),
        ("startAcceptSendRequestTimeStamp".to_owned(), "0".to_owned()),
        (
            "commitLogMinOffset".to_owned(),
            state.store.commit_log_min_offset().to_string(),
        ),
        (
            "commitLogMaxOffset".to_owned(),
            state.store.commit_log_max_offset().to_string(),
        ),
    ]);
    table.insert(
        format!("commitLogDiskRatio_{}", commit_log_dir.display()),
        commit_log_ratio.clone(),
    );
    table.insert("commitLogDiskRatio".to_owned(), commit_log_ratio);
    table.insert("consumeQueueDiskRatio".to_owned(), consume_queue_ratio);
    table.extend(state.schedule.running_stats(&state.store));
    encoded(&KvTable { table })
}
