//! `Connection`: a handle to one open TCP connection, on either side, that sends requests and awaits their
//! responses, while the connection's tasks read frames, dispatch incoming requests and write outgoing frames.
//!
//! Each connection has two tasks: a driver that reads frames and dispatches them ([`reader`], [`dispatch`]),
//! and a writer fed by a bounded queue of encoded frames ([`writer`]), so frames are never interleaved.

mod dispatch;
mod driver;
mod opaque;
mod pending;
mod reader;
mod writer;

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use fulmen_protocol::SerializeType;
use fulmen_protocol::command::{FLAG_ONEWAY, FLAG_RESPONSE};
use fulmen_protocol::{ProtocolError, RemotingCommand};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub(crate) use driver::{ConnectionSetup, StopMode, start};
pub(crate) use opaque::OpaqueSequence;
use pending::PendingTable;

use crate::error::{RemotingError, Result};

/// A handle to one open connection. Clones share it; dropping handles does not close it (see [`Connection::close`]).
#[derive(Clone)]
pub struct Connection {
    shared: Arc<Shared>,
}

struct Shared {
    id: u64,
    /// How errors name the peer: the address the client was asked to use, or the accepted peer's address.
    remote: String,
    peer_addr: SocketAddr,
    local_addr: SocketAddr,
    outbound: mpsc::Sender<Bytes>,
    pending: PendingTable,
    opaques: Arc<OpaqueSequence>,
    serialize_type: SerializeType,
    oneway_send_timeout: Duration,
    max_frame_len: usize,
    idle_timeout: Duration,
    /// Cancelled once the connection is closed, after every pending request has been failed.
    closed: CancellationToken,
}

/// The parts a connection is made of, gathered by [`driver::start`].
struct ConnectionParts {
    remote: String,
    peer_addr: SocketAddr,
    local_addr: SocketAddr,
    outbound: mpsc::Sender<Bytes>,
    opaques: Arc<OpaqueSequence>,
    serialize_type: SerializeType,
    oneway_send_timeout: Duration,
    max_frame_len: usize,
    idle_timeout: Duration,
}

static NEXT_CONNECTION_ID: AtomicU64 = AtomicU64::new(1);

impl Connection {
    fn new(parts: ConnectionParts) -> Self {
        Connection {
            shared: Arc::new(Shared {
                id: NEXT_CONNECTION_ID.fetch_add(1, Ordering::Relaxed),
                remote: parts.remote,
                peer_addr: parts.peer_addr,
                local_addr: parts.local_addr,
                outbound: parts.outbound,
                pending: PendingTable::default(),
                opaques: parts.opaques,
                serialize_type: parts.serialize_type,
                oneway_send_timeout: parts.oneway_send_timeout,
                max_frame_len: parts.max_frame_len,
                idle_timeout: parts.idle_timeout,
                closed: CancellationToken::new(),
            }),
        }
    }

    /// A number naming this connection, unique in the process.
    pub fn id(&self) -> u64 {
        self.shared.id
    }

    /// The address a client dialled (`host:port`, as it was given), or the peer's address on a server.
    pub fn remote_addr(&self) -> &str {
        &self.shared.remote
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> SocketAddr {
        self.shared.peer_addr
    }

    /// This side's address.
    pub fn local_addr(&self) -> SocketAddr {
        self.shared.local_addr
    }

    /// Sends `request` and waits up to `timeout` for its response.
    ///
    /// The request gets a fresh opaque, this side's header form, and its response and oneway flags cleared.
    /// On timeout (or if this future is dropped) the request is forgotten; a late response is discarded.
    pub async fn invoke(&self, request: RemotingCommand, timeout: Duration) -> Result<RemotingCommand> {
        self.invoke_until(request, Instant::now() + timeout, timeout)
            .await
    }

    /// [`Connection::invoke`] with an absolute deadline; `timeout` is only reported in the error.
    pub(crate) async fn invoke_until(
        &self,
        mut request: RemotingCommand,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<RemotingCommand> {
        let mut slot = self.shared.pending.register(&self.shared.opaques)?;
        request.opaque = slot.opaque();
        request.flag &= !(FLAG_RESPONSE | FLAG_ONEWAY);
        let frame = self.encode(request)?;
        let receiver = slot.take_receiver();
        let exchange = async {
            self.enqueue(frame).await?;
            match receiver {
                Some(receiver) => receiver.await.unwrap_or_else(|_| Err(self.closed_error())),
                None => Err(self.closed_error()),
            }
        };
        let outcome = tokio::time::timeout_at(deadline, exchange).await;
        drop(slot);
        outcome.unwrap_or_else(|_| {
            Err(RemotingError::Timeout {
                addr: self.shared.remote.clone(),
                timeout,
            })
        })
    }

    /// Sends `request` marked oneway: the peer will not answer. Returns once the frame is queued for writing;
    /// waits at most [`crate::ConnectionConfig::oneway_send_timeout`] for room in the queue.
    pub async fn invoke_oneway(&self, mut request: RemotingCommand) -> Result<()> {
        if let Some(error) = self.shared.pending.close_error() {
            return Err(error);
        }
        request.opaque = self.shared.opaques.next();
        request.flag = (request.flag & !FLAG_RESPONSE) | FLAG_ONEWAY;
        let frame = self.encode(request)?;
        let timeout = self.shared.oneway_send_timeout;
        tokio::time::timeout(timeout, self.enqueue(frame))
            .await
            .unwrap_or_else(|_| {
                Err(RemotingError::Timeout {
                    addr: self.shared.remote.clone(),
                    timeout,
                })
            })
    }

    /// Queues a response (opaque and flags already set by the caller) for writing.
    pub(crate) async fn send_response(&self, response: RemotingCommand) -> Result<()> {
        let frame = self.encode(response)?;
        self.enqueue(frame).await
    }

    /// Whether the connection has closed.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.is_cancelled()
    }

    /// Resolves once the connection has closed, for whatever reason; at once if it already has.
    pub fn closed(&self) -> impl Future<Output = ()> + Send + 'static {
        let closed = self.shared.closed.clone();
        async move { closed.cancelled().await }
    }

    /// Closes the connection now: pending requests fail with a connection error, queued frames are dropped.
    pub fn close(&self) {
        self.close_with(RemotingError::connection_closed(
            &self.shared.remote,
            "closed locally",
        ));
    }

    /// How many requests sent on this connection still wait for their response.
    pub fn pending_requests(&self) -> usize {
        self.shared.pending.len()
    }

    /// Closes the connection, failing every pending request with `error`. Only the first call has an effect.
    pub(crate) fn close_with(&self, error: RemotingError) {
        if self.shared.pending.close(error) {
            self.shared.closed.cancel();
        }
    }

    pub(crate) fn closed_token(&self) -> &CancellationToken {
        &self.shared.closed
    }

    fn encode(&self, mut command: RemotingCommand) -> Result<Bytes> {
        command.serialize_type = self.shared.serialize_type;
        let frame = command.to_bytes()?;
        // The peer would close the connection (and fail every request on it) rather than read a longer frame.
        if frame.len() > self.shared.max_frame_len {
            return Err(ProtocolError::FrameTooLarge {
                length: frame.len(),
                max: self.shared.max_frame_len,
            }
            .into());
        }
        Ok(frame)
    }

    /// How long the read loop waits for a frame before it considers the connection idle.
    pub(crate) fn idle_timeout(&self) -> Duration {
        self.shared.idle_timeout
    }

    async fn enqueue(&self, frame: Bytes) -> Result<()> {
        self.shared
            .outbound
            .send(frame)
            .await
            .map_err(|_| self.closed_error())
    }

    fn closed_error(&self) -> RemotingError {
        self.shared.pending.close_error().unwrap_or_else(|| {
            RemotingError::connection_closed(&self.shared.remote, "the connection is closing")
        })
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("id", &self.shared.id)
            .field("remote", &self.shared.remote)
            .field("peer_addr", &self.shared.peer_addr)
            .field("local_addr", &self.shared.local_addr)
            .field("closed", &self.is_closed())
            .finish()
    }
}
