//! `NameServer`: a running name server on the caller's tokio runtime: the remoting server with the name server's
//! processor and connection listener, and the liveness scan.

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use fulmen_protocol::body::{ClusterInfo, TopicRouteData};
use fulmen_remoting::RemotingServer;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::config::NamesrvConfig;
use crate::error::Result;
use crate::liveness::{BrokerConnectionListener, OpenConnections, scan_expired_brokers};
use crate::processor::{HANDLED_CODES, NamesrvProcessor};
use crate::state::{NamesrvState, read};

/// A running name server. Cheap to clone; clones share it. [`NameServer::shutdown`] stops it gracefully, and
/// dropping the last clone stops it too.
///
/// Name servers never talk to each other: run several side by side and register brokers with each.
#[derive(Clone)]
pub struct NameServer {
    inner: Arc<Inner>,
}

struct Inner {
    server: RemotingServer,
    state: Arc<NamesrvState>,
    stop_scan: CancellationToken,
    scan_task: Mutex<Option<JoinHandle<()>>>,
}

impl NameServer {
    /// Checks `config`, binds its listen address and starts serving on the caller's tokio runtime.
    pub async fn start(config: NamesrvConfig) -> Result<NameServer> {
        config.validate()?;
        let state = Arc::new(NamesrvState::new(&config));
        let connections = Arc::new(OpenConnections::default());
        let processor = Arc::new(NamesrvProcessor::new(state.clone()));
        let mut builder =
            RemotingServer::builder(config.server_config()).connection_listener(BrokerConnectionListener {
                state: state.clone(),
                connections: connections.clone(),
            });
        for code in HANDLED_CODES {
            builder = builder.processor(*code, processor.clone());
        }
        let server = builder.bind().await?;
        let local_addr = server.local_addr();
        state.set_bound_addr(local_addr);
        let stop_scan = CancellationToken::new();
        let scan_task = tokio::spawn(scan_expired_brokers(
            state.clone(),
            connections,
            config.scan_interval,
            stop_scan.clone(),
        ));
        info!(%local_addr, "name server started");
        Ok(NameServer {
            inner: Arc::new(Inner {
                server,
                state,
                stop_scan,
                scan_task: Mutex::new(Some(scan_task)),
            }),
        })
    }

    /// The address the name server listens on (with the real port when the configured one was 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.server.local_addr()
    }

    /// The route of `topic` as the name server would answer it now (without `orderTopicConf`).
    pub fn topic_route(&self, topic: &str) -> Option<TopicRouteData> {
        read(&self.inner.state.routes).topic_route(topic)
    }

    /// The brokers and clusters registered now.
    pub fn cluster_info(&self) -> ClusterInfo {
        read(&self.inner.state.routes).cluster_info()
    }

    /// Stops the liveness scan, then shuts the remoting server down gracefully (requests in flight finish).
    /// Idempotent: later calls wait for the same shutdown.
    pub async fn shutdown(&self) {
        self.inner.stop_scan.cancel();
        let scan_task = self
            .inner
            .scan_task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = scan_task {
            if let Err(error) = task.await {
                warn!(%error, "name server liveness scan ended abnormally");
            }
            info!(local_addr = %self.local_addr(), "name server shutting down");
        }
        self.inner.server.shutdown().await;
    }

    /// Whether [`NameServer::shutdown`] was called.
    pub fn is_shut_down(&self) -> bool {
        self.inner.stop_scan.is_cancelled()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stop_scan.cancel();
    }
}

impl fmt::Debug for NameServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NameServer")
            .field("local_addr", &self.local_addr())
            .field(
                "live_brokers",
                &read(&self.inner.state.routes).live_broker_count(),
            )
            .field("shut_down", &self.is_shut_down())
            .finish()
    }
}
