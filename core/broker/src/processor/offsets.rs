//! Offsets and store lookups: QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15), GET_MAX_OFFSET (30),
//! GET_MIN_OFFSET (31), SEARCH_OFFSET_BY_TIMESTAMP (29), GET_EARLIEST_MSG_STORETIME (32) and
//! VIEW_MESSAGE_BY_ID (33) (REMOTING.md §3.4, §3.11). Store lookups are short reads of memory-mapped files.

use fulmen_protocol::header::{
    BoundaryType, GetEarliestMsgStoretimeRequestHeader, GetEarliestMsgStoretimeResponseHeader,
    GetMaxOffsetRequestHeader, GetMaxOffsetResponseHeader, GetMinOffsetRequestHeader,
    GetMinOffsetResponseHeader, QueryConsumerOffsetRequestHeader, QueryConsumerOffsetResponseHeader,
    SearchOffsetRequestHeader, SearchOffsetResponseHeader, UpdateConsumerOffsetRequestHeader,
    UpdateConsumerOffsetResponseHeader, ViewMessageRequestHeader,
};
use fulmen_protocol::{RemotingCommand, ResponseCode};

use super::{Reply, decode, reply, success};
use crate::state::BrokerState;

/// Java's `queryConsumerOffset`: the stored offset; else QUERY_NOT_FOUND when the client forbids zero; else 0
/// when the queue still holds its first message (`minOffset <= 0` and the unit at offset 0 exists and is in
/// memory, which every unit is here); else QUERY_NOT_FOUND, also for an empty or unknown queue. Like Java 5.3.3,
/// the group, topic and queue id are not checked.
pub(super) fn query_consumer_offset(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: QueryConsumerOffsetRequestHeader = decode(request)?;
    let answer = |offset| success().with_header(&QueryConsumerOffsetResponseHeader { offset });
    if let Some(offset) = state
        .offsets
        .query(&header.consumer_group, &header.topic, header.queue_id)
    {
        return Ok(answer(offset));
    }
    if header.set_zero_if_not_found == Some(false) {
        return Err(reply(
            ResponseCode::QUERY_NOT_FOUND,
            "Not found, do not set to zero, maybe this group boot first",
        ));
    }
    let (topic, queue_id) = (&header.topic, header.queue_id);
    if state.store.min_offset(topic, queue_id) <= 0 && state.store.max_offset(topic, queue_id) > 0 {
        return Ok(answer(0));
    }
    Err(reply(
        ResponseCode::QUERY_NOT_FOUND,
        "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first",
    ))
}

/// Java's `updateConsumerOffset`: the group must exist (it is not created here) and the topic too; then the
/// offset is stored. (The queue id is not checked against the topic, as in Java.)
pub(super) fn update_consumer_offset(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: UpdateConsumerOffsetRequestHeader = decode(request)?;
    let (group, topic) = (&header.consumer_group, &header.topic);
    if !state.groups.contains(group) {
        return Err(reply(
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            format!("Group {group} not exist!"),
        ));
    }
    if state.topics.select(topic).is_none() {
        return Err(reply(
            ResponseCode::TOPIC_NOT_EXIST,
            format!("Topic {topic} not exist!"),
        ));
    }
    if state
        .offsets
        .pending_reset(group, topic, header.queue_id)
        .is_some()
    {
        // Java's rule: an admin reset wins over the group's commits until its next pull sees the reset.
        return Ok(reply(ResponseCode::SUCCESS, "Offset has been previously reset")
            .with_header(&UpdateConsumerOffsetResponseHeader {}));
    }
    state.offsets.commit(
        &header.consumer_group,
        &header.topic,
        header.queue_id,
        header.commit_offset,
    );
    Ok(success().with_header(&UpdateConsumerOffsetResponseHeader {}))
}

/// One past the last offset of a queue.
pub(super) fn max_offset(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: GetMaxOffsetRequestHeader = decode(request)?;
    let offset = state.store.max_offset(&header.topic, header.queue_id);
    Ok(success().with_header(&GetMaxOffsetResponseHeader { offset }))
}

/// The smallest offset of a queue.
pub(super) fn min_offset(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: GetMinOffsetRequestHeader = decode(request)?;
    let offset = state.store.min_offset(&header.topic, header.queue_id);
    Ok(success().with_header(&GetMinOffsetResponseHeader { offset }))
}

/// The offset of the message stored at a time.
pub(super) fn search_by_time(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: SearchOffsetRequestHeader = decode(request)?;
    let boundary = match header.boundary_type.unwrap_or_default() {
        BoundaryType::Lower => fulmen_store::BoundaryType::Lower,
        BoundaryType::Upper => fulmen_store::BoundaryType::Upper,
    };
    let offset = state
        .store
        .offset_by_time(&header.topic, header.queue_id, header.timestamp, boundary);
    Ok(success().with_header(&SearchOffsetResponseHeader { offset }))
}

/// When the oldest message of a queue was stored (-1 when none, as Java).
pub(super) fn earliest_store_time(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: GetEarliestMsgStoretimeRequestHeader = decode(request)?;
    let timestamp = state
        .store
        .earliest_store_time(&header.topic, header.queue_id)
        .unwrap_or(-1);
    Ok(success().with_header(&GetEarliestMsgStoretimeResponseHeader { timestamp }))
}

/// The stored unit at a commitlog offset.
pub(super) fn view_message(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: ViewMessageRequestHeader = decode(request)?;
    match state.store.unit_at(header.offset) {
        Some(unit) => Ok(success().with_body(unit)),
        None => Err(reply(
            ResponseCode::SYSTEM_ERROR,
            format!("can not find message by the offset, {}", header.offset),
        )),
    }
}
