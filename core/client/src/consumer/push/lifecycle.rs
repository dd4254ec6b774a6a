//! Starting and stopping a push consumer (Java's `DefaultMQPushConsumerImpl#start` / `#shutdown`): the
//! subscriptions (plus `%RETRY%<group>` in clustering mode), the offset store, the rebalance service, the offset
//! persistence task, orderly lock renewal, the broker-initiated request handlers; and the graceful shutdown.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use fulmen_protocol::body::{MessageModel, SubscriptionData};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{PushConsumer, PushConsumerConfig, PushInner, PushRebalanceListener, processors};
use crate::consumer::offset_store::OffsetStore;
use crate::consumer::push::listener::MessageListener;
use crate::consumer::rebalance::service::spawn_rebalance_service;
use crate::consumer::rebalance::{RebalanceConfig, RebalanceCore, retry_topic};
use crate::error::Result;
use crate::instance::{ClientInstance, identity};

/// Java's first lock renewal of an orderly consumer, 1 s after start.
const FIRST_LOCK_DELAY: Duration = Duration::from_secs(1);

pub(super) async fn start(
    config: PushConsumerConfig,
    listener: Arc<dyn MessageListener>,
    orderly: bool,
) -> Result<PushConsumer> {
    config.validate()?;
    // Java's changeInstanceNameToPID runs for clustering consumers only: a broadcasting one keeps `ip@DEFAULT`, so
    // its offset file path is the same at every start.
    let client = match config.message_model {
        MessageModel::Broadcasting => config.client.clone(),
        _ => config.client.clone().with_pid_instance_name(),
    };
    let instance = ClientInstance::start(client)?;
    let offset_store = Arc::new(match config.message_model {
        MessageModel::Broadcasting => OffsetStore::local_file(
            &config.local_offset_store_dir,
            instance.client_id(),
            &config.group,
        ),
        _ => OffsetStore::remote(instance.clone(), &config.group),
    });
    offset_store.load()?;
    let rebalance_config = RebalanceConfig {
        group: config.group.clone(),
        message_model: config.message_model.clone(),
        strategy: config.allocate_strategy,
        consume_from_where: config.consume_from_where.clone(),
        consume_timestamp: config.consume_timestamp.clone(),
        orderly,
        drop_pull_expired: true,
        unlock_delay: config.unlock_delay,
    };
    let permits = usize::try_from(config.consume_thread_min).unwrap_or(1);
    let inner = Arc::new_cyclic(|weak: &Weak<PushInner>| {
        let rebalance_listener = Arc::new(PushRebalanceListener { inner: weak.clone() });
        let core = RebalanceCore::new(
            instance.clone(),
            rebalance_config,
            offset_store,
            rebalance_listener,
        );
        PushInner {
            queue_limit_count: AtomicUsize::new(config.pull_threshold_for_queue),
            queue_limit_mib: AtomicU64::new(config.pull_threshold_size_for_queue),
            ids: identity::message_id_generator(identity::local_ip()),
            start_timestamp: identity::unix_millis(),
            config,
            instance: instance.clone(),
            core: Arc::new(core),
            listener,
            orderly,
            permits: Arc::new(Semaphore::new(permits)),
            stop: CancellationToken::new(),
            paused: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            tasks: Mutex::new(Vec::new()),
        }
    });
    copy_subscriptions(&inner);
    processors::register(&inner);
    for subscription in inner.core.subscriptions() {
        if let Err(error) = instance.update_route(&subscription.topic).await {
            tracing::warn!(topic = subscription.topic, %error, "no route for the subscribed topic yet");
        }
    }
    inner.announce().await;
    spawn_tasks(&inner);
    inner.core.wakeup();
    Ok(PushConsumer {
        _last_handle: Arc::new(super::ShutdownOnDrop(inner.clone())),
        inner,
    })
}

/// The configured subscriptions, plus the group's retry topic for clustering consumers (Java's `copySubscription`).
fn copy_subscriptions(inner: &PushInner) {
    let now = identity::unix_millis();
    for (topic, expression) in &inner.config.subscriptions {
        inner
            .core
            .set_subscription(SubscriptionData::from_tag_expression(topic, expression, now));
    }
    if inner.is_clustering() {
        let retry = retry_topic(&inner.config.group);
        inner
            .core
            .set_subscription(SubscriptionData::from_tag_expression(&retry, "*", now));
    }
}

fn spawn_tasks(inner: &Arc<PushInner>) {
    let config = &inner.config;
    let mut tasks = Vec::new();
    let weak = Arc::downgrade(&inner.core);
    tasks.extend(spawn_rebalance_service(
        weak,
        config.rebalance_interval,
        config.rebalance_min_interval,
        inner.stop.clone(),
    ));
    let period = config.persist_offset_interval;
    tasks.push(every(inner, period, period, |inner| async move {
        let queues = inner.core.owned_queues();
        inner.offset_store().persist_all(&queues).await;
    }));
    if inner.orderly && inner.is_clustering() {
        tasks.push(every(
            inner,
            FIRST_LOCK_DELAY.min(config.lock_interval),
            config.lock_interval,
            |inner| async move { inner.core.lock_all().await },
        ));
    }
    lock_tasks(inner).extend(tasks);
}

/// Runs `tick` after `initial`, then every `period`, until the consumer stops or is dropped.
fn every<F, Fut>(inner: &Arc<PushInner>, initial: Duration, period: Duration, tick: F) -> JoinHandle<()>
where
    F: Fn(Arc<PushInner>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    crate::consumer::periodic::spawn_periodic(inner, inner.stop.clone(), initial, period, tick)
}

pub(super) async fn shutdown(inner: &Arc<PushInner>) {
    if inner.closed.swap(true, Ordering::AcqRel) {
        return;
    }
    inner.stop.cancel();
    let tasks = std::mem::take(&mut *lock_tasks(inner));
    for task in tasks {
        task.abort();
    }
    await_listener_calls(inner).await;
    let queues = inner.core.owned_queues();
    inner.offset_store().persist_all(&queues).await;
    if inner.orderly && inner.is_clustering() {
        inner.core.unlock_all().await;
    }
    inner.core.destroy();
    inner.instance.shutdown().await;
}

/// Waits up to `await_termination_when_shutdown` for every running listener call to end: taking every permit
/// means none is left to a call.
async fn await_listener_calls(inner: &PushInner) {
    let wait = inner.config.await_termination_when_shutdown;
    if wait.is_zero() {
        return;
    }
    let all = inner.config.consume_thread_min;
    match tokio::time::timeout(wait, inner.permits.acquire_many(all)).await {
        Ok(Ok(permits)) => drop(permits),
        Ok(Err(_)) => {}
        Err(_) => tracing::warn!(
            ?wait,
            "listener calls still running at shutdown; their messages come again"
        ),
    }
}

fn lock_tasks(inner: &PushInner) -> std::sync::MutexGuard<'_, Vec<JoinHandle<()>>> {
    inner
        .tasks
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
