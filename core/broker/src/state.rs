//! What every processor and background task of a broker shares.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use fulmen_protocol::RemotingCommand;
use fulmen_protocol::RequestCode;
use fulmen_protocol::header::NotifyConsumerIdsChangedRequestHeader;
use fulmen_protocol::msgid::MessageIdGenerator;
use fulmen_remoting::{Connection, RemotingClient};
use fulmen_store::MessageStore;
use tokio::sync::Notify;
use tracing::debug;

use crate::config::BrokerConfig;
use crate::consumer_manager::ConsumerManager;
use crate::live_config::LiveConfig;
use crate::long_polling::PullWaiters;
use crate::offset_manager::ConsumerOffsetManager;
use crate::producer_manager::ProducerManager;
use crate::rebalance_locks::RebalanceLockManager;
use crate::schedule::ScheduleState;
use crate::subscription_groups::SubscriptionGroupManager;
use crate::topic_manager::TopicConfigManager;

/// The broker's shared state.
#[derive(Debug)]
pub(crate) struct BrokerState {
    pub(crate) config: BrokerConfig,
    /// The settings UPDATE_BROKER_CONFIG may change, and the configuration's version.
    pub(crate) live: LiveConfig,
    /// The address clients use (`brokerIP1:port`); also every message's store host.
    pub(crate) advertised_addr: SocketAddr,
    pub(crate) store: Arc<MessageStore>,
    pub(crate) topics: TopicConfigManager,
    pub(crate) groups: SubscriptionGroupManager,
    pub(crate) offsets: ConsumerOffsetManager,
    pub(crate) consumers: ConsumerManager,
    pub(crate) producers: ProducerManager,
    /// Orderly-consumption queue locks.
    pub(crate) locks: RebalanceLockManager,
    pub(crate) waiters: Arc<PullWaiters>,
    /// The client that talks to name servers.
    pub(crate) namesrv_client: RemotingClient,
    /// Wakes the registration task for an immediate registration (after a topic change).
    pub(crate) register_now: Notify,
    /// Set once the broker unregistered from the name servers (at shutdown): no registration follows.
    pub(crate) unregistered: AtomicBool,
    /// Makes `UNIQ_KEY`s for messages that arrive without one.
    pub(crate) msg_ids: MessageIdGenerator,
    /// Feeds the choice of a queue for sends with a negative queue id.
    pub(crate) queue_picker: AtomicU64,
    /// Delay levels and timer messages: the put hook's settings and the delivery progress.
    pub(crate) schedule: ScheduleState,
}

impl BrokerState {
    /// Asks the registration task to register with every name server now.
    pub(crate) fn request_registration(&self) {
        self.register_now.notify_one();
    }

    /// Persists the topic table and asks for a registration, logging a failed write.
    pub(crate) async fn topics_changed(&self) {
        if let Err(error) = self.topics.persist().await {
            tracing::error!(%error, "could not write topics.json");
        }
        self.request_registration();
    }

    /// Persists the topic table without registering (the caller registers itself).
    pub(crate) async fn topics_changed_persist_only(&self) {
        if let Err(error) = self.topics.persist().await {
            tracing::error!(%error, "could not write topics.json");
        }
    }

    /// A pseudo-random number (for the queue of a send with queue id < 0).
    pub(crate) fn next_random(&self) -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let ticket = self.queue_picker.fetch_add(1, Ordering::Relaxed);
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(ticket);
        hasher.finish()
    }
}

/// Sends NOTIFY_CONSUMER_IDS_CHANGED (oneway) to each connection, over the client's own connection, on spawned
/// tasks.
pub(crate) fn notify_consumer_ids_changed(group: &str, connections: Vec<Connection>) {
    for connection in connections {
        let request = RemotingCommand::request(RequestCode::NOTIFY_CONSUMER_IDS_CHANGED).with_header(
            &NotifyConsumerIdsChangedRequestHeader {
                consumer_group: group.to_owned(),
            },
        );
        let group = group.to_owned();
        tokio::spawn(async move {
            if let Err(error) = connection.invoke_oneway(request).await {
                debug!(%group, %error, peer = %connection.peer_addr(), "could not notify a consumer");
            }
        });
    }
}
