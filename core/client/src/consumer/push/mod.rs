//! [`PushConsumer`] (Java's `DefaultMQPushConsumer` + `DefaultMQPushConsumerImpl`): subscribes topics, owns a
//! share of their queues through the rebalance, pulls each owned queue on its own task (long polling, flow control
//! by cached count / bytes / span) and hands the messages to a [`MessageListener`], concurrently
//! ([`concurrently`]) or one queue at a time in order ([`orderly`]). Failed messages go back to the broker
//! (CONSUMER_SEND_MSG_BACK, `%RETRY%<group>` as fallback), offsets are committed with pulls, every 5 s and at
//! shutdown.
//!
//! ```no_run
//! # async fn demo() -> fulmen_client::Result<()> {
//! use fulmen_client::{ConsumeResult, MessageView, PushConsumer, PushConsumerConfig};
//!
//! let config = PushConsumerConfig::new("127.0.0.1:9876", "CG").subscribe("TopicTest", "TagA || TagB");
//! let consumer = PushConsumer::start(config, |messages: Vec<MessageView>| async move {
//!     for message in &messages {
//!         println!("{} {:?}", message.msg_id, message.body);
//!     }
//!     ConsumeResult::Success
//! })
//! .await?;
//! // ... later
//! consumer.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Deliberate differences from Java: pulls always carry the subscription (sysFlag `SUBSCRIPTION`, Java's
//! `postSubscriptionWhenPull`), so a pull never depends on the heartbeat having reached the broker first; a
//! listener call that exceeds `consume_timeout` is abandoned and its messages sent back at once (Java keeps the
//! call running and sends the message back from a periodic check); pull tasks run on the caller's tokio runtime.

mod concurrently;
pub(crate) mod config;
mod consume_directly;
mod lifecycle;
pub(crate) mod listener;
mod orderly;
mod processors;
mod pull_loop;
mod reset_offset;
mod running_info;
mod send_back;

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

use fulmen_protocol::body::{ConsumeType, ConsumerData, MessageModel, MessageQueue, SubscriptionData};
use fulmen_protocol::msgid::MessageIdGenerator;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::offset_store::OffsetStore;
use super::process_queue::ProcessQueue;
use super::rebalance::{AddedQueue, RebalanceCore, RebalanceListener, retry_topic};
use crate::error::Result;
use crate::instance::{ClientInstance, identity};
use crate::message_view::MessageView;
pub use config::PushConsumerConfig;
pub use listener::{ConsumeFuture, ConsumeResult, MessageListener};

/// A push consumer. Cheap to clone; clones share everything. [`PushConsumer::shutdown`] stops it; dropping the
/// last clone starts the same shutdown on the runtime in the background.
#[derive(Clone)]
pub struct PushConsumer {
    inner: Arc<PushInner>,
    _last_handle: Arc<ShutdownOnDrop>,
}

/// Shuts the consumer down when the last [`PushConsumer`] clone goes (its tasks hold [`PushInner`] themselves, so
/// that `Arc` never reaches zero while they run).
struct ShutdownOnDrop(Arc<PushInner>);

impl Drop for ShutdownOnDrop {
    fn drop(&mut self) {
        let inner = self.0.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move { lifecycle::shutdown(&inner).await });
            }
            Err(_) => inner.stop.cancel(),
        }
    }
}

/// The state every task of the consumer shares.
pub(crate) struct PushInner {
    config: PushConsumerConfig,
    instance: ClientInstance,
    core: Arc<RebalanceCore>,
    listener: Arc<dyn MessageListener>,
    orderly: bool,
    /// One permit per concurrent listener call (`consumeThreadMin`).
    permits: Arc<Semaphore>,
    stop: CancellationToken,
    paused: AtomicBool,
    closed: AtomicBool,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    /// The per-queue cache limits in force (the topic limits divide into these).
    queue_limit_count: AtomicUsize,
    queue_limit_mib: AtomicU64,
    ids: MessageIdGenerator,
    start_timestamp: i64,
}

impl PushConsumer {
    /// Starts a consumer calling `listener` for batches of messages, concurrently.
    pub async fn start(config: PushConsumerConfig, listener: impl MessageListener) -> Result<PushConsumer> {
        lifecycle::start(config, Arc::new(listener), false).await
    }

    /// Starts a consumer calling `listener` for one queue at a time, in queue order (Java's
    /// `MessageListenerOrderly`); in clustering mode each queue is locked on its broker first.
    pub async fn start_orderly(
        config: PushConsumerConfig,
        listener: impl MessageListener,
    ) -> Result<PushConsumer> {
        lifecycle::start(config, Arc::new(listener), true).await
    }

    /// The configuration.
    pub fn config(&self) -> &PushConsumerConfig {
        &self.inner.config
    }

    /// This client's id as the brokers see it.
    pub fn client_id(&self) -> &str {
        self.inner.instance.client_id()
    }

    /// Subscribes `topic` with the tag `expression` (`*`, `TagA || TagB`) while running; the brokers hear about it
    /// at once (heartbeat) and the next rebalance assigns its queues.
    pub async fn subscribe(&self, topic: &str, expression: &str) -> Result<()> {
        crate::validation::check_topic(topic)?;
        self.inner.instance.ensure_open()?;
        let subscription = SubscriptionData::from_tag_expression(topic, expression, identity::unix_millis());
        self.inner.core.set_subscription(subscription);
        if let Err(error) = self.inner.instance.update_route(topic).await {
            tracing::warn!(topic, %error, "no route for the subscribed topic yet");
        }
        self.inner.announce().await;
        self.inner.core.wakeup();
        Ok(())
    }

    /// Stops consuming `topic`; its queues are given up at the next rebalance.
    pub async fn unsubscribe(&self, topic: &str) {
        self.inner.core.remove_subscription(topic);
        self.inner.announce().await;
        self.inner.core.wakeup();
    }

    /// Pauses pulling (Java's `suspend`).
    pub fn suspend(&self) {
        self.inner.paused.store(true, Ordering::Release);
    }

    /// Resumes pulling and rebalances at once (Java's `resume`).
    pub fn resume(&self) {
        self.inner.paused.store(false, Ordering::Release);
        self.inner.core.wakeup();
    }

    /// The queues this consumer owns now, sorted.
    pub fn assigned_queues(&self) -> Vec<MessageQueue> {
        self.inner.core.owned_queues()
    }

    /// The cached (pulled, not yet consumed) message count of each owned queue.
    pub fn cached_message_counts(&self) -> Vec<(MessageQueue, usize)> {
        self.inner
            .core
            .process_queues()
            .into_iter()
            .map(|(queue, pq)| (queue, pq.message_count()))
            .collect()
    }

    /// Stops pulling, waits up to `await_termination_when_shutdown` for running listener calls, persists the
    /// offsets, releases orderly locks, unregisters from the brokers and closes the connections. Idempotent.
    pub async fn shutdown(&self) {
        lifecycle::shutdown(&self.inner).await;
    }
}

impl PushInner {
    fn is_clustering(&self) -> bool {
        self.config.message_model == MessageModel::Clustering
    }

    fn offset_store(&self) -> &OffsetStore {
        &self.core.offset_store
    }

    /// The heartbeat entry of this consumer.
    fn consumer_data(&self) -> ConsumerData {
        ConsumerData {
            group_name: self.config.group.clone(),
            consume_type: ConsumeType::ConsumePassively,
            message_model: self.config.message_model.clone(),
            consume_from_where: self.config.consume_from_where.clone(),
            subscription_data_set: self.core.subscriptions(),
            unit_mode: false,
        }
    }

    /// Registers the current subscriptions and sends a heartbeat to every broker.
    async fn announce(&self) {
        self.instance.register_consumer(self.consumer_data());
        self.instance.heartbeat_all_brokers().await;
    }

    /// Shows messages of this group's retry topic with their original topic (Java's `resetRetryAndNamespace`).
    fn reset_retry_topic(&self, messages: &mut [MessageView]) {
        let retry = retry_topic(&self.config.group);
        for message in messages {
            if message.topic == retry {
                if let Some(original) = message.property(fulmen_protocol::message::keys::RETRY_TOPIC) {
                    message.topic = original.to_owned();
                }
            }
        }
    }

    /// Calls the listener on its own task, so a panic or a call longer than `consume_timeout` counts as
    /// [`ConsumeResult::ReconsumeLater`]. Stamps `CONSUME_START_TIME` as Java does.
    async fn call_listener(&self, mut messages: Vec<MessageView>) -> ConsumeResult {
        let now = identity::unix_millis().to_string();
        for message in &mut messages {
            message.properties.insert(
                fulmen_protocol::message::keys::CONSUME_START_TIMESTAMP.to_owned(),
                now.clone(),
            );
        }
        let mut call = tokio::spawn(self.listener.on_messages(messages));
        match tokio::time::timeout(self.config.consume_timeout, &mut call).await {
            Ok(Ok(result)) => result,
            Ok(Err(error)) => {
                tracing::warn!(%error, "the message listener failed");
                ConsumeResult::ReconsumeLater
            }
            Err(_) => {
                call.abort();
                tracing::warn!(timeout = ?self.config.consume_timeout, "the message listener timed out");
                ConsumeResult::ReconsumeLater
            }
        }
    }

    /// Runs `task` after `delay` on its own tokio task; it is dropped when the consumer stops.
    fn spawn_later(
        &self,
        delay: std::time::Duration,
        task: impl std::future::Future<Output = ()> + Send + 'static,
    ) {
        let stop = self.stop.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = stop.cancelled() => {}
                () = async {
                    tokio::time::sleep(delay).await;
                    task.await;
                } => {}
            }
        });
    }

    /// Hands pulled messages to the consume service.
    fn submit(
        self: &Arc<Self>,
        messages: Vec<MessageView>,
        pq: &Arc<ProcessQueue>,
        queue: &MessageQueue,
        dispatch: bool,
    ) {
        if self.orderly {
            if dispatch {
                orderly::submit(self.clone(), pq.clone(), queue.clone(), std::time::Duration::ZERO);
            }
        } else {
            concurrently::submit(self, messages, pq, queue);
        }
    }
}

/// The rebalance's reports, turned into pull tasks and topic limits.
struct PushRebalanceListener {
    inner: Weak<PushInner>,
}

impl RebalanceListener for PushRebalanceListener {
    fn queues_added(&self, added: Vec<AddedQueue>) {
        let Some(inner) = self.inner.upgrade() else {
            return;
        };
        for (queue, pq, offset) in added {
            pull_loop::spawn(inner.clone(), queue, pq, offset);
        }
    }

    fn queues_changed(&self, _topic: &str, _all: &[MessageQueue], _mine: &[MessageQueue]) {
        let Some(inner) = self.inner.upgrade() else {
            return;
        };
        inner.apply_topic_limits();
        tokio::spawn(async move { inner.announce().await });
    }
}

impl PushInner {
    /// Java's `RebalancePushImpl#messageQueueChanged`: the topic-wide cache limits split over the owned queues.
    fn apply_topic_limits(&self) {
        let queues = self.core.process_queues().len();
        if queues == 0 {
            return;
        }
        let n = i64::try_from(queues).unwrap_or(i64::MAX);
        if self.config.pull_threshold_for_topic != -1 {
            let per_queue = (self.config.pull_threshold_for_topic / n).max(1);
            self.queue_limit_count.store(
                usize::try_from(per_queue).unwrap_or(usize::MAX),
                Ordering::Relaxed,
            );
        }
        if self.config.pull_threshold_size_for_topic != -1 {
            let per_queue = (self.config.pull_threshold_size_for_topic / n).max(1);
            self.queue_limit_mib
                .store(u64::try_from(per_queue).unwrap_or(u64::MAX), Ordering::Relaxed);
        }
    }
}

impl fmt::Debug for PushConsumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushConsumer")
            .field("group", &self.inner.config.group)
            .field("orderly", &self.inner.orderly)
            .field("instance", &self.inner.instance)
            .finish()
    }
}
