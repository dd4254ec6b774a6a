//! Consumer offsets stored on the broker: QUERY_CONSUMER_OFFSET and UPDATE_CONSUMER_OFFSET requests and their
//! answers (Java's `RemoteBrokerOffsetStore`).

use fulmen_protocol::body::MessageQueue;
use fulmen_protocol::header::{
    GetMaxOffsetRequestHeader, QueryConsumerOffsetRequestHeader, QueryConsumerOffsetResponseHeader,
    SearchOffsetRequestHeader, UpdateConsumerOffsetRequestHeader,
};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

use crate::error::{Error, Result};

/// The QUERY_CONSUMER_OFFSET request of `group` for `queue`.
pub(crate) fn query_request(group: &str, queue: &MessageQueue) -> RemotingCommand {
    let header = QueryConsumerOffsetRequestHeader {
        consumer_group: group.to_owned(),
        topic: queue.topic.clone(),
        queue_id: queue.queue_id,
        set_zero_if_not_found: None,
        broker_name: Some(queue.broker_name.clone()),
    };
    RemotingCommand::request(RequestCode::QUERY_CONSUMER_OFFSET).with_header(&header)
}

/// The stored offset in a QUERY_CONSUMER_OFFSET response; `None` when the broker has none (`QUERY_NOT_FOUND`).
pub(crate) fn query_result(response: &RemotingCommand, queue: &MessageQueue) -> Result<Option<i64>> {
    match response.response_code() {
        ResponseCode::SUCCESS => {
            let header: QueryConsumerOffsetResponseHeader = response.decode_header()?;
            Ok(Some(header.offset))
        }
        ResponseCode::QUERY_NOT_FOUND => Ok(None),
        code => Err(Error::from_response(
            code,
            response.remark.as_deref(),
            Some(&queue.broker_name),
        )),
    }
}

/// The UPDATE_CONSUMER_OFFSET request storing `offset` for `group` in `queue`.
pub(crate) fn update_request(group: &str, queue: &MessageQueue, offset: i64) -> RemotingCommand {
    let header = UpdateConsumerOffsetRequestHeader {
        consumer_group: group.to_owned(),
        topic: queue.topic.clone(),
        queue_id: queue.queue_id,
        commit_offset: offset,
        broker_name: Some(queue.broker_name.clone()),
    };
    RemotingCommand::request(RequestCode::UPDATE_CONSUMER_OFFSET).with_header(&header)
}

/// Checks an UPDATE_CONSUMER_OFFSET response.
pub(crate) fn update_result(response: &RemotingCommand, queue: &MessageQueue) -> Result<()> {
    match response.response_code() {
        ResponseCode::SUCCESS => Ok(()),
        code => Err(Error::from_response(
            code,
            response.remark.as_deref(),
            Some(&queue.broker_name),
        )),
    }
}

/// The GET_MAX_OFFSET request of `queue`, committed messages only (Java sends its default, `true`).
pub(crate) fn max_offset_request(queue: &MessageQueue) -> RemotingCommand {
    let header = GetMaxOffsetRequestHeader {
        topic: queue.topic.clone(),
        queue_id: queue.queue_id,
        committed: Some(true),
        broker_name: Some(queue.broker_name.clone()),
    };
    RemotingCommand::request(RequestCode::GET_MAX_OFFSET).with_header(&header)
}

/// The SEARCH_OFFSET_BY_TIMESTAMP request of `queue` for the first message stored at or after `timestamp`.
pub(crate) fn search_offset_request(queue: &MessageQueue, timestamp: i64) -> RemotingCommand {
    let header = SearchOffsetRequestHeader {
        topic: queue.topic.clone(),
        queue_id: queue.queue_id,
        timestamp,
        boundary_type: None,
        broker_name: Some(queue.broker_name.clone()),
    };
    RemotingCommand::request(RequestCode::SEARCH_OFFSET_BY_TIMESTAMP).with_header(&header)
}
