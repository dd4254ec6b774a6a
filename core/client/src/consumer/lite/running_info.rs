//! GET_CONSUMER_RUNNING_INFO of a lite pull consumer (Java's `DefaultLitePullConsumerImpl#consumerRunningInfo` +
//! `MQClientInstance#consumerRunningInfo`): its settings as properties under Java's field names, the `PROP_*` keys
//! `mqadmin consumerStatus` reads (consume type CONSUME_ACTIVELY), its subscriptions and every assigned queue with
//! its committed offset.

use fulmen_protocol::body::{
    ConsumerRunningInfo, PROP_CLIENT_VERSION, PROP_CONSUME_TYPE, PROP_CONSUMER_START_TIMESTAMP,
    PROP_NAMESERVER_ADDR,
};

use super::Inner;
use crate::consumer::CLIENT_VERSION_DESC;

impl Inner {
    /// The running info of this consumer.
    pub(super) async fn running_info(&self) -> ConsumerRunningInfo {
        let config = &self.config;
        let millis = |duration: std::time::Duration| duration.as_millis().to_string();
        let properties = [
            ("consumerGroup", config.group.clone()),
            ("messageModel", config.message_model.as_str().to_owned()),
            ("consumeFromWhere", config.consume_from_where.as_str().to_owned()),
            ("consumeTimestamp", config.consume_timestamp.clone()),
            (
                "allocateMessageQueueStrategy",
                config.allocate_strategy.name().to_owned(),
            ),
            ("autoCommit", config.auto_commit.to_string()),
            ("autoCommitIntervalMillis", millis(config.auto_commit_interval)),
            ("pullThreadNums", config.pull_thread_nums.to_string()),
            ("pullBatchSize", config.pull_batch_size.to_string()),
            ("pullThresholdForAll", config.pull_threshold_for_all.to_string()),
            ("consumeMaxSpan", config.consume_max_span.to_string()),
            (
                "pullThresholdForQueue",
                config.pull_threshold_for_queue.to_string(),
            ),
            (
                "pullThresholdSizeForQueue",
                config.pull_threshold_size_for_queue.to_string(),
            ),
            ("pollTimeoutMillis", millis(config.poll_timeout)),
            (
                "consumerTimeoutMillisWhenSuspend",
                millis(config.consumer_timeout_when_suspend),
            ),
            (
                "topicMetadataCheckIntervalMillis",
                millis(config.topic_metadata_check_interval),
            ),
            ("namesrvAddr", config.client.namesrv_addr.clone()),
            (PROP_CONSUME_TYPE, "CONSUME_ACTIVELY".to_owned()),
            (PROP_CONSUMER_START_TIMESTAMP, self.start_timestamp.to_string()),
            (PROP_NAMESERVER_ADDR, config.client.namesrv_addrs().join(";")),
            (PROP_CLIENT_VERSION, CLIENT_VERSION_DESC.to_owned()),
        ];
        let mut subscriptions = self.rebalance.subscriptions();
        subscriptions.sort_by(|a, b| a.topic.cmp(&b.topic));
        let mut info = ConsumerRunningInfo {
            properties: properties.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            subscription_set: subscriptions,
            ..ConsumerRunningInfo::default()
        };
        for queue in self.assigned.queues() {
            if let Some(pq) = self.assigned.process_queue(&queue) {
                let commit_offset = self.committed_offset(&queue).await;
                info.mq_table.insert(queue, pq.info(commit_offset));
            }
        }
        info
    }
}
