//! [`Broker`]: starts the store, the managers, the remoting server and the background tasks, and stops them.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use fulmen_protocol::msgid::MessageIdGenerator;
use fulmen_remoting::{ClientConfig, Connection, ConnectionListener, RemotingClient, RemotingServer};
use fulmen_store::MessageStore;
use tokio::sync::OnceCell;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{error, info};

use crate::config::BrokerConfig;
use crate::consumer_manager::ConsumerManager;
use crate::error::{BrokerError, Result};
use crate::live_config::LiveConfig;
use crate::long_polling::PullWaiters;
use crate::offset_manager::ConsumerOffsetManager;
use crate::processor::{BrokerProcessor, HANDLED_CODES};
use crate::producer_manager::ProducerManager;
use crate::rebalance_locks::RebalanceLockManager;
use crate::registration::{register_all, run_registration, unregister_all};
use crate::schedule::{self, ScheduleSettings, ScheduleState};
use crate::state::{BrokerState, notify_consumer_ids_changed};
use crate::subscription_groups::SubscriptionGroupManager;
use crate::topic_manager::TopicConfigManager;
use crate::transaction::run_check_service;

/// A running broker. Cheap to clone; clones share it. [`Broker::shutdown`] stops it cleanly (dropping the last
/// clone only stops its background tasks).
#[derive(Debug, Clone)]
pub struct Broker {
    inner: Arc<BrokerInner>,
}

#[derive(Debug)]
struct BrokerInner {
    state: Arc<BrokerState>,
    server: RemotingServer,
    stop: CancellationToken,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    shut_down: OnceCell<()>,
}

/// Drops the clients of a closed connection and tells the remaining members of their groups.
#[derive(Debug)]
struct ClientConnectionListener {
    state: Arc<OnceCell<Arc<BrokerState>>>,
}

impl ConnectionListener for ClientConnectionListener {
    fn on_closed(&self, connection: &Connection) {
        let Some(state) = self.state.get() else {
            return;
        };
        state.producers.connection_closed(connection.id());
        for (group, remaining) in state.consumers.connection_closed(connection.id()) {
            notify_consumer_ids_changed(&group, remaining);
        }
    }
}

impl Broker {
    /// Checks `config`, opens the store (recovering it), loads the config files, binds the listen address,
    /// registers with every name server and starts the periodic tasks, on the caller's tokio runtime.
    pub async fn start(mut config: BrokerConfig) -> Result<Broker> {
        config.validate()?;
        let schedule_settings = ScheduleSettings::from_config(&config)?;
        config.store.tags_code_resolver = schedule_settings.tags_code_resolver();
        let store_config = config.store.clone();
        let store = tokio::task::spawn_blocking(move || MessageStore::open(store_config))
            .await
            .map_err(|error| BrokerError::Task(error.to_string()))??;
        let store = Arc::new(store);
        let config_dir = config.store.config_dir();
        let loaded = {
            let config = config.clone();
            let store = store.clone();
            tokio::task::spawn_blocking(move || -> Result<_> {
                Ok((
                    TopicConfigManager::load(&config, &config_dir)?,
                    SubscriptionGroupManager::load(&config_dir)?,
                    ConsumerOffsetManager::load(&config_dir)?,
                    ScheduleState::load(schedule_settings, &config, &store)?,
                ))
            })
            .await
            .map_err(|error| BrokerError::Task(error.to_string()))?
        };
        let (topics, groups, offsets, schedule) = match loaded {
            Ok(loaded) => loaded,
            Err(error) => {
                shutdown_store(&store).await;
                return Err(error);
            }
        };
        let state_cell = Arc::new(OnceCell::new());
        let server = match RemotingServer::builder(config.server_config())
            .connection_listener(ClientConnectionListener {
                state: state_cell.clone(),
            })
            .bind()
            .await
        {
            Ok(server) => server,
            Err(error) => {
                shutdown_store(&store).await;
                return Err(error.into());
            }
        };
        let advertised_addr = config.advertised_addr(server.local_addr());
        let namesrv_client = RemotingClient::new(ClientConfig::default())?;
        let waiters = Arc::new(PullWaiters::default());
        store.set_arrival_listener(waiters.clone());
        let locks = RebalanceLockManager::new(config.rebalance_lock_max_live_time);
        let state = Arc::new(BrokerState {
            msg_ids: MessageIdGenerator::new(advertised_addr.ip(), std::process::id(), salt()),
            live: LiveConfig::new(&config),
            config,
            advertised_addr,
            store,
            topics,
            groups,
            offsets,
            consumers: ConsumerManager::default(),
            producers: ProducerManager::default(),
            locks,
            waiters,
            namesrv_client,
            register_now: tokio::sync::Notify::new(),
            unregistered: AtomicBool::new(false),
            queue_picker: AtomicU64::new(0),
            schedule,
        });
        let _ = state_cell.set(state.clone());
        let processor = BrokerProcessor::new(state.clone());
        for code in HANDLED_CODES {
            server.register_processor(*code, processor.clone());
        }
        state.topics_changed_persist_only().await;
        let registered = register_all(&state).await;
        info!(
            addr = %advertised_addr, broker = %state.config.broker_name, cluster = %state.config.cluster_name,
            registered, "broker started"
        );
        let stop = CancellationToken::new();
        let mut tasks = vec![
            tokio::spawn(run_registration(state.clone(), stop.clone())),
            tokio::spawn(persist_periodically(state.clone(), stop.clone())),
            tokio::spawn(scan_expired_clients(state.clone(), stop.clone())),
            tokio::spawn(run_check_service(state.clone(), stop.clone())),
        ];
        tasks.extend(schedule::spawn_tasks(&state, &stop));
        Ok(Broker {
            inner: Arc::new(BrokerInner {
                state,
                server,
                stop,
                tasks: Mutex::new(tasks),
                shut_down: OnceCell::new(),
            }),
        })
    }

    /// The address the broker listens on (with the real port when the configured one was 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.server.local_addr()
    }

    /// The address clients are told to use (`brokerIP1:port`), also the store host of every message.
    pub fn advertised_addr(&self) -> SocketAddr {
        self.inner.state.advertised_addr
    }

    /// The broker's configuration.
    pub fn config(&self) -> &BrokerConfig {
        &self.inner.state.config
    }

    /// Registers with every name server now; returns how many accepted.
    pub async fn register_now(&self) -> usize {
        register_all(&self.inner.state).await
    }

    /// Changes what the whole broker allows (Java's `brokerPermission` through UPDATE_BROKER_CONFIG: 6 = read
    /// and write, 4 = read only, 2 = write only) and registers with every name server at once, so routes show
    /// the masked topic permissions; returns how many name servers accepted.
    pub async fn set_permission(&self, permission: i32) -> usize {
        self.inner
            .state
            .live
            .apply(&[("brokerPermission".to_owned(), permission.to_string())]);
        self.inner.state.topics.next_version();
        register_all(&self.inner.state).await
    }

    /// Stops the broker: stops the periodic tasks, unregisters from every name server (UNREGISTER_BROKER, all at
    /// once, at most 3 s each, failures only logged, as Java's `BrokerController#shutdown` does first), answers
    /// held pulls and finishes requests in flight, writes consumer offsets, subscription groups, topics, the delay
    /// offsets and the timer progress, and
    /// shuts the store down cleanly (flushed, no abort file). Idempotent: later calls wait for the same
    /// shutdown. The store directory's lock is released when the last clone of this handle is dropped; only then
    /// can another broker open the same directory.
    pub async fn shutdown(&self) {
        let inner = &self.inner;
        inner
            .shut_down
            .get_or_init(|| async {
                inner.stop_serving(StopKind::Clean).await;
                let state = &inner.state;
                if let Err(error) = state.offsets.persist().await {
                    error!(%error, "could not write consumerOffset.json at shutdown");
                }
                if let Err(error) = state.groups.persist().await {
                    error!(%error, "could not write subscriptionGroup.json at shutdown");
                }
                if let Err(error) = state.topics.persist().await {
                    error!(%error, "could not write topics.json at shutdown");
                }
                state.schedule.persist().await;
                shutdown_store(&state.store).await;
                info!(addr = %state.advertised_addr, "broker stopped");
            })
            .await;
    }

    /// Stops the broker the way a crash (`kill -9`) leaves it, for fault tests: the periodic tasks stop, the
    /// connections close (the name servers drop the broker at once, as they do when its process dies), and
    /// nothing is persisted: consumer offsets, groups and topics keep their last periodic write, and the store is
    /// neither flushed nor marked clean, so the next start recovers as after a crash. Data already appended stays
    /// in the mapped files, as it stays in the page cache when a process is killed. Requests in flight are still
    /// answered (an answered send was stored). The store's lock is released when the last handle is dropped.
    /// Does nothing after [`Broker::shutdown`].
    pub async fn kill(&self) {
        let inner = &self.inner;
        inner
            .shut_down
            .get_or_init(|| async {
                inner.stop_serving(StopKind::Crash).await;
                info!(addr = %inner.state.advertised_addr, "broker killed");
            })
            .await;
    }

    /// Whether [`Broker::shutdown`] (or [`Broker::kill`]) was called.
    pub fn is_shut_down(&self) -> bool {
        self.inner.stop.is_cancelled()
    }
}

/// How the broker stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StopKind {
    /// Periodic tasks finish their pass, the name servers are told (UNREGISTER_BROKER).
    Clean,
    /// Periodic tasks are dropped where they are and the name servers only see the connections close, as after a
    /// crash.
    Crash,
}

impl BrokerInner {
    /// The part of every stop: end the periodic tasks (so none registers again), unregister when clean, stop
    /// serving (requests in flight are answered) and close the connections to the name servers.
    async fn stop_serving(&self, kind: StopKind) {
        self.stop.cancel();
        let tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(PoisonError::into_inner));
        for task in tasks {
            if kind == StopKind::Crash {
                task.abort();
            }
            let _ = task.await;
        }
        if kind == StopKind::Clean {
            unregister_all(&self.state).await;
        }
        self.server.shutdown().await;
        self.state.namesrv_client.shutdown().await;
    }
}

impl Drop for BrokerInner {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Flushes and closes the store on the blocking pool.
async fn shutdown_store(store: &Arc<MessageStore>) {
    let store = store.clone();
    match tokio::task::spawn_blocking(move || store.shutdown()).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => error!(%error, "store shutdown failed"),
        Err(error) => error!(%error, "store shutdown task failed"),
    }
}

/// A salt for message ids, different per broker start.
fn salt() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(Instant::now().elapsed().as_nanos());
    hasher.finish() as u32
}

/// Every `offset_persist_interval` until `stop`: writes consumer offsets, and the subscription groups when one
/// was created since the last write.
async fn persist_periodically(state: Arc<BrokerState>, stop: CancellationToken) {
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(state.config.offset_persist_interval) => {}
        }
        if let Err(error) = state.offsets.persist().await {
            error!(%error, "could not write consumerOffset.json");
        }
        if let Err(error) = state.groups.persist_if_dirty().await {
            error!(%error, "could not write subscriptionGroup.json");
        }
    }
}

/// Drops clients without a heartbeat for `client_expiry`, every `client_scan_interval`, until `stop`.
async fn scan_expired_clients(state: Arc<BrokerState>, stop: CancellationToken) {
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(state.config.client_scan_interval) => {}
        }
        let (notices, expired) = state
            .consumers
            .scan_expired(Instant::now(), state.config.client_expiry);
        for connection in expired {
            info!(peer = %connection.peer_addr(), "client expired, closing its connection");
            state.producers.connection_closed(connection.id());
            connection.close();
        }
        for (group, remaining) in notices {
            notify_consumer_ids_changed(&group, remaining);
        }
    }
}
