//! [`PullConsumer`]: the pull primitive. It lists a topic's readable queues, pulls from a queue at an offset,
//! and reads and stores the group's offsets on the broker. The lite pull consumer's subscribe / assign / poll
//! loop will live here too, on top of these calls.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use fulmen_protocol::body::{
    ConsumeFromWhere, ConsumeType, ConsumerData, MessageModel, MessageQueue, SubscriptionData,
};

use super::offsets;
use super::pull_api::{Hold, pull_request, pull_result};
use super::pull_result::PullResult;
use crate::config::PullConsumerConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::instance::{ClientInstance, identity};

/// How long a held pull may take before it counts as failed (Java's `consumerTimeoutMillisWhenSuspend`, 30 s,
/// above the broker's 20 s hold).
const TIMEOUT_WHEN_SUSPENDED: Duration = Duration::from_secs(30);

/// A pull consumer. Cheap to clone; clones share connections and tasks. Dropping the last clone stops the
/// background tasks; [`PullConsumer::shutdown`] also unregisters the group from the brokers.
#[derive(Clone)]
pub struct PullConsumer {
    inner: Arc<Inner>,
}

struct Inner {
    config: PullConsumerConfig,
    instance: ClientInstance,
}

impl PullConsumer {
    /// Checks `config` and starts a consumer on the current tokio runtime.
    pub async fn start(config: PullConsumerConfig) -> Result<PullConsumer> {
        config.validate()?;
        let instance = ClientInstance::start(config.client.clone().with_pid_instance_name())?;
        instance.register_consumer(ConsumerData {
            group_name: config.group.clone(),
            consume_type: ConsumeType::ConsumeActively,
            message_model: MessageModel::Clustering,
            consume_from_where: ConsumeFromWhere::ConsumeFromLastOffset,
            subscription_data_set: Vec::new(),
            unit_mode: false,
        });
        Ok(PullConsumer {
            inner: Arc::new(Inner { config, instance }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &PullConsumerConfig {
        &self.inner.config
    }

    /// The readable queues of `topic` (`fetchSubscribeMessageQueues`), sorted.
    pub async fn fetch_message_queues(&self, topic: &str) -> Result<Vec<MessageQueue>> {
        fetch_subscribe_queues(&self.inner.instance, topic).await
    }

    /// Pulls at most `max_nums` messages of `queue` from `offset` whose tags match `expression` (`*`, `TagA`,
    /// `TagA || TagB`), waiting at most `timeout` for the broker. The broker does not hold the request.
    pub async fn pull(
        &self,
        queue: &MessageQueue,
        expression: &str,
        offset: i64,
        max_nums: i32,
        timeout: Duration,
    ) -> Result<PullResult> {
        self.pull_with(queue, expression, offset, max_nums, Hold::No, timeout)
            .await
    }

    /// Like [`pull`](Self::pull), but when nothing is there yet the broker holds the request until a message
    /// arrives or 20 s pass (long polling, Java's `pullBlockIfNotFound`); the wait for the answer is 30 s
    /// (`consumerTimeoutMillisWhenSuspend`).
    pub async fn pull_block_if_not_found(
        &self,
        queue: &MessageQueue,
        expression: &str,
        offset: i64,
        max_nums: i32,
    ) -> Result<PullResult> {
        self.pull_with(
            queue,
            expression,
            offset,
            max_nums,
            Hold::UntilArrival,
            TIMEOUT_WHEN_SUSPENDED,
        )
        .await
    }

    async fn pull_with(
        &self,
        queue: &MessageQueue,
        expression: &str,
        offset: i64,
        max_nums: i32,
        hold: Hold,
        timeout: Duration,
    ) -> Result<PullResult> {
        if offset < 0 {
            return Err(Error::invalid_argument(format!("offset {offset} is negative")));
        }
        if max_nums <= 0 {
            return Err(Error::invalid_argument(format!(
                "max_nums {max_nums} must be positive"
            )));
        }
        let subscription =
            SubscriptionData::from_tag_expression(&queue.topic, expression, identity::unix_millis());
        let addr = self.broker_addr(queue).await?;
        let request = pull_request(
            &self.inner.config.group,
            queue,
            &subscription,
            offset,
            max_nums,
            hold,
        );
        let response = self.inner.instance.invoke_broker(&addr, request, timeout).await?;
        pull_result(
            &response,
            queue,
            &subscription,
            self.inner.config.max_message_size,
        )
    }

    /// The group's offset stored on the broker for `queue`, or `None` if the broker has none. A broker answers 0
    /// rather than none for a group without an offset while the queue still holds its first message (Apache's
    /// `ConsumerManageProcessor#queryConsumerOffset`, and Fulmen's after it).
    pub async fn query_offset(&self, queue: &MessageQueue) -> Result<Option<i64>> {
        let addr = self.broker_addr(queue).await?;
        let request = offsets::query_request(&self.inner.config.group, queue);
        let response = self.invoke(&addr, request).await?;
        offsets::query_result(&response, queue)
    }

    /// Stores `offset` (the next offset to consume) as the group's offset for `queue` on the broker.
    pub async fn update_offset(&self, queue: &MessageQueue, offset: i64) -> Result<()> {
        let addr = self.broker_addr(queue).await?;
        let request = offsets::update_request(&self.inner.config.group, queue, offset);
        let response = self.invoke(&addr, request).await?;
        offsets::update_result(&response, queue)
    }

    /// Stops the tasks, unregisters the group from the brokers and closes the connections. Idempotent.
    pub async fn shutdown(&self) {
        self.inner.instance.shutdown().await;
    }

    async fn invoke(
        &self,
        addr: &str,
        request: fulmen_protocol::RemotingCommand,
    ) -> Result<fulmen_protocol::RemotingCommand> {
        let timeout = self.inner.instance.config().rpc_timeout;
        self.inner.instance.invoke_broker(addr, request, timeout).await
    }

    /// The master address of the queue's broker, looking the topic's route up when the broker is unknown.
    async fn broker_addr(&self, queue: &MessageQueue) -> Result<String> {
        super::broker_call::master_addr_of(&self.inner.instance, queue).await
    }
}

/// The readable queues of `topic` from a fresh route (Java's `MQAdminImpl#fetchSubscribeMessageQueues`), sorted;
/// an error when there are none.
pub(crate) async fn fetch_subscribe_queues(
    instance: &ClientInstance,
    topic: &str,
) -> Result<Vec<MessageQueue>> {
    crate::validation::check_topic(topic)?;
    let route = instance.update_route(topic).await?;
    let mut queues = super::broker_call::readable_queues(&route, topic);
    if queues.is_empty() {
        return Err(Error::new(
            ErrorKind::RouteNotFound,
            format!("Can not find Message Queue for this topic, {topic}"),
        ));
    }
    queues.sort();
    Ok(queues)
}

impl fmt::Debug for PullConsumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PullConsumer")
            .field("group", &self.inner.config.group)
            .field("instance", &self.inner.instance)
            .finish()
    }
}
