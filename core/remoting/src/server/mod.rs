//! `RemotingServer`: listens on a TCP address, dispatches each request to the processor registered for its code,
//! caps connections, and shuts down gracefully.

mod acceptor;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use fulmen_protocol::RequestCode;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

use crate::config::ServerConfig;
use crate::connection::{self, ConnectionSetup, OpaqueSequence, StopMode};
use crate::error::{RemotingError, Result};
use crate::events::ConnectionListener;
use crate::processor::RequestProcessor;
use crate::registry::ProcessorRegistry;
use acceptor::accept_connections;

/// Extra time [`RemotingServer::shutdown`] allows past the drain bound for the connection tasks to end.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// A running remoting server. Cheap to clone; dropping the last clone starts a graceful shutdown in the
/// background.
///
/// Requests go to the processor registered for their code, else the default processor, else they are answered
/// with `REQUEST_CODE_NOT_SUPPORTED (3)` and the remark `" request type <code> not supported"`. Oneway requests
/// are never answered. Each connection processes at most
/// [`crate::ConnectionConfig::max_in_flight_requests`] requests at once (see [`crate::OverloadPolicy`]).
#[derive(Clone)]
pub struct RemotingServer {
    inner: Arc<ServerInner>,
}

struct ServerInner {
    config: ServerConfig,
    local_addr: SocketAddr,
    processors: ProcessorRegistry,
    connection_limit: Arc<Semaphore>,
    shutdown: CancellationToken,
    tracker: TaskTracker,
}

/// Sets up a [`RemotingServer`] before it accepts its first connection.
#[must_use = "a builder does nothing until `bind` is called"]
pub struct ServerBuilder {
    config: ServerConfig,
    processors: ProcessorRegistry,
    listener: Option<Arc<dyn ConnectionListener>>,
}

impl ServerBuilder {
    /// Handles requests with `code` with `processor`, replacing any earlier one.
    pub fn processor(self, code: RequestCode, processor: impl RequestProcessor) -> Self {
        self.processors.register(code, Arc::new(processor));
        self
    }

    /// Handles requests whose code has no processor of its own with `processor`.
    pub fn default_processor(self, processor: impl RequestProcessor) -> Self {
        self.processors.set_default(Arc::new(processor));
        self
    }

    /// Tells `listener` about every connection that opens and closes.
    pub fn connection_listener(mut self, listener: impl ConnectionListener) -> Self {
        self.listener = Some(Arc::new(listener));
        self
    }

    /// Checks the configuration, binds the address and starts accepting connections on the caller's runtime.
    pub async fn bind(self) -> Result<RemotingServer> {
        let ServerBuilder {
            config,
            processors,
            listener,
        } = self;
        config.validate()?;
        let bind_error = |error| RemotingError::Bind {
            addr: config.bind_addr.to_string(),
            source: Arc::new(error),
        };
        let socket = TcpListener::bind(config.bind_addr).await.map_err(bind_error)?;
        let local_addr = socket.local_addr().map_err(bind_error)?;

        let inner = Arc::new(ServerInner {
            local_addr,
            processors,
            connection_limit: Arc::new(Semaphore::new(config.max_connections)),
            shutdown: CancellationToken::new(),
            tracker: TaskTracker::new(),
            config,
        });
        let start_connection = {
            let opaques = Arc::new(OpaqueSequence::default());
            let config = inner.config.clone();
            let processors = inner.processors.clone();
            let stop = inner.shutdown.clone();
            let tracker = inner.tracker.clone();
            move |stream: tokio::net::TcpStream, permit| {
                let remote = stream.peer_addr()?.to_string();
                connection::start(
                    stream,
                    ConnectionSetup {
                        remote,
                        config: config.connection.clone(),
                        opaques: opaques.clone(),
                        processors: processors.clone(),
                        stop: stop.clone(),
                        stop_mode: StopMode::Drain(config.shutdown_timeout),
                        stop_error: RemotingError::Closed { component: "server" },
                        listener: listener.clone(),
                        limit_permit: Some(permit),
                        tracker: tracker.clone(),
                    },
                )
                .map(drop)
            }
        };
        inner.tracker.spawn(accept_connections(
            socket,
            inner.connection_limit.clone(),
            inner.config.max_connections,
            start_connection,
            inner.shutdown.clone(),
        ));
        info!(%local_addr, "remoting server listening");
        Ok(RemotingServer { inner })
    }
}

impl fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("config", &self.config)
            .field("processors", &self.processors)
            .field("has_connection_listener", &self.listener.is_some())
            .finish()
    }
}

impl RemotingServer {
    /// A builder for a server with `config`, to register processors and a connection listener before binding.
    pub fn builder(config: ServerConfig) -> ServerBuilder {
        ServerBuilder {
            config,
            processors: ProcessorRegistry::default(),
            listener: None,
        }
    }

    /// Binds a server with `config` and no processors yet (see [`RemotingServer::register_processor`]).
    pub async fn bind(config: ServerConfig) -> Result<Self> {
        Self::builder(config).bind().await
    }

    /// The address the server listens on (with the real port when the configured one was 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.local_addr
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// Handles requests with `code` with `processor`, replacing any earlier one; open connections see it too.
    pub fn register_processor(&self, code: RequestCode, processor: impl RequestProcessor) {
        self.inner.processors.register(code, Arc::new(processor));
    }

    /// Handles requests whose code has no processor of its own with `processor`.
    pub fn set_default_processor(&self, processor: impl RequestProcessor) {
        self.inner.processors.set_default(Arc::new(processor));
    }

    /// How many connections are open.
    pub fn active_connections(&self) -> usize {
        self.inner.config.max_connections - self.inner.connection_limit.available_permits()
    }

    /// Shuts down gracefully: stops accepting, stops reading requests, lets the requests in flight finish and
    /// their responses be written for at most [`ServerConfig::shutdown_timeout`], then closes every connection
    /// (requests this server sent and still waits for fail with [`RemotingError::Closed`]). Idempotent: every
    /// call waits for the same shutdown to complete.
    pub async fn shutdown(&self) {
        self.inner.shutdown.cancel();
        self.inner.tracker.close();
        let bound = self.inner.config.shutdown_timeout + SHUTDOWN_GRACE;
        if tokio::time::timeout(bound, self.inner.tracker.wait())
            .await
            .is_err()
        {
            warn!(local_addr = %self.inner.local_addr, "remoting server tasks did not stop within {bound:?}");
        }
    }

    /// Whether [`RemotingServer::shutdown`] was called.
    pub fn is_shut_down(&self) -> bool {
        self.inner.shutdown.is_cancelled()
    }
}

impl Drop for ServerInner {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl fmt::Debug for RemotingServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemotingServer")
            .field("local_addr", &self.inner.local_addr)
            .field("active_connections", &self.active_connections())
            .field("processors", &self.inner.processors)
            .field("shut_down", &self.is_shut_down())
            .finish()
    }
}
