//! Where a newly assigned queue starts (Java's `RebalancePushImpl#computePullFromWhereWithException`): the stored
//! offset if there is one, else by `ConsumeFromWhere` — the queue's end, its start, or the first message at or
//! after the consumer's timestamp; retry topics start at 0 (or their end for the timestamp mode).

use std::time::Duration;

use chrono::{Local, NaiveDateTime, TimeZone};
use fulmen_protocol::body::{ConsumeFromWhere, MessageQueue};
use fulmen_protocol::header::{GetMaxOffsetResponseHeader, SearchOffsetResponseHeader};
use fulmen_protocol::{RemotingCommand, ResponseCode};

use super::RebalanceCore;
use crate::consumer::broker_call::{expect_success, master_addr_of};
use crate::consumer::offset_store::ReadOffsetType;
use crate::consumer::offsets;
use crate::error::{Error, ErrorKind, Result};

/// The prefix of retry topics (`MixAll.RETRY_GROUP_TOPIC_PREFIX`).
pub(crate) const RETRY_TOPIC_PREFIX: &str = "%RETRY%";

/// The retry topic of `group`.
pub(crate) fn retry_topic(group: &str) -> String {
    format!("{RETRY_TOPIC_PREFIX}{group}")
}

/// The instant a `yyyyMMddHHmmss` text names in the local time zone, in ms since the epoch.
pub(crate) fn parse_consume_timestamp(text: &str) -> Result<i64> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y%m%d%H%M%S")
        .map_err(|e| Error::invalid_argument(format!("consumeTimestamp {text}: {e}")))?;
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|time| time.timestamp_millis())
        .ok_or_else(|| Error::invalid_argument(format!("consumeTimestamp {text} does not exist locally")))
}

/// `now − 30 min` as `yyyyMMddHHmmss` in the local time zone (Java's default `consumeTimestamp`).
pub(crate) fn default_consume_timestamp() -> String {
    (Local::now() - chrono::Duration::minutes(30))
        .format("%Y%m%d%H%M%S")
        .to_string()
}

impl RebalanceCore {
    /// The offset to start pulling `queue` from.
    pub(crate) async fn compute_pull_from_where(&self, queue: &MessageQueue) -> Result<i64> {
        let stored = self
            .offset_store
            .read_offset(queue, ReadOffsetType::ReadFromStore)
            .await;
        if stored >= 0 {
            return Ok(stored);
        }
        if stored != -1 {
            return Err(Error::new(
                ErrorKind::Broker,
                "Failed to query consume offset from offset store",
            )
            .with_response_code(ResponseCode::QUERY_NOT_FOUND.0));
        }
        let is_retry = queue.topic.starts_with(RETRY_TOPIC_PREFIX);
        let offset = match self.config.consume_from_where {
            ConsumeFromWhere::ConsumeFromFirstOffset => 0,
            ConsumeFromWhere::ConsumeFromTimestamp => {
                if is_retry {
                    self.max_offset(queue).await?
                } else {
                    let timestamp = parse_consume_timestamp(&self.config.consume_timestamp)?;
                    self.search_offset(queue, timestamp).await?
                }
            }
            _ if is_retry => 0,
            _ => self.max_offset(queue).await?,
        };
        if offset < 0 {
            return Err(Error::new(ErrorKind::Internal, "Found unexpected result")
                .with_response_code(ResponseCode::SYSTEM_ERROR.0));
        }
        Ok(offset)
    }

    /// GET_MAX_OFFSET of `queue`.
    pub(crate) async fn max_offset(&self, queue: &MessageQueue) -> Result<i64> {
        let request = offsets::max_offset_request(queue);
        let response = self.offset_call(queue, request).await?;
        Ok(response.decode_header::<GetMaxOffsetResponseHeader>()?.offset)
    }

    /// SEARCH_OFFSET_BY_TIMESTAMP of `queue`.
    pub(crate) async fn search_offset(&self, queue: &MessageQueue, timestamp: i64) -> Result<i64> {
        let request = offsets::search_offset_request(queue, timestamp);
        let response = self.offset_call(queue, request).await?;
        Ok(response.decode_header::<SearchOffsetResponseHeader>()?.offset)
    }

    pub(crate) async fn offset_call(
        &self,
        queue: &MessageQueue,
        request: RemotingCommand,
    ) -> Result<RemotingCommand> {
        let addr = master_addr_of(&self.instance, queue).await?;
        let timeout: Duration = self.instance.config().rpc_timeout;
        let response = self.instance.invoke_broker(&addr, request, timeout).await?;
        expect_success(response, &queue.broker_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_in_local_time() {
        let text = default_consume_timestamp();
        assert_eq!(text.len(), 14);
        let millis = parse_consume_timestamp(&text).unwrap();
        let back = Local
            .timestamp_millis_opt(millis)
            .unwrap()
            .format("%Y%m%d%H%M%S")
            .to_string();
        assert_eq!(back, text);
        assert!(parse_consume_timestamp("2024-01-01").is_err());
        assert_eq!(retry_topic("G"), "%RETRY%G");
    }
}
