//! GET_CONSUMER_RUNNING_INFO of a lite pull consumer (Java's `DefaultLitePullConsumerImpl#consumerRunningInfo` +
//! `MQClientInstance#consumerRunningInfo`): its settings as properties under Java's field names, the `PROP_*` keys
//! `mqadmin consumerStatus` reads (consume type CONSUME_ACTIVELY), its subscriptions and every assigned queue with
//! its committed offset.

use fulmen_protocol::body::ConsumerRunningInfo;

use super::Inner;
use crate::consumer::running_properties::{CommonSettings, running_properties};

impl Inner {
    /// The running info of this consumer.
    pub(super) async fn running_info(&self) -> ConsumerRunningInfo {
        let config = &self.config;
        let millis = |duration: std::time::Duration| duration.as_millis().to_string();
        let properties = [
            ("autoCommit", config.auto_commit.to_string()),
            ("autoCommitIntervalMillis", millis(config.auto_commit_interval)),
            ("pullThreadNums", config.pull_thread_nums.to_string()),
            ("pullThresholdForAll", config.pull_threshold_for_all.to_string()),
            ("consumeMaxSpan", config.consume_max_span.to_string()),
            ("pollTimeoutMillis", millis(config.poll_timeout)),
            (
                "consumerTimeoutMillisWhenSuspend",
                millis(config.consumer_timeout_when_suspend),
            ),
            (
                "topicMetadataCheckIntervalMillis",
                millis(config.topic_metadata_check_interval),
            ),
        ];
        let common = CommonSettings {
            client: &config.client,
            group: &config.group,
            message_model: &config.message_model,
            consume_from_where: &config.consume_from_where,
            consume_timestamp: &config.consume_timestamp,
            strategy: config.allocate_strategy,
            pull_batch_size: config.pull_batch_size,
            pull_threshold_for_queue: config.pull_threshold_for_queue,
            pull_threshold_size_for_queue: config.pull_threshold_size_for_queue,
            consume_type: "CONSUME_ACTIVELY",
            start_timestamp: self.start_timestamp,
        };
        let mut subscriptions = self.rebalance.subscriptions();
        subscriptions.sort_by(|a, b| a.topic.cmp(&b.topic));
        let mut info = ConsumerRunningInfo {
            properties: running_properties(&common, properties),
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
