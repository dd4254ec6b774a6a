//! `ClientInstance`: what producers and consumers share: the remoting client, name server selection, the route
//! cache, broker addresses, the periodic route refresh and heartbeat tasks, and the groups to announce.
//!
//! It runs on the caller's tokio runtime. The tasks hold only a weak reference, so dropping the last handle stops
//! them; [`ClientInstance::shutdown`] also unregisters the groups from the brokers.

mod broker_connected;
mod heartbeat;
pub(crate) mod identity;
mod namesrv;
mod routes;
mod tasks;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use fulmen_protocol::RemotingCommand;
use fulmen_protocol::body::{ConsumerData, TopicRouteData};
use fulmen_remoting::RemotingClient;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::ClientConfig;
use crate::error::{Error, ErrorKind, Result};
use namesrv::NameServerSelector;

/// How long shutdown waits for the periodic tasks to end.
const TASK_STOP_WAIT: Duration = Duration::from_secs(2);

/// The shared client machinery. Cheap to clone.
#[derive(Clone)]
pub(crate) struct ClientInstance {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    client_id: String,
    remoting: RemotingClient,
    namesrv: NameServerSelector,
    state: Mutex<State>,
    closed: AtomicBool,
    stop: CancellationToken,
}

/// Everything that changes, behind one short-held lock.
#[derive(Default)]
struct State {
    /// Routes of the topics in use, by topic.
    routes: HashMap<String, Arc<TopicRouteData>>,
    /// Broker addresses by broker name, then broker id.
    brokers: HashMap<String, BTreeMap<i64, String>>,
    /// Producer groups announced in heartbeats.
    producer_groups: Vec<String>,
    /// Consumer groups announced in heartbeats.
    consumers: Vec<ConsumerData>,
    /// The periodic tasks.
    tasks: Vec<JoinHandle<()>>,
    /// The wake-up signals of the consumers' rebalance services.
    rebalance_wakes: Vec<Weak<Notify>>,
}

impl ClientInstance {
    /// Checks `config`, builds the instance and starts its periodic tasks on the current tokio runtime.
    pub(crate) fn start(config: ClientConfig) -> Result<Self> {
        config.validate()?;
        let mut remoting_config = fulmen_remoting::ClientConfig::default();
        remoting_config.connection.serialize_type = config.serialize_type;
        let remoting = RemotingClient::new(remoting_config)?;
        let addrs = config.namesrv_addrs();
        let ip = identity::local_ip();
        let instance = ClientInstance {
            inner: Arc::new(Inner {
                client_id: config.client_id(ip),
                namesrv: NameServerSelector::new(addrs, fastrand::usize(..999)),
                config,
                remoting,
                state: Mutex::new(State::default()),
                closed: AtomicBool::new(false),
                stop: CancellationToken::new(),
            }),
        };
        instance
            .inner
            .remoting
            .set_connection_listener(broker_connected::BrokerConnected {
                instance: Arc::downgrade(&instance.inner),
            });
        let tasks = tasks::spawn_periodic_tasks(&instance);
        instance.state().tasks = tasks;
        Ok(instance)
    }

    /// The client id (`ip@instanceName[@unitName]`).
    pub(crate) fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// The configuration.
    pub(crate) fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Announces `group` as a producer group in heartbeats.
    pub(crate) fn register_producer(&self, group: &str) {
        let mut state = self.state();
        if !state.producer_groups.iter().any(|known| known == group) {
            state.producer_groups.push(group.to_owned());
        }
    }

    /// Announces a consumer group in heartbeats.
    pub(crate) fn register_consumer(&self, consumer: ConsumerData) {
        let mut state = self.state();
        state
            .consumers
            .retain(|known| known.group_name != consumer.group_name);
        state.consumers.push(consumer);
    }

    /// Wakes `wake` (a consumer's rebalance service) whenever a broker takes a heartbeat on a new connection.
    pub(crate) fn wake_on_new_broker(&self, wake: &Arc<Notify>) {
        self.state().rebalance_wakes.push(Arc::downgrade(wake));
    }

    /// Asks every consumer's rebalance service for a rebalance now (Java's `rebalanceImmediately`).
    fn wake_rebalances(&self) {
        self.state().rebalance_wakes.retain(|wake| {
            let Some(wake) = wake.upgrade() else {
                return false;
            };
            wake.notify_one();
            true
        });
    }

    /// Whether [`shutdown`](Self::shutdown) has begun.
    fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }

    /// Handles the requests with `code` a broker sends over this client's connections.
    pub(crate) fn register_request_processor(
        &self,
        code: fulmen_protocol::RequestCode,
        processor: impl fulmen_remoting::RequestProcessor,
    ) {
        self.inner.remoting.register_processor(code, processor);
    }

    /// Fails with [`ErrorKind::Closed`] once [`Self::shutdown`] has begun.
    pub(crate) fn ensure_open(&self) -> Result<()> {
        if self.inner.closed.load(Ordering::Acquire) {
            return Err(Error::new(ErrorKind::Closed, "the client has been shut down"));
        }
        Ok(())
    }

    /// The master address of `broker_name`, from the routes seen so far.
    pub(crate) fn master_addr(&self, broker_name: &str) -> Option<String> {
        self.state()
            .brokers
            .get(broker_name)
            .and_then(|addrs| addrs.get(&fulmen_protocol::body::MASTER_ID))
            .cloned()
    }

    /// Every known master address.
    pub(crate) fn master_addrs(&self) -> Vec<String> {
        let mut addrs: Vec<String> = self
            .state()
            .brokers
            .values()
            .filter_map(|addrs| addrs.get(&fulmen_protocol::body::MASTER_ID).cloned())
            .collect();
        addrs.sort();
        addrs.dedup();
        addrs
    }

    /// Every known broker address, masters and slaves.
    pub(crate) fn broker_addrs(&self) -> Vec<String> {
        let mut addrs: Vec<String> = self
            .state()
            .brokers
            .values()
            .flat_map(|addrs| addrs.values().cloned())
            .collect();
        addrs.sort();
        addrs.dedup();
        addrs
    }

    /// Sends `request` to the broker at `addr` and waits up to `timeout` for the answer.
    pub(crate) async fn invoke_broker(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout: Duration,
    ) -> Result<RemotingCommand> {
        self.ensure_open()?;
        self.inner
            .remoting
            .invoke(addr, request, timeout)
            .await
            .map_err(|error| Error::from(error).with_broker(addr))
    }

    /// Sends `request` oneway to the broker at `addr`.
    pub(crate) async fn invoke_broker_oneway(&self, addr: &str, request: RemotingCommand) -> Result<()> {
        self.ensure_open()?;
        self.inner
            .remoting
            .invoke_oneway(addr, request)
            .await
            .map_err(|error| Error::from(error).with_broker(addr))
    }

    /// Stops the periodic tasks, unregisters the groups from the brokers and closes every connection.
    /// Idempotent.
    pub(crate) async fn shutdown(&self) {
        if self.inner.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        self.inner.stop.cancel();
        let tasks = std::mem::take(&mut self.state().tasks);
        for task in tasks {
            if tokio::time::timeout(TASK_STOP_WAIT, task).await.is_err() {
                tracing::warn!("a client task did not stop within {TASK_STOP_WAIT:?}");
            }
        }
        heartbeat::unregister_everywhere(self).await;
        self.inner.remoting.shutdown().await;
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn downgrade(&self) -> std::sync::Weak<Inner> {
        Arc::downgrade(&self.inner)
    }

    fn from_weak(weak: &std::sync::Weak<Inner>) -> Option<Self> {
        weak.upgrade().map(|inner| ClientInstance { inner })
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl fmt::Debug for ClientInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientInstance")
            .field("client_id", &self.inner.client_id)
            .field("namesrv", &self.inner.namesrv)
            .field("closed", &self.inner.closed.load(Ordering::Relaxed))
            .finish()
    }
}
