//! `RemotingClient`: sends requests to remote addresses over one shared connection per address, and handles the
//! requests those peers send back over the same connections.

mod pool;

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use fulmen_protocol::{RemotingCommand, RequestCode};
use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::warn;

use crate::config::ClientConfig;
use crate::connection::{self, Connection, ConnectionSetup, OpaqueSequence, StopMode};
use crate::error::{RemotingError, Result};
use crate::events::ConnectionListener;
use crate::processor::RequestProcessor;
use crate::registry::ProcessorRegistry;
use pool::ConnectionPool;

/// How long [`RemotingClient::shutdown`] waits for the connection tasks to end.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(5);

/// A remoting client. Cheap to clone: clones share the connections. Dropping the last clone closes them.
///
/// Connections are made on first use of an address, shared by every request to it, and made again on the next
/// use after one closes. Requests the peer sends on them are handled by the processors registered here; codes
/// without one are answered with `REQUEST_CODE_NOT_SUPPORTED (3)`.
#[derive(Clone)]
pub struct RemotingClient {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    config: ClientConfig,
    pool: Arc<ConnectionPool>,
    processors: ProcessorRegistry,
    opaques: Arc<OpaqueSequence>,
    shutdown: CancellationToken,
    tracker: TaskTracker,
    listener: RwLock<Option<Arc<dyn ConnectionListener>>>,
}

impl RemotingClient {
    /// A client with `config`, after checking it. It runs on the caller's tokio runtime.
    pub fn new(config: ClientConfig) -> Result<Self> {
        config.validate()?;
        Ok(RemotingClient {
            inner: Arc::new(ClientInner {
                config,
                pool: Arc::new(ConnectionPool::default()),
                processors: ProcessorRegistry::default(),
                opaques: Arc::new(OpaqueSequence::default()),
                shutdown: CancellationToken::new(),
                tracker: TaskTracker::new(),
                listener: RwLock::new(None),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Handles requests with `code` that peers send to this client with `processor`, replacing any earlier one.
    pub fn register_processor(&self, code: RequestCode, processor: impl RequestProcessor) {
        self.inner.processors.register(code, Arc::new(processor));
    }

    /// Handles requests whose code has no processor of its own with `processor`.
    pub fn set_default_processor(&self, processor: impl RequestProcessor) {
        self.inner.processors.set_default(Arc::new(processor));
    }

    /// Tells `listener` about each connection this client opens from now on (and each that closes), replacing any
    /// earlier listener. A listener that holds this client should hold it weakly.
    pub fn set_connection_listener(&self, listener: impl ConnectionListener) {
        let listener: Arc<dyn ConnectionListener> = Arc::new(listener);
        *self
            .inner
            .listener
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(listener);
    }

    /// Sends `request` to `addr` (`host:port`) and waits for the response. `timeout` covers connecting too.
    pub async fn invoke(
        &self,
        addr: &str,
        request: RemotingCommand,
        timeout: Duration,
    ) -> Result<RemotingCommand> {
        let deadline = Instant::now() + timeout;
        let connection = tokio::time::timeout_at(deadline, self.connection(addr))
            .await
            .unwrap_or_else(|_| {
                Err(RemotingError::Timeout {
                    addr: addr.to_owned(),
                    timeout,
                })
            })?;
        connection.invoke_until(request, deadline, timeout).await
    }

    /// Sends `request` to `addr` as a oneway request: no response is expected or waited for.
    pub async fn invoke_oneway(&self, addr: &str, request: RemotingCommand) -> Result<()> {
        self.connection(addr).await?.invoke_oneway(request).await
    }

    /// The open connection to `addr`, connecting first if there is none.
    pub async fn connection(&self, addr: &str) -> Result<Connection> {
        if self.is_shut_down() {
            return Err(RemotingError::Closed { component: "client" });
        }
        self.inner.pool.get_or_connect(addr, || self.connect(addr)).await
    }

    /// Closes the connection to `addr`, if there is one; its pending requests fail with a connection error.
    pub fn close_connection(&self, addr: &str) {
        if let Some(connection) = self.inner.pool.remove(addr) {
            connection.close();
        }
    }

    /// How many requests, over all connections, wait for their response.
    pub fn pending_requests(&self) -> usize {
        self.inner
            .pool
            .connections()
            .iter()
            .map(Connection::pending_requests)
            .sum()
    }

    /// Closes every connection (pending requests fail with [`RemotingError::Closed`]) and refuses further
    /// requests. Idempotent; waits a few seconds at most for the connection tasks to end.
    pub async fn shutdown(&self) {
        self.inner.shutdown.cancel();
        self.inner.tracker.close();
        for connection in self.inner.pool.take_all() {
            connection.close_with(RemotingError::Closed { component: "client" });
        }
        if tokio::time::timeout(SHUTDOWN_WAIT, self.inner.tracker.wait())
            .await
            .is_err()
        {
            warn!("remoting client connections did not stop within {SHUTDOWN_WAIT:?}");
        }
    }

    /// Whether [`RemotingClient::shutdown`] was called.
    pub fn is_shut_down(&self) -> bool {
        self.inner.shutdown.is_cancelled()
    }

    fn connect(&self, addr: &str) -> BoxFuture<'static, Result<Connection>> {
        let addr = addr.to_owned();
        let timeout = self.inner.config.connect_timeout;
        let setup = ConnectionSetup {
            remote: addr.clone(),
            config: self.inner.config.connection.clone(),
            opaques: self.inner.opaques.clone(),
            processors: self.inner.processors.clone(),
            stop: self.inner.shutdown.clone(),
            stop_mode: StopMode::Abort,
            stop_error: RemotingError::Closed { component: "client" },
            listener: self
                .inner
                .listener
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
            limit_permit: None,
            tracker: self.inner.tracker.clone(),
        };
        async move {
            let stream = match tokio::time::timeout(timeout, TcpStream::connect(addr.as_str())).await {
                Err(_) => return Err(RemotingError::ConnectTimeout { addr, timeout }),
                Ok(Err(error)) => {
                    return Err(RemotingError::ConnectFailed {
                        addr,
                        source: Arc::new(error),
                    });
                }
                Ok(Ok(stream)) => stream,
            };
            connection::start(stream, setup).map_err(|error| RemotingError::ConnectFailed {
                addr,
                source: Arc::new(error),
            })
        }
        .boxed()
    }
}

impl Drop for ClientInner {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl fmt::Debug for RemotingClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemotingClient")
            .field("config", &self.inner.config)
            .field("connections", &self.inner.pool)
            .field("processors", &self.inner.processors)
            .field("shut_down", &self.is_shut_down())
            .finish()
    }
}
