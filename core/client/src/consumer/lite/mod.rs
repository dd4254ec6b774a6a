//! [`LitePullConsumer`]: Java's `DefaultLitePullConsumer` (`DefaultLitePullConsumerImpl`). Background tasks pull
//! the consumer's queues into a buffer; [`LitePullConsumer::poll`] hands out one queue's batch at a time and records
//! how far each queue was consumed; commits move that into the offset store, which the brokers (clustering) or a
//! local file (broadcasting) receive every 5 s and at shutdown.
//!
//! Queues come either from [`LitePullConsumer::subscribe`] (the group's rebalance shares the topic's queues) or from
//! [`LitePullConsumer::assign`] (exactly the given queues, no group coordination); the first call fixes the mode.
//!
//! Files: `config.rs` (settings), `assigned.rs` (per-queue state and the seek guard), `buffer.rs` (batches waiting
//! for poll), `pull_task.rs` (one task per queue), `pull.rs` (one LITE_PULL_MESSAGE), `queue_offsets.rs` (min / max /
//! search offsets), `commit.rs` (commits and persisting), `rebalance_listener.rs` (queue changes from the
//! rebalance), `processors.rs` (NOTIFY_CONSUMER_IDS_CHANGED,
//! GET_CONSUMER_RUNNING_INFO), `running_info.rs` (the running info), `topic_watch.rs` (queue change listeners).

mod assigned;
mod buffer;
mod commit;
pub(crate) mod config;
mod processors;
mod pull;
mod pull_task;
mod queue_offsets;
mod rebalance_listener;
mod running_info;
mod topic_watch;

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use fulmen_protocol::body::{
    ConsumeFromWhere, ConsumeType, ConsumerData, MessageModel, MessageQueue, SubscriptionData,
};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use self::assigned::AssignedQueues;
use self::buffer::ConsumeBuffer;
use self::config::LitePullConsumerConfig;
use crate::consumer::offset_store::OffsetStore;
use crate::consumer::pull_consumer::fetch_subscribe_queues;
use crate::consumer::rebalance::service::spawn_rebalance_service;
use crate::consumer::rebalance::{RebalanceConfig, RebalanceCore};
use crate::error::{Error, ErrorKind, Result};
use crate::instance::ClientInstance;
use crate::instance::identity::unix_millis;
use crate::message_view::MessageView;

/// Java's text when a method needs a running consumer (`NOT_RUNNING_EXCEPTION_MESSAGE`).
const NOT_RUNNING: &str = "The consumer not running, please start it first.";
/// Java's text when subscribe and assign are mixed (`SUBSCRIPTION_CONFLICT_EXCEPTION_MESSAGE`).
const MODE_CONFLICT: &str = "Subscribe and assign are mutually exclusive.";
/// How long shutdown waits for the background tasks to end.
const TASK_STOP_WAIT: Duration = Duration::from_secs(2);

/// How the consumer gets its queues (Java's `SubscriptionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Neither subscribe nor assign called yet.
    None,
    /// Queues from the rebalance of subscribed topics.
    Subscribe,
    /// Queues given by the user.
    Assign,
}

/// A lite pull consumer. Cheap to clone; clones share everything. Dropping the last clone stops the pull tasks;
/// [`LitePullConsumer::shutdown`] also persists offsets and unregisters the group.
#[derive(Clone)]
pub struct LitePullConsumer {
    handle: Arc<Handle>,
}

/// Owned by the clones; stops the background tasks when the last clone goes.
struct Handle {
    inner: Arc<Inner>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.inner.stop.cancel();
    }
}

/// What the handles and the background tasks share.
pub(super) struct Inner {
    config: LitePullConsumerConfig,
    instance: ClientInstance,
    rebalance: Arc<RebalanceCore>,
    assigned: AssignedQueues,
    buffer: ConsumeBuffer,
    pull_permits: Semaphore,
    mode: Mutex<Mode>,
    next_auto_commit: Mutex<Option<Instant>>,
    topic_watches: topic_watch::TopicWatches,
    start_timestamp: i64,
    closed: AtomicBool,
    stop: CancellationToken,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl LitePullConsumer {
    /// Checks `config` and starts the consumer on the current tokio runtime: client instance, offset store (remote
    /// for clustering, local file for broadcasting), rebalance service and the periodic offset persist.
    pub async fn start(config: LitePullConsumerConfig) -> Result<LitePullConsumer> {
        config.validate()?;
        let broadcasting = config.message_model == MessageModel::Broadcasting;
        let client = if broadcasting {
            config.client.clone()
        } else {
            config.client.clone().with_pid_instance_name()
        };
        let instance = ClientInstance::start(client)?;
        let offset_store = Arc::new(if broadcasting {
            OffsetStore::local_file(
                &config.local_offset_store_dir,
                instance.client_id(),
                &config.group,
            )
        } else {
            OffsetStore::remote(instance.clone(), &config.group)
        });
        if let Err(error) = offset_store.load() {
            instance.shutdown().await;
            return Err(error);
        }
        let inner = Arc::new_cyclic(|weak| {
            let listener = Arc::new(rebalance_listener::LiteRebalanceListener::new(weak.clone()));
            let rebalance = RebalanceCore::new(
                instance.clone(),
                rebalance_config(&config),
                offset_store,
                listener,
            );
            Inner {
                pull_permits: Semaphore::new(config.pull_thread_nums),
                config,
                instance,
                rebalance: Arc::new(rebalance),
                assigned: AssignedQueues::default(),
                buffer: ConsumeBuffer::default(),
                mode: Mutex::new(Mode::None),
                next_auto_commit: Mutex::new(None),
                topic_watches: topic_watch::TopicWatches::default(),
                start_timestamp: unix_millis(),
                closed: AtomicBool::new(false),
                stop: CancellationToken::new(),
                tasks: Mutex::new(Vec::new()),
            }
        });
        processors::register(&inner);
        inner.register_with_heartbeat();
        inner.spawn_background_tasks();
        Ok(LitePullConsumer {
            handle: Arc::new(Handle { inner }),
        })
    }

    fn inner(&self) -> &Arc<Inner> {
        &self.handle.inner
    }

    /// The configuration.
    pub fn config(&self) -> &LitePullConsumerConfig {
        &self.inner().config
    }

    /// The client id the brokers know this consumer by (`ip@instanceName`).
    pub fn client_id(&self) -> &str {
        self.inner().instance.client_id()
    }

    /// Subscribes `topic` with the tag `expression` (`*`, `TagA || TagB`); its queues come from the group's
    /// rebalance. Fails if [`assign`](Self::assign) was used.
    pub async fn subscribe(&self, topic: &str, expression: &str) -> Result<()> {
        let inner = self.inner();
        inner.ensure_running()?;
        if topic.is_empty() {
            return Err(Error::invalid_argument("Topic can not be null or empty."));
        }
        crate::validation::check_topic(topic)?;
        inner.set_mode(Mode::Subscribe)?;
        inner
            .rebalance
            .set_subscription(SubscriptionData::from_tag_expression(
                topic,
                expression,
                unix_millis(),
            ));
        inner.register_with_heartbeat();
        // The route first: a new instance knows no broker until then, and the heartbeat must reach the topic's
        // brokers before the rebalance asks them for the group's members.
        if let Err(error) = inner.instance.update_route(topic).await {
            tracing::warn!(topic, %error, "no route for the subscribed topic yet");
        }
        inner.instance.heartbeat_all_brokers().await;
        inner.rebalance.wakeup();
        Ok(())
    }

    /// Stops consuming `topic`: its queues are no longer pulled (batches already pulled can still be polled).
    pub fn unsubscribe(&self, topic: &str) {
        let inner = self.inner();
        inner.rebalance.remove_subscription(topic);
        inner.assigned.remove_topic(topic);
        inner.register_with_heartbeat();
    }

    /// Pulls exactly `queues` from now on (replacing any earlier assignment), without group coordination. Fails if
    /// [`subscribe`](Self::subscribe) was used.
    pub fn assign(&self, queues: Vec<MessageQueue>) -> Result<()> {
        let inner = self.inner();
        inner.ensure_running()?;
        if queues.is_empty() {
            return Err(Error::invalid_argument(
                "Message queues can not be null or empty.",
            ));
        }
        inner.set_mode(Mode::Assign)?;
        let added = inner.assigned.replace_all(&queues);
        inner.start_pull_tasks(&added);
        Ok(())
    }

    /// The queues currently pulled (Java's `assignment()`), sorted.
    pub fn assignment(&self) -> Vec<MessageQueue> {
        self.inner().assigned.queues()
    }

    /// The next batch of one queue (at most `pull_batch_size` messages), waiting up to `timeout`; empty when
    /// nothing arrived in time, and at once when [`shutdown`](Self::shutdown) begins during the wait (so a host
    /// closing the consumer never has to abandon a poll that may already hold a batch). With auto commit on, first
    /// commits the consumed offsets once per `auto_commit_interval`.
    pub async fn poll(&self, timeout: Duration) -> Result<Vec<MessageView>> {
        let inner = self.inner();
        inner.ensure_running()?;
        if inner.config.auto_commit {
            inner.maybe_auto_commit();
        }
        let deadline = Instant::now() + timeout;
        // `take` never holds a batch across an await, so dropping it on shutdown loses nothing.
        let taken = tokio::select! {
            biased;
            taken = inner.buffer.take(deadline) => taken,
            () = inner.stop.cancelled() => None,
        };
        let Some(request) = taken else {
            return Ok(Vec::new());
        };
        let offsets: Vec<i64> = request
            .messages
            .iter()
            .map(|message| message.queue_offset)
            .collect();
        let consumed = request.pq.remove_messages(&offsets);
        inner
            .assigned
            .set_consume_offset(&request.queue, consumed, request.generation);
        Ok(request.messages)
    }

    /// [`poll`](Self::poll) with the configured `poll_timeout` (5 s).
    pub async fn poll_default(&self) -> Result<Vec<MessageView>> {
        self.poll(self.inner().config.poll_timeout).await
    }

    /// Makes the next poll of `queue` start at `offset`, which must lie within the queue's min and max offsets.
    /// Batches of `queue` pulled but not polled are discarded, and no message pulled before the seek is returned
    /// after it.
    pub async fn seek(&self, queue: &MessageQueue, offset: i64) -> Result<()> {
        let inner = self.inner();
        inner.ensure_running()?;
        inner.ensure_assigned(queue)?;
        let min = inner.min_offset(queue).await?;
        let max = inner.max_offset(queue).await?;
        if offset < min || offset > max {
            return Err(Error::invalid_argument(format!(
                "Seek offset illegal, seek offset = {offset}, min offset = {min}, max offset = {max}"
            )));
        }
        let ticket = {
            let mut table = inner.assigned.lock();
            let ticket = table.seek(queue, offset);
            inner.buffer.remove_queue(queue);
            ticket
        };
        match ticket {
            Some(ticket) => {
                pull_task::spawn(inner, queue.clone(), ticket);
                Ok(())
            }
            None => inner.ensure_assigned(queue),
        }
    }

    /// Seeks `queue` to its first stored message.
    pub async fn seek_to_begin(&self, queue: &MessageQueue) -> Result<()> {
        let min = self.inner().min_offset(queue).await?;
        self.seek(queue, min).await
    }

    /// Seeks `queue` to its end (only new messages follow).
    pub async fn seek_to_end(&self, queue: &MessageQueue) -> Result<()> {
        let max = self.inner().max_offset(queue).await?;
        self.seek(queue, max).await
    }

    /// Stops pulling `queues` (those assigned); batches already pulled can still be polled, as in Java.
    pub fn pause(&self, queues: &[MessageQueue]) {
        self.inner().assigned.set_paused(queues, true);
    }

    /// Resumes pulling `queues`; a paused queue notices within a second.
    pub fn resume(&self, queues: &[MessageQueue]) {
        self.inner().assigned.set_paused(queues, false);
    }

    /// The readable queues of `topic`, asking the name server (`fetchMessageQueues`), sorted.
    pub async fn fetch_message_queues(&self, topic: &str) -> Result<Vec<MessageQueue>> {
        let inner = self.inner();
        inner.ensure_running()?;
        fetch_subscribe_queues(&inner.instance, topic).await
    }

    /// The offset of the first message of `queue` stored at or after `timestamp` (ms since the epoch).
    pub async fn offset_for_timestamp(&self, queue: &MessageQueue, timestamp: i64) -> Result<i64> {
        let inner = self.inner();
        inner.ensure_running()?;
        inner.search_offset(queue, timestamp).await
    }

    /// Stops pulling, persists the committed offsets, unregisters the group from the brokers and closes the
    /// connections. With auto commit on, what `poll` handed out is committed first (Java only persists what was
    /// already committed). Idempotent.
    pub async fn shutdown(&self) {
        let inner = self.inner();
        if inner.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        inner.stop.cancel();
        let tasks = std::mem::take(&mut *lock(&inner.tasks));
        for task in tasks {
            if tokio::time::timeout(TASK_STOP_WAIT, task).await.is_err() {
                tracing::warn!("a lite pull consumer task did not stop within {TASK_STOP_WAIT:?}");
            }
        }
        if inner.config.auto_commit {
            inner.commit_all();
        }
        inner.persist_consumer_offsets().await;
        inner.assigned.clear();
        inner.rebalance.destroy();
        inner.instance.shutdown().await;
    }
}

impl Inner {
    fn mode(&self) -> Mode {
        *lock(&self.mode)
    }

    /// Fixes the mode on first use; mixing subscribe and assign fails with Java's text.
    fn set_mode(&self, wanted: Mode) -> Result<()> {
        let mut mode = lock(&self.mode);
        match *mode {
            Mode::None => {
                *mode = wanted;
                Ok(())
            }
            current if current == wanted => Ok(()),
            _ => Err(Error::invalid_argument(MODE_CONFLICT)),
        }
    }

    fn ensure_running(&self) -> Result<()> {
        if self.closed.load(Ordering::Acquire) {
            return Err(Error::new(ErrorKind::Closed, NOT_RUNNING));
        }
        Ok(())
    }

    /// Fails with Java's text when `queue` is not assigned.
    fn ensure_assigned(&self, queue: &MessageQueue) -> Result<()> {
        if self.assigned.contains(queue) {
            return Ok(());
        }
        let hint = if self.mode() == Mode::Subscribe {
            ", may be rebalancing"
        } else {
            ""
        };
        Err(Error::invalid_argument(format!(
            "The message queue is not in assigned list{hint}, message queue: {queue}"
        )))
    }

    /// Announces the group in heartbeats: CONSUME_ACTIVELY, with the current subscriptions.
    fn register_with_heartbeat(&self) {
        self.instance.register_consumer(ConsumerData {
            group_name: self.config.group.clone(),
            consume_type: ConsumeType::ConsumeActively,
            message_model: self.config.message_model.clone(),
            consume_from_where: ConsumeFromWhere::ConsumeFromLastOffset,
            subscription_data_set: self.rebalance.subscriptions(),
            unit_mode: false,
        });
    }

    /// Starts a pull task for each of `queues` that has none.
    fn start_pull_tasks(self: &Arc<Self>, queues: &[MessageQueue]) {
        if self.stop.is_cancelled() {
            return;
        }
        for queue in queues {
            if let Some(ticket) = self.assigned.start_task(queue) {
                pull_task::spawn(self, queue.clone(), ticket);
            }
        }
    }

    /// The rebalance service and the periodic offset persist.
    fn spawn_background_tasks(self: &Arc<Self>) {
        let mut tasks = lock(&self.tasks);
        tasks.extend(spawn_rebalance_service(
            Arc::downgrade(&self.rebalance),
            self.config.rebalance_interval,
            self.config.rebalance_min_interval,
            self.stop.clone(),
        ));
        tasks.push(commit::spawn_persist_task(self));
        tasks.push(topic_watch::spawn_check_task(self));
    }
}

/// The rebalance settings of a lite pull consumer: never orderly, no pull-expiry rebuild.
fn rebalance_config(config: &LitePullConsumerConfig) -> RebalanceConfig {
    RebalanceConfig {
        group: config.group.clone(),
        message_model: config.message_model.clone(),
        strategy: config.allocate_strategy,
        consume_from_where: config.consume_from_where.clone(),
        consume_timestamp: config.consume_timestamp.clone(),
        orderly: false,
        drop_pull_expired: false,
        unlock_delay: Duration::ZERO,
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl fmt::Debug for LitePullConsumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner();
        f.debug_struct("LitePullConsumer")
            .field("group", &inner.config.group)
            .field("mode", &inner.mode())
            .field("instance", &inner.instance)
            .finish()
    }
}
