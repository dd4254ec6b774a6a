//! GET_CONSUMER_RUNNING_INFO (Java's `DefaultMQPushConsumerImpl#consumerRunningInfo` +
//! `MQClientInstance#consumerRunningInfo`): the consumer's settings as properties (with the `PROP_*` keys
//! `mqadmin consumerStatus` reads), its subscriptions and the state of every owned queue. Consume rates are not
//! measured: every `statusTable` entry is zero.

use fulmen_protocol::body::{
    ConsumeStatus, ConsumerRunningInfo, PROP_CONSUME_ORDERLY, PROP_THREADPOOL_CORE_SIZE,
};

use super::PushInner;
use crate::consumer::offset_store::ReadOffsetType;
use crate::consumer::running_properties::{CommonSettings, running_properties};

impl PushInner {
    /// The running info of this consumer.
    pub(super) async fn running_info(&self) -> ConsumerRunningInfo {
        let mut info = ConsumerRunningInfo::default();
        let config = &self.config;
        let properties = [
            ("consumeThreadMin", config.consume_thread_min.to_string()),
            ("consumeThreadMax", config.consume_thread_max.to_string()),
            (
                "consumeConcurrentlyMaxSpan",
                config.consume_concurrently_max_span.to_string(),
            ),
            (
                "pullThresholdForTopic",
                config.pull_threshold_for_topic.to_string(),
            ),
            (
                "pullThresholdSizeForTopic",
                config.pull_threshold_size_for_topic.to_string(),
            ),
            ("pullInterval", config.pull_interval.as_millis().to_string()),
            (
                "consumeMessageBatchMaxSize",
                config.consume_message_batch_max_size.to_string(),
            ),
            ("maxReconsumeTimes", config.max_reconsume_times.to_string()),
            (
                "suspendCurrentQueueTimeMillis",
                config.suspend_current_queue_time.as_millis().to_string(),
            ),
            (
                "consumeTimeout",
                (config.consume_timeout.as_secs() / 60).to_string(),
            ),
            (PROP_CONSUME_ORDERLY, self.orderly.to_string()),
            (PROP_THREADPOOL_CORE_SIZE, config.consume_thread_min.to_string()),
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
            consume_type: "CONSUME_PASSIVELY",
            start_timestamp: self.start_timestamp,
        };
        info.properties = running_properties(&common, properties);
        let mut subscriptions = self.core.subscriptions();
        subscriptions.sort_by(|a, b| a.topic.cmp(&b.topic));
        for subscription in &subscriptions {
            info.status_table
                .insert(subscription.topic.clone(), ConsumeStatus::default());
        }
        info.subscription_set = subscriptions;
        for (queue, pq) in self.core.process_queues() {
            let commit_offset = self
                .offset_store()
                .read_offset(&queue, ReadOffsetType::ReadFromMemory)
                .await;
            info.mq_table.insert(queue, pq.info(commit_offset));
        }
        info
    }
}
