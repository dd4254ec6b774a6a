//! INVOKE_BROKER_TO_RESET_OFFSET (222), as `mqadmin resetOffsetByTime` and `DefaultMQAdminExt#resetOffsetByTimestamp`
//! send it: Java 5.3.3's server-side reset (`useServerSideResetOffset`, on by default; `resetOffsetInner`). The
//! broker finds each queue's offset at the timestamp (a negative timestamp means the queue's end), or takes the
//! given offset for one queue, commits it, and answers the group's next pull of each queue with PULL_OFFSET_MOVED
//! to it (see the pull processor; a pull held by long polling is woken for it), so online consumers move without
//! being called back.

use fulmen_protocol::body::{JsonBody, MessageQueue, ResetOffsetBody};
use fulmen_protocol::header::ResetOffsetRequestHeader;
use fulmen_protocol::{RemotingCommand, ResponseCode};
use fulmen_store::BoundaryType;
use indexmap::IndexMap;

use super::{Reply, decode, reply, success};
use crate::state::BrokerState;

/// Handles INVOKE_BROKER_TO_RESET_OFFSET; the body lists the new offset of each queue.
pub(super) fn handle(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: ResetOffsetRequestHeader = decode(request)?;
    let (topic, group) = (header.topic.as_str(), header.group.as_str());
    let topic_config = state.topics.select(topic).ok_or_else(|| {
        reply(
            ResponseCode::TOPIC_NOT_EXIST,
            format!("Topic {topic} does not exist"),
        )
    })?;
    if !state.groups.contains(group) {
        return Err(reply(
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            format!("Group {group} does not exist"),
        ));
    }
    let queue_id = header.queue_id.unwrap_or(-1);
    let mut offsets: IndexMap<i32, i64> = IndexMap::new();
    if queue_id >= 0 {
        let offset = match header.offset {
            Some(offset) if offset != -1 => {
                let min = state.store.min_offset(topic, queue_id);
                let max = state.store.max_offset(topic, queue_id);
                if min >= 0 && offset < min || offset > max + 1 {
                    return Err(reply(
                        ResponseCode::SYSTEM_ERROR,
                        format!("Target offset {offset} not in consume queue range [{min}-{max}]"),
                    ));
                }
                offset
            }
            _ => offset_at(state, topic, queue_id, header.timestamp),
        };
        offsets.insert(queue_id, offset);
    } else {
        for queue in 0..topic_config.read_queue_nums {
            offsets.insert(queue, offset_at(state, topic, queue, header.timestamp));
        }
    }
    if offsets.is_empty() {
        return Err(reply(ResponseCode::SYSTEM_ERROR, "No queues to reset."));
    }
    let mut body = ResetOffsetBody::default();
    for (queue, offset) in offsets {
        state.offsets.assign_reset(group, topic, queue, offset);
        // A pull of the group held on the queue answers the reset now rather than when its hold ends.
        state.waiters.wake(topic, queue);
        body.offset_table
            .insert(MessageQueue::new(topic, &state.config.broker_name, queue), offset);
    }
    tracing::info!(%topic, %group, timestamp = header.timestamp, queues = body.offset_table.len(), "consumer offsets reset");
    let encoded = body.encode().map_err(|error| {
        reply(
            ResponseCode::SYSTEM_ERROR,
            format!("cannot encode the answer: {error}"),
        )
    })?;
    Ok(success().with_body(encoded))
}

/// Java's `searchOffsetByTimestamp` of the reset: the queue's end for a negative timestamp, else the first
/// offset stored at or after it.
fn offset_at(state: &BrokerState, topic: &str, queue_id: i32, timestamp: i64) -> i64 {
    if timestamp < 0 {
        state.store.max_offset(topic, queue_id)
    } else {
        state
            .store
            .offset_by_time(topic, queue_id, timestamp, BoundaryType::Lower)
    }
}
