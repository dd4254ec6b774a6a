//! The offsets of a queue on its broker that seek and `offset_for_timestamp` need (Java's `MQAdminImpl#minOffset`,
//! `#maxOffset`, `#searchOffset`): GET_MIN_OFFSET here, GET_MAX_OFFSET and SEARCH_OFFSET_BY_TIMESTAMP shared with
//! the rebalance's start-offset computation.

use fulmen_protocol::RemotingCommand;
use fulmen_protocol::RequestCode;
use fulmen_protocol::body::MessageQueue;
use fulmen_protocol::header::{GetMinOffsetRequestHeader, GetMinOffsetResponseHeader};

use crate::error::Result;

use super::Inner;

impl Inner {
    /// The smallest offset still stored in `queue`.
    pub(super) async fn min_offset(&self, queue: &MessageQueue) -> Result<i64> {
        let header = GetMinOffsetRequestHeader {
            topic: queue.topic.clone(),
            queue_id: queue.queue_id,
            broker_name: Some(queue.broker_name.clone()),
        };
        let request = RemotingCommand::request(RequestCode::GET_MIN_OFFSET).with_header(&header);
        let response = self.rebalance.offset_call(queue, request).await?;
        Ok(response.decode_header::<GetMinOffsetResponseHeader>()?.offset)
    }

    /// One past the last offset of `queue`.
    pub(super) async fn max_offset(&self, queue: &MessageQueue) -> Result<i64> {
        self.rebalance.max_offset(queue).await
    }

    /// The offset of the first message of `queue` stored at or after `timestamp` (ms since the epoch).
    pub(super) async fn search_offset(&self, queue: &MessageQueue, timestamp: i64) -> Result<i64> {
        self.rebalance.search_offset(queue, timestamp).await
    }
}
