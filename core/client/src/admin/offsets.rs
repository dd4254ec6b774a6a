//! Queue offsets and resetting a group's offsets to a point in time: `GET_MIN_OFFSET`, `GET_MAX_OFFSET`,
//! `SEARCH_OFFSET_BY_TIMESTAMP`, and `INVOKE_BROKER_TO_RESET_OFFSET` with Java's fallback (when the broker answers
//! `CONSUMER_NOT_ONLINE`) of searching and updating every queue's offset from the admin
//! (`DefaultMQAdminExtImpl.resetOffsetByTimestamp` / `resetOffsetByTimestampOld`, mqadmin `resetOffsetByTime`).

use fulmen_protocol::body::ConsumeStats;
use fulmen_protocol::body::{JsonBody, MessageQueue, QueueData, ResetOffsetBody, TopicStatsTable};
use fulmen_protocol::header::{
    GetConsumeStatsRequestHeader, GetMaxOffsetResponseHeader, GetMinOffsetRequestHeader,
    GetMinOffsetResponseHeader, GetTopicStatsInfoRequestHeader, ResetOffsetRequestHeader,
    SearchOffsetResponseHeader,
};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use indexmap::IndexMap;

use super::{Admin, select_broker_addr, serving_brokers};
use crate::consumer::offsets;
use crate::error::{Error, ErrorKind, Result};

/// What a reset by time did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetOffsetOutcome {
    /// The brokers reset the offsets themselves (and told the online consumers): the new offset of every queue.
    Reset(IndexMap<MessageQueue, i64>),
    /// No consumer of the group was online, so the admin searched and stored each queue's offset itself
    /// (Java's old path): what happened per queue.
    RolledBack(Vec<RollbackStats>),
}

/// One queue of an offset reset done by the admin (Java's `RollbackStats`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollbackStats {
    /// The broker of the queue.
    pub broker_name: String,
    /// The queue id.
    pub queue_id: i32,
    /// The queue's max offset.
    pub broker_offset: i64,
    /// The group's offset before the reset.
    pub consumer_offset: i64,
    /// The offset found for the timestamp.
    pub timestamp_offset: i64,
    /// The offset stored (the old one when it was not moved).
    pub rollback_offset: i64,
}

impl Admin {
    /// The smallest offset still in `queue` (`GET_MIN_OFFSET`).
    pub async fn min_offset(&self, queue: &MessageQueue) -> Result<i64> {
        let addr = self.queue_broker_addr(queue).await?;
        let header = GetMinOffsetRequestHeader {
            topic: queue.topic.clone(),
            queue_id: queue.queue_id,
            broker_name: Some(queue.broker_name.clone()),
        };
        let request = RemotingCommand::request(RequestCode::GET_MIN_OFFSET).with_header(&header);
        let response = self.call(&addr, request, self.timeout()).await?;
        Ok(response.decode_header::<GetMinOffsetResponseHeader>()?.offset)
    }

    /// The offset after the last message of `queue` (`GET_MAX_OFFSET`, committed messages only).
    pub async fn max_offset(&self, queue: &MessageQueue) -> Result<i64> {
        let addr = self.queue_broker_addr(queue).await?;
        self.max_offset_at(&addr, queue).await
    }

    /// The first offset of `queue` whose message was stored at or after `timestamp` (ms since the epoch;
    /// `SEARCH_OFFSET_BY_TIMESTAMP`).
    pub async fn search_offset(&self, queue: &MessageQueue, timestamp: i64) -> Result<i64> {
        let addr = self.queue_broker_addr(queue).await?;
        self.search_offset_at(&addr, queue, timestamp).await
    }

    /// Stores `offset` as `group`'s offset of `queue` (`UPDATE_CONSUMER_OFFSET`), as `resetOffsetByTime -b -q`.
    pub async fn update_consumer_offset(&self, group: &str, queue: &MessageQueue, offset: i64) -> Result<()> {
        let addr = self.queue_broker_addr(queue).await?;
        let request = offsets::update_request(group, queue, offset);
        let response = self
            .instance()
            .invoke_broker(&addr, request, self.timeout())
            .await?;
        offsets::update_result(&response, queue)
    }

    /// Resets `group`'s offsets of `topic` to the messages stored since `timestamp` (ms since the epoch) on every
    /// broker of the topic. Each broker resets them and tells the group's online consumers
    /// (`INVOKE_BROKER_TO_RESET_OFFSET`); when a broker answers `CONSUMER_NOT_ONLINE` (an older broker with no
    /// consumer online), the admin searches and stores each queue's offset itself, moving it back only, or also
    /// forward when `force`. A SUCCESS without a body counts as no queue reset (Java raises an error then).
    pub async fn reset_offset_by_time(
        &self,
        topic: &str,
        group: &str,
        timestamp: i64,
        force: bool,
    ) -> Result<ResetOffsetOutcome> {
        let route = self.topic_route(topic).await?;
        let mut reset = IndexMap::new();
        for (_, addr) in serving_brokers(&route) {
            let header = ResetOffsetRequestHeader {
                group: group.to_owned(),
                topic: topic.to_owned(),
                queue_id: Some(-1),
                offset: Some(-1),
                timestamp,
                is_force: force,
            };
            let request =
                RemotingCommand::request(RequestCode::INVOKE_BROKER_TO_RESET_OFFSET).with_header(&header);
            let response = self
                .instance()
                .invoke_broker(addr, request, self.timeout())
                .await?;
            match response.response_code() {
                ResponseCode::SUCCESS if response.body.is_empty() => {}
                ResponseCode::SUCCESS => reset.extend(ResetOffsetBody::decode(&response.body)?.offset_table),
                ResponseCode::CONSUMER_NOT_ONLINE => {
                    return self.reset_offset_old(topic, group, timestamp, force).await;
                }
                code => return Err(Error::from_response(code, response.remark.as_deref(), Some(addr))),
            }
        }
        reset.sort_keys();
        Ok(ResetOffsetOutcome::Reset(reset))
    }

    /// Java's `resetOffsetByTimestampOld` over every broker of the topic.
    async fn reset_offset_old(
        &self,
        topic: &str,
        group: &str,
        timestamp: i64,
        force: bool,
    ) -> Result<ResetOffsetOutcome> {
        let route = self.topic_route(topic).await?;
        let mut stats = Vec::new();
        for (broker, addr) in serving_brokers(&route) {
            let queue_data = route
                .queue_datas
                .iter()
                .find(|queue| queue.broker_name == broker.broker_name);
            let offsets = self
                .group_offsets(addr, group, topic, &broker.broker_name, queue_data)
                .await?;
            for (queue, (broker_offset, consumer_offset)) in offsets {
                let timestamp_offset = if timestamp == -1 {
                    self.max_offset_at(addr, &queue).await?
                } else {
                    self.search_offset_at(addr, &queue, timestamp).await?
                };
                let mut rollback_offset = consumer_offset;
                if force || timestamp_offset <= consumer_offset {
                    rollback_offset = timestamp_offset;
                    let request = offsets::update_request(group, &queue, timestamp_offset);
                    let response = self
                        .instance()
                        .invoke_broker(addr, request, self.timeout())
                        .await?;
                    offsets::update_result(&response, &queue)?;
                }
                stats.push(RollbackStats {
                    broker_name: queue.broker_name.clone(),
                    queue_id: queue.queue_id,
                    broker_offset,
                    consumer_offset,
                    timestamp_offset,
                    rollback_offset,
                });
            }
        }
        Ok(ResetOffsetOutcome::RolledBack(stats))
    }

    /// `(broker offset, consumer offset)` of `group` on every queue of `topic` on the broker at `addr`: from its
    /// consume stats, or, when the group has consumed nothing there, max and min offsets from the topic stats.
    async fn group_offsets(
        &self,
        addr: &str,
        group: &str,
        topic: &str,
        broker_name: &str,
        queue_data: Option<&QueueData>,
    ) -> Result<Vec<(MessageQueue, (i64, i64))>> {
        let header = GetConsumeStatsRequestHeader {
            consumer_group: group.to_owned(),
            topic: None,
            topic_list: None,
        };
        let request = RemotingCommand::request(RequestCode::GET_CONSUME_STATS).with_header(&header);
        let response = self.call(addr, request, self.timeout()).await?;
        let consumed: Vec<_> = ConsumeStats::decode(&response.body)?
            .offset_table
            .into_iter()
            .filter(|(queue, _)| queue.topic == topic)
            .map(|(queue, wrapper)| (queue, (wrapper.broker_offset, wrapper.consumer_offset)))
            .collect();
        if !consumed.is_empty() {
            return Ok(consumed);
        }
        let header = GetTopicStatsInfoRequestHeader {
            topic: topic.to_owned(),
        };
        let request = RemotingCommand::request(RequestCode::GET_TOPIC_STATS_INFO).with_header(&header);
        let response = self.call(addr, request, self.timeout()).await?;
        let status = TopicStatsTable::decode(&response.body)?.offset_table;
        let read_queues = queue_data.map_or(0, |queue| queue.read_queue_nums);
        Ok((0..read_queues)
            .filter_map(|queue_id| {
                let queue = MessageQueue::new(topic, broker_name, queue_id);
                let offsets = status.get(&queue)?;
                Some((queue, (offsets.max_offset, offsets.min_offset)))
            })
            .collect())
    }

    async fn max_offset_at(&self, addr: &str, queue: &MessageQueue) -> Result<i64> {
        let request = offsets::max_offset_request(queue);
        let response = self.call(addr, request, self.timeout()).await?;
        Ok(response.decode_header::<GetMaxOffsetResponseHeader>()?.offset)
    }

    async fn search_offset_at(&self, addr: &str, queue: &MessageQueue, timestamp: i64) -> Result<i64> {
        let request = offsets::search_offset_request(queue, timestamp);
        let response = self.call(addr, request, self.timeout()).await?;
        Ok(response.decode_header::<SearchOffsetResponseHeader>()?.offset)
    }

    /// The address serving `queue`'s broker (master first), from the topic's route.
    async fn queue_broker_addr(&self, queue: &MessageQueue) -> Result<String> {
        let route = self.topic_route(&queue.topic).await?;
        route
            .broker_datas
            .iter()
            .find(|broker| broker.broker_name == queue.broker_name)
            .and_then(select_broker_addr)
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::RouteNotFound,
                    format!("The broker[{}] not exist", queue.broker_name),
                )
            })
    }
}
