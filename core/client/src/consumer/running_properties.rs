//! The properties every consumer's GET_CONSUMER_RUNNING_INFO carries (Java's `MixAll.object2Properties` of the
//! consumer's common fields plus what `MQClientInstance#consumerRunningInfo` adds: name servers, consume type,
//! start time and client version, under the `PROP_*` keys `mqadmin consumerStatus` reads).

use fulmen_protocol::body::{
    ConsumeFromWhere, MessageModel, PROP_CLIENT_VERSION, PROP_CONSUME_TYPE, PROP_CONSUMER_START_TIMESTAMP,
    PROP_NAMESERVER_ADDR,
};

use super::allocate::AllocateStrategy;
use crate::config::ClientConfig;

/// `MQVersion.getVersionDesc` of the version Fulmen speaks.
const CLIENT_VERSION_DESC: &str = "V5_3_3";

/// The settings every consumer reports.
pub(crate) struct CommonSettings<'a> {
    pub(crate) client: &'a ClientConfig,
    pub(crate) group: &'a str,
    pub(crate) message_model: &'a MessageModel,
    pub(crate) consume_from_where: &'a ConsumeFromWhere,
    pub(crate) consume_timestamp: &'a str,
    pub(crate) strategy: AllocateStrategy,
    pub(crate) pull_batch_size: i32,
    pub(crate) pull_threshold_for_queue: usize,
    pub(crate) pull_threshold_size_for_queue: u64,
    /// `CONSUME_PASSIVELY` (push) or `CONSUME_ACTIVELY` (pull).
    pub(crate) consume_type: &'static str,
    /// When the consumer started, ms since the epoch.
    pub(crate) start_timestamp: i64,
}

/// The common properties followed by the consumer's `own` ones.
pub(crate) fn running_properties(
    common: &CommonSettings<'_>,
    own: impl IntoIterator<Item = (&'static str, String)>,
) -> indexmap::IndexMap<String, String> {
    let head = [
        ("consumerGroup", common.group.to_owned()),
        ("messageModel", common.message_model.as_str().to_owned()),
        ("consumeFromWhere", common.consume_from_where.as_str().to_owned()),
        ("consumeTimestamp", common.consume_timestamp.to_owned()),
        ("allocateMessageQueueStrategy", common.strategy.name().to_owned()),
        ("pullBatchSize", common.pull_batch_size.to_string()),
        (
            "pullThresholdForQueue",
            common.pull_threshold_for_queue.to_string(),
        ),
        (
            "pullThresholdSizeForQueue",
            common.pull_threshold_size_for_queue.to_string(),
        ),
        ("namesrvAddr", common.client.namesrv_addr.clone()),
    ];
    let tail = [
        (PROP_CONSUME_TYPE, common.consume_type.to_owned()),
        (PROP_CONSUMER_START_TIMESTAMP, common.start_timestamp.to_string()),
        (PROP_NAMESERVER_ADDR, common.client.namesrv_addrs().join(";")),
        (PROP_CLIENT_VERSION, CLIENT_VERSION_DESC.to_owned()),
    ];
    head.into_iter()
        .chain(own)
        .chain(tail)
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}
