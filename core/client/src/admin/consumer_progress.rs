//! Consumer progress: a group's offsets per queue (`GET_CONSUME_STATS` to every broker of the route), as
//! `DefaultMQAdminExtImpl.examineConsumeStats` gathers them for mqadmin's `consumerProgress -g`.

use fulmen_protocol::body::{ConsumeStats, ConsumerConnection, JsonBody};
use fulmen_protocol::header::{GetConsumeStatsRequestHeader, GetConsumerConnectionListRequestHeader};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

use super::{Admin, select_broker_addr, serving_brokers};
use crate::error::{Error, Result};

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
        for (_, addr) in serving_brokers(&route) {
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

    /// The online consumers of `group` (`GET_CONSUMER_CONNECTION_LIST` to a broker of the group's retry topic, as
    /// `examineConsumerConnectionInfo`): their client ids, addresses, languages and versions, subscriptions,
    /// consume type and message model. `None` when no consumer of the group is online.
    pub async fn consumer_connection(&self, group: &str) -> Result<Option<ConsumerConnection>> {
        Ok(match self.connection_answer(group).await? {
            ConnectionAnswer::Online(connection) => Some(connection),
            ConnectionAnswer::NotOnline(_) | ConnectionAnswer::NoConnection => None,
        })
    }

    /// What a broker of `group`'s retry topic says about the group's connections.
    pub(super) async fn connection_answer(&self, group: &str) -> Result<ConnectionAnswer> {
        let route = self.topic_route(&retry_topic(group)).await?;
        let Some(addr) = route.broker_datas.iter().find_map(select_broker_addr) else {
            return Ok(ConnectionAnswer::NoConnection);
        };
        let header = GetConsumerConnectionListRequestHeader {
            consumer_group: group.to_owned(),
        };
        let request =
            RemotingCommand::request(RequestCode::GET_CONSUMER_CONNECTION_LIST).with_header(&header);
        let response = self
            .instance()
            .invoke_broker(addr, request, self.timeout())
            .await?;
        match response.response_code() {
            ResponseCode::SUCCESS => {
                let connection = ConsumerConnection::decode(&response.body)?;
                Ok(if connection.connection_set.is_empty() {
                    ConnectionAnswer::NoConnection
                } else {
                    ConnectionAnswer::Online(connection)
                })
            }
            ResponseCode::CONSUMER_NOT_ONLINE => {
                Ok(ConnectionAnswer::NotOnline(response.remark.unwrap_or_default()))
            }
            code => Err(Error::from_response(code, response.remark.as_deref(), Some(addr))),
        }
    }
}

/// A broker's answer to GET_CONSUMER_CONNECTION_LIST.
pub(super) enum ConnectionAnswer {
    /// The group's online consumers.
    Online(ConsumerConnection),
    /// `CONSUMER_NOT_ONLINE`, with the broker's remark.
    NotOnline(String),
    /// No broker to ask, or an empty connection set.
    NoConnection,
}
