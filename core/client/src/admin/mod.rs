//! [`Admin`]: what Apache's `DefaultMQAdminExt` does for `mqadmin`, as typed async calls that print nothing.
//!
//! One file per area: [`topics`] (create / update / delete, list, route, status), [`cluster`] (cluster info and
//! broker runtime stats), [`groups`] (create subscription groups), [`consumer_progress`] (consume stats per queue
//! and connections), [`messages`] (query by id and by key), [`message_track`] (who consumed a message) and
//! [`offsets`] (queue offsets, search by time, reset by time). The requests and their order follow `DefaultMQAdminExtImpl`, `MQAdminImpl` and
//! `MQClientAPIImpl` of Apache RocketMQ 5.3.3.

mod cluster;
mod config;
mod consumer_progress;
mod groups;
mod message_track;
mod messages;
mod offsets;
mod topics;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use fulmen_protocol::RemotingCommand;

use crate::consumer::broker_call::expect_success;

pub use config::AdminConfig;
pub use message_track::{MessageTrack, TrackType};
pub use messages::StoredMessage;
pub use offsets::{ResetOffsetOutcome, RollbackStats};
pub use topics::{TopicSettings, TopicTarget};

use crate::error::Result;
use crate::instance::ClientInstance;

/// The admin client. Cheap to clone; clones share connections. Dropping the last clone stops the background
/// tasks; [`Admin::shutdown`] also closes every connection.
#[derive(Clone)]
pub struct Admin {
    inner: Arc<Inner>,
}

struct Inner {
    config: AdminConfig,
    instance: ClientInstance,
}

impl Admin {
    /// Checks `config` and starts an admin client on the current tokio runtime. Nothing is sent until a call is
    /// made.
    pub async fn start(config: AdminConfig) -> Result<Admin> {
        config.validate()?;
        let instance = ClientInstance::start(config.client.clone())?;
        Ok(Admin {
            inner: Arc::new(Inner { config, instance }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &AdminConfig {
        &self.inner.config
    }

    /// The client id this admin client announces (`ip@instanceName`).
    pub fn client_id(&self) -> &str {
        self.inner.instance.client_id()
    }

    /// Closes every connection. Idempotent.
    pub async fn shutdown(&self) {
        self.inner.instance.shutdown().await;
    }

    fn instance(&self) -> &ClientInstance {
        &self.inner.instance
    }

    /// The timeout of one request (`DefaultMQAdminExt.timeoutMillis`).
    fn timeout(&self) -> Duration {
        self.inner.config.client.rpc_timeout
    }

    /// Sends `request` to the broker (or name server) at `addr` and fails unless it answers SUCCESS.
    async fn call(&self, addr: &str, request: RemotingCommand, timeout: Duration) -> Result<RemotingCommand> {
        let response = self.instance().invoke_broker(addr, request, timeout).await?;
        expect_success(response, addr)
    }
}

impl fmt::Debug for Admin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Admin")
            .field("namesrv_addr", &self.inner.config.client.namesrv_addr)
            .field("instance", &self.inner.instance)
            .finish()
    }
}

/// The address to ask about a broker group (`BrokerData.selectBrokerAddr`): the master, else any slave (the
/// lowest id rather than Java's random one).
fn select_broker_addr(broker: &fulmen_protocol::body::BrokerData) -> Option<&str> {
    broker
        .master_addr()
        .or_else(|| broker.broker_addrs.values().next().map(String::as_str))
}

/// Every broker group of `route` with the address to ask it at ([`select_broker_addr`]), skipping groups
/// without any address.
fn serving_brokers(
    route: &fulmen_protocol::body::TopicRouteData,
) -> impl Iterator<Item = (&fulmen_protocol::body::BrokerData, &str)> {
    route
        .broker_datas
        .iter()
        .filter_map(|broker| select_broker_addr(broker).map(|addr| (broker, addr)))
}
