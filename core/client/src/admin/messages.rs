//! Message lookup: by id (an offset message id → `VIEW_MESSAGE_BY_ID` at the store host it encodes; a client
//! message id → `QUERY_MESSAGE` by unique key) and by business key (`QUERY_MESSAGE` to every broker of the
//! topic). Mirrors `DefaultMQAdminExtImpl.viewMessage` and `MQAdminImpl.queryMessage`.

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use fulmen_protocol::header::{QueryMessageRequestHeader, ViewMessageRequestHeader};
use fulmen_protocol::message::{MessageExt, decode_all};
use fulmen_protocol::msgid::OffsetMessageId;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

use super::{Admin, serving_brokers};
use crate::config::DEFAULT_MAX_MESSAGE_SIZE;
use crate::error::Result;
use crate::message_view::MessageView;

/// How many messages a unique-key lookup asks each broker for (`MQAdminImpl.queryMessageByUniqKey`).
const UNIQ_KEY_MAX_NUM: i32 = 32;
/// How far back a unique-key lookup searches (three days, `MQAdminImpl.queryMessageByUniqKey`).
const UNIQ_KEY_LOOKBACK_MILLIS: i64 = 3 * 24 * 60 * 60 * 1000;

/// A message as the broker stored it, with the storage details mqadmin's `queryMsgById` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// The message (body decompressed). Its `queue.broker_name` is empty when it was read by offset id, since
    /// the store host, not the broker name, is known then.
    pub message: MessageView,
    /// The stored system flag (`MessageSysFlag` bits).
    pub sys_flag: i32,
    /// The size of the stored unit in bytes.
    pub store_size: i32,
    /// The stored body CRC.
    pub body_crc: i32,
}

impl StoredMessage {
    fn decode(message: MessageExt, broker_name: &str) -> Result<StoredMessage> {
        let mut message = message;
        let (sys_flag, store_size, body_crc) = (message.sys_flag, message.store_size, message.body_crc);
        message.decompress_body(DEFAULT_MAX_MESSAGE_SIZE)?;
        Ok(StoredMessage {
            message: MessageView::from_ext(message, broker_name),
            sys_flag,
            store_size,
            body_crc,
        })
    }
}

impl Admin {
    /// The message of `topic` with `msg_id`, or `None` when no broker has it. An id that decodes as an offset
    /// message id whose store host is a registered broker is read there with `VIEW_MESSAGE_BY_ID`; otherwise (or
    /// when that fails) it is looked up as a client message id (`UNIQ_KEY`) on every broker of the topic, over the
    /// last three days. Java first tries every id that decodes, including client ids whose "store host" is the
    /// producer's address; Fulmen skips that attempt, which can only fail.
    pub async fn query_message_by_id(&self, topic: &str, msg_id: &str) -> Result<Option<StoredMessage>> {
        if let Ok(offset_id) = OffsetMessageId::parse(msg_id) {
            let store_host = offset_id.store_host.to_string();
            if self.is_registered_broker(&store_host).await? {
                match self
                    .view_message(&store_host, topic, offset_id.commit_log_offset)
                    .await
                {
                    Ok(message) => return Ok(Some(message)),
                    Err(error) => {
                        tracing::debug!(msg_id, %error, "view by offset id failed, trying the unique key");
                    }
                }
            }
        }
        let now = now_millis();
        let found = self
            .query_messages(
                topic,
                msg_id,
                UNIQ_KEY_MAX_NUM,
                now - UNIQ_KEY_LOOKBACK_MILLIS,
                i64::MAX,
                true,
            )
            .await?;
        Ok(found.into_iter().next())
    }

    /// The stored message at `commit_log_offset` in the commit log of the broker at `broker_addr`
    /// (`VIEW_MESSAGE_BY_ID`).
    pub async fn view_message(
        &self,
        broker_addr: &str,
        topic: &str,
        commit_log_offset: i64,
    ) -> Result<StoredMessage> {
        let header = ViewMessageRequestHeader {
            topic: Some(topic.to_owned()),
            offset: commit_log_offset,
        };
        let request = RemotingCommand::request(RequestCode::VIEW_MESSAGE_BY_ID).with_header(&header);
        let response = self.call(broker_addr, request, self.timeout()).await?;
        let message = decode_all(&response.body)?.into_iter().next().ok_or_else(|| {
            crate::error::Error::from_response(
                ResponseCode::SYSTEM_ERROR,
                Some("the broker answered without a message"),
                Some(broker_addr),
            )
        })?;
        StoredMessage::decode(message, "")
    }

    /// The messages of `topic` whose keys include `key`, stored between `begin` and `end` (ms since the epoch),
    /// asking every broker of the topic for at most `max_num` each (mqadmin `queryMsgByKey` defaults: 64, 0,
    /// `i64::MAX`). Brokers that fail or do not answer are skipped, as Java.
    pub async fn query_messages_by_key(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
    ) -> Result<Vec<StoredMessage>> {
        self.query_messages(topic, key, max_num, begin, end, false).await
    }

    /// `QUERY_MESSAGE` to every broker of `topic`, keeping exact matches: by `UNIQ_KEY` when `unique_key`, else
    /// by one of the space-separated keys together with the topic.
    async fn query_messages(
        &self,
        topic: &str,
        key: &str,
        max_num: i32,
        begin: i64,
        end: i64,
        unique_key: bool,
    ) -> Result<Vec<StoredMessage>> {
        let route = self.topic_route(topic).await?;
        let mut found = Vec::new();
        for (broker, addr) in serving_brokers(&route) {
            let header = QueryMessageRequestHeader {
                topic: topic.to_owned(),
                key: key.to_owned(),
                max_num,
                begin_timestamp: begin,
                end_timestamp: end,
                unique_key_query: Some(unique_key),
            };
            let request = RemotingCommand::request(RequestCode::QUERY_MESSAGE).with_header(&header);
            let messages = match self.call(addr, request, self.timeout() * 3).await {
                Ok(response) => decode_all(&response.body)?,
                Err(error) => {
                    tracing::debug!(broker = addr, %error, "QUERY_MESSAGE failed on this broker");
                    continue;
                }
            };
            for message in messages {
                let matched = if unique_key {
                    message.uniq_key() == Some(key)
                } else {
                    message.topic == topic && message.keys().any(|known| known == key)
                };
                if matched {
                    found.push(StoredMessage::decode(message, &broker.broker_name)?);
                }
            }
        }
        Ok(found)
    }

    /// Whether `addr` is the address of a broker registered on the name server.
    async fn is_registered_broker(&self, addr: &str) -> Result<bool> {
        let info = self.cluster_info().await?;
        let known: HashSet<&str> = info
            .broker_addr_table
            .values()
            .flat_map(|broker| broker.broker_addrs.values().map(String::as_str))
            .collect();
        Ok(known.contains(addr))
    }
}

/// Now, in milliseconds since the Unix epoch.
pub(super) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}
