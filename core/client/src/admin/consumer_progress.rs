//! Consumer progress: a group's offsets per queue (`GET_CONSUME_STATS` to every broker of the route), as
//! `DefaultMQAdminExtImpl.examineConsumeStats` gathers them for mqadmin's `consumerProgress -g`.

use fulmen_protocol::body::{ConsumeStats, JsonBody};
use fulmen_protocol::header::GetConsumeStatsRequestHeader;
use fulmen_protocol::{RemotingCommand, RequestCode};

use super::{Admin, select_broker_addr};
use crate::error::Result;

/// The retry topic of a consumer group (`MixAll.getRetryTopic`).
pub(crate) fn retry_topic(group: &str) -> String {
    format!("%RETRY%{group}")
}

impl Admin {
    /// The offsets of `group` on every queue it consumes (only `topic`'s queues when given): broker offset,
    /// consumer offset, pull offset and last consume time per queue, with the summed consume TPS. Found via the
    /// route of the group's retry topic, else of `topic`, as Java; each broker gets three times the timeout.
    /// Queues are sorted like Java's `MessageQueue.compareTo`. [`ConsumeStats::total_diff`] is the lag.
    pub async fn consume_stats(&self, group: &str, topic: Option<&str>) -> Result<ConsumeStats> {
        let route = match self.topic_route(&retry_topic(group)).await {
            Ok(route) => route,
            Err(error) => match topic {
                Some(topic) => self.topic_route(topic).await?,
                None => return Err(error),
            },
        };
        let mut merged = ConsumeStats::default();
        for broker in &route.broker_datas {
            let Some(addr) = select_broker_addr(broker) else {
                continue;
            };
            let header = GetConsumeStatsRequestHeader {
                consumer_group: group.to_owned(),
                topic: topic.map(str::to_owned),
                topic_list: None,
            };
            let request = RemotingCommand::request(RequestCode::GET_CONSUME_STATS).with_header(&header);
            let response = self.call(addr, request, self.timeout() * 3).await?;
            let stats = ConsumeStats::decode(&response.body)?;
            merged.offset_table.extend(stats.offset_table);
            merged.consume_tps += stats.consume_tps;
        }
        merged.offset_table.sort_keys();
        Ok(merged)
    }
}
