//! The rebalance core (Java's `RebalanceImpl` + `RebalancePushImpl`): which queues of each subscribed topic this
//! client owns, the process queue of each, and where a new one starts.
//!
//! Per topic: the readable queues come from the route, the group's members from GET_CONSUMER_LIST_BY_GROUP (a
//! random broker of the topic), both sorted as Java sorts them, then the allocation strategy picks this client's
//! share (broadcasting: every queue). Queues given up are dropped (their offset persisted, orderly locks released);
//! new ones get a process queue and a start offset. The owner hears about both through [`RebalanceListener`].
//! [`service::spawn_rebalance_service`] runs it every 20 s and when woken.
//!
//! Interface for a consumer built on it (push or lite pull): build a [`RebalanceCore`] with a [`RebalanceConfig`],
//! an [`OffsetStore`] and a listener; keep its subscriptions with [`RebalanceCore::set_subscription`]; start the
//! service; read [`RebalanceCore::process_queues`]; call [`RebalanceCore::wakeup`] on NOTIFY_CONSUMER_IDS_CHANGED;
//! call [`RebalanceCore::destroy`] at shutdown.

mod lock;
pub(crate) mod pull_from_where;
mod queue_table;
pub(crate) mod service;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use fulmen_protocol::body::{
    ConsumeFromWhere, GetConsumerListByGroupResponseBody, JsonBody, MessageModel, MessageQueue,
    SubscriptionData,
};
use fulmen_protocol::header::GetConsumerListByGroupRequestHeader;
use fulmen_protocol::{RemotingCommand, RequestCode};
use indexmap::IndexMap;
use tokio::sync::Notify;

use super::allocate::{AllocateStrategy, sort_for_allocation};
use super::broker_call::{expect_success, readable_queues};
use super::offset_store::OffsetStore;
use super::process_queue::ProcessQueue;
use crate::error::{Error, ErrorKind, Result};
use crate::instance::ClientInstance;
pub(crate) use pull_from_where::{RETRY_TOPIC_PREFIX, retry_topic};

/// What a rebalance needs to know about its consumer.
#[derive(Debug, Clone)]
pub(crate) struct RebalanceConfig {
    /// The consumer group.
    pub(crate) group: String,
    /// Clustering (share the queues) or broadcasting (take all).
    pub(crate) message_model: MessageModel,
    /// How queues are shared.
    pub(crate) strategy: AllocateStrategy,
    /// Where a queue without a stored offset starts.
    pub(crate) consume_from_where: ConsumeFromWhere,
    /// The `yyyyMMddHHmmss` start of `ConsumeFromTimestamp`.
    pub(crate) consume_timestamp: String,
    /// Orderly consumption: new queues must be locked on the broker first (clustering only).
    pub(crate) orderly: bool,
    /// Push consumers drop and recreate a queue not pulled for 120 s.
    pub(crate) drop_pull_expired: bool,
    /// How long after its last lock renewal a dropped orderly queue is unlocked without waiting for the listener
    /// (`rocketmq.client.unlockDelayTimeMills`, 20 s).
    pub(crate) unlock_delay: Duration,
}

/// A queue now owned by this client: its process queue and the offset to pull from.
pub(crate) type AddedQueue = (MessageQueue, Arc<ProcessQueue>, i64);

/// What the rebalance tells its owner.
pub(crate) trait RebalanceListener: Send + Sync + 'static {
    /// Queues now owned; the owner starts fetching them.
    fn queues_added(&self, added: Vec<AddedQueue>);

    /// The queue set of `topic` changed (Java's `messageQueueChanged`): `all` readable queues, `mine` owned.
    fn queues_changed(&self, topic: &str, all: &[MessageQueue], mine: &[MessageQueue]);
}

/// The rebalance state of one consumer. See the module docs.
pub(crate) struct RebalanceCore {
    pub(crate) instance: ClientInstance,
    pub(crate) config: RebalanceConfig,
    pub(crate) offset_store: Arc<OffsetStore>,
    subscriptions: Mutex<IndexMap<String, SubscriptionData>>,
    process_queues: Mutex<HashMap<MessageQueue, Arc<ProcessQueue>>>,
    listener: Arc<dyn RebalanceListener>,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for RebalanceCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RebalanceCore")
            .field("config", &self.config)
            .field("queues", &self.process_queues().len())
            .finish()
    }
}

impl RebalanceCore {
    /// A rebalance without subscriptions or queues.
    pub(crate) fn new(
        instance: ClientInstance,
        config: RebalanceConfig,
        offset_store: Arc<OffsetStore>,
        listener: Arc<dyn RebalanceListener>,
    ) -> Self {
        let wake = Arc::new(Notify::new());
        instance.wake_on_new_broker(&wake);
        RebalanceCore {
            instance,
            config,
            offset_store,
            subscriptions: Mutex::new(IndexMap::new()),
            process_queues: Mutex::new(HashMap::new()),
            listener,
            wake,
        }
    }

    /// Adds or replaces the subscription of its topic.
    pub(crate) fn set_subscription(&self, subscription: SubscriptionData) {
        lock(&self.subscriptions).insert(subscription.topic.clone(), subscription);
    }

    /// Removes the subscription of `topic` (its queues go at the next rebalance).
    pub(crate) fn remove_subscription(&self, topic: &str) {
        lock(&self.subscriptions).shift_remove(topic);
    }

    /// The subscription of `topic`, if any.
    pub(crate) fn subscription(&self, topic: &str) -> Option<SubscriptionData> {
        lock(&self.subscriptions).get(topic).cloned()
    }

    /// Every subscription, in subscription order.
    pub(crate) fn subscriptions(&self) -> Vec<SubscriptionData> {
        lock(&self.subscriptions).values().cloned().collect()
    }

    /// The process queue of `queue`, if owned.
    pub(crate) fn process_queue(&self, queue: &MessageQueue) -> Option<Arc<ProcessQueue>> {
        lock(&self.process_queues).get(queue).cloned()
    }

    /// Every owned queue with its process queue, sorted by queue.
    pub(crate) fn process_queues(&self) -> Vec<(MessageQueue, Arc<ProcessQueue>)> {
        let mut queues: Vec<_> = lock(&self.process_queues)
            .iter()
            .map(|(queue, pq)| (queue.clone(), pq.clone()))
            .collect();
        queues.sort_by(|a, b| a.0.cmp(&b.0));
        queues
    }

    /// The owned queues, sorted.
    pub(crate) fn owned_queues(&self) -> Vec<MessageQueue> {
        self.process_queues()
            .into_iter()
            .map(|(queue, _)| queue)
            .collect()
    }

    /// Asks the service for a rebalance now.
    pub(crate) fn wakeup(&self) {
        self.wake.notify_one();
    }

    /// The wake-up signal the service waits on.
    pub(crate) fn wake_signal(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// One rebalance of every subscribed topic, then the queues of topics no longer subscribed are dropped.
    /// Returns whether every topic was balanced.
    pub(crate) async fn do_rebalance(&self) -> bool {
        let topics: Vec<String> = self.subscriptions().into_iter().map(|s| s.topic).collect();
        let mut balanced = true;
        for topic in &topics {
            match self.rebalance_by_topic(topic).await {
                Ok(done) => balanced &= done,
                Err(error) => {
                    balanced = false;
                    if !topic.starts_with(RETRY_TOPIC_PREFIX) {
                        tracing::warn!(topic, %error, "rebalance failed");
                    }
                }
            }
        }
        self.truncate_queues_not_subscribed(&topics);
        balanced
    }

    async fn rebalance_by_topic(&self, topic: &str) -> Result<bool> {
        let need_lock = self.config.orderly && self.config.message_model == MessageModel::Clustering;
        let mut mq_all = match self.readable_queues(topic).await {
            Ok(queues) => queues,
            Err(error) if error.kind() == ErrorKind::RouteNotFound => {
                // Deliberate difference from Java (design §7.1): a topic the name server no longer knows stops
                // being consumed; its queues are given up (offsets persisted) instead of kept forever.
                if !topic.starts_with(RETRY_TOPIC_PREFIX) {
                    tracing::warn!(topic, "rebalance: no route info for the topic");
                    if self.update_process_queues(topic, &[], need_lock).await {
                        self.listener.queues_changed(topic, &[], &[]);
                    }
                }
                return Ok(true);
            }
            Err(error) => return Err(error),
        };
        let target = match self.config.message_model {
            MessageModel::Broadcasting => mq_all.clone(),
            _ => {
                let mut cid_all = self.find_consumer_ids(topic).await?;
                if cid_all.is_empty() {
                    return Ok(false);
                }
                sort_for_allocation(&mut mq_all, &mut cid_all);
                self.config.strategy.allocate(
                    &self.config.group,
                    self.instance.client_id(),
                    &mq_all,
                    &cid_all,
                )?
            }
        };
        let need_lock = self.config.orderly && self.config.message_model == MessageModel::Clustering;
        if self.update_process_queues(topic, &target, need_lock).await {
            self.listener.queues_changed(topic, &mq_all, &target);
        }
        let mut working: Vec<MessageQueue> = self
            .process_queues()
            .into_iter()
            .filter(|(queue, pq)| queue.topic == topic && !pq.is_dropped())
            .map(|(queue, _)| queue)
            .collect();
        let mut wanted = target;
        working.sort();
        wanted.sort();
        Ok(working == wanted)
    }

    /// The readable queues of `topic` from its route (asking the name server on first use).
    pub(crate) async fn readable_queues(&self, topic: &str) -> Result<Vec<MessageQueue>> {
        let route = match self.instance.cached_route(topic) {
            Some(route) => route,
            None => self.instance.update_route(topic).await?,
        };
        Ok(readable_queues(&route, topic))
    }

    /// The client ids of the group, from a random broker of `topic` (Java's `findConsumerIdList`).
    async fn find_consumer_ids(&self, topic: &str) -> Result<Vec<String>> {
        let route = match self.instance.cached_route(topic) {
            Some(route) => route,
            None => self.instance.update_route(topic).await?,
        };
        let brokers = &route.broker_datas;
        let addr = (!brokers.is_empty())
            .then(|| &brokers[fastrand::usize(..brokers.len())])
            .and_then(|broker| {
                let master = broker.broker_addrs.get(&fulmen_protocol::body::MASTER_ID);
                master.or_else(|| broker.broker_addrs.values().next()).cloned()
            })
            .ok_or_else(|| Error::new(ErrorKind::RouteNotFound, format!("no broker for topic {topic}")))?;
        let header = GetConsumerListByGroupRequestHeader {
            consumer_group: self.config.group.clone(),
        };
        let request = RemotingCommand::request(RequestCode::GET_CONSUMER_LIST_BY_GROUP).with_header(&header);
        let timeout = self.instance.config().rpc_timeout;
        let response = self.instance.invoke_broker(&addr, request, timeout).await?;
        let response = expect_success(response, &addr)?;
        Ok(GetConsumerListByGroupResponseBody::decode(&response.body)?.consumer_id_list)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
