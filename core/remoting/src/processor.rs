//! The request-handling contract: [`RequestProcessor`], the [`RequestContext`] it receives, and
//! [`processor_fn`] to make a processor from an async closure.
//!
//! The same contract serves both sides: a server dispatches the requests clients send, and a client dispatches the
//! requests a broker sends back over the client's own connection (`NOTIFY_CONSUMER_IDS_CHANGED`,
//! `CHECK_TRANSACTION_STATE`, ...).

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;

use fulmen_protocol::RemotingCommand;
use futures::future::BoxFuture;
use tokio_util::sync::CancellationToken;

use crate::connection::Connection;

/// Handles the requests of one or more request codes.
///
/// The returned future runs on its own task, while it holds one of the connection's in-flight slots
/// ([`crate::ConnectionConfig::max_in_flight_requests`]). It resolves to the response, or `None` to send nothing.
/// The transport copies the request's opaque into the response and sets its response flag, and never sends a
/// response to a oneway request. A processor that panics is answered with `SYSTEM_ERROR (1)`.
///
/// The future is not cancelled when the connection closes: its response is then dropped.
pub trait RequestProcessor: Send + Sync + 'static {
    /// Processes one request.
    fn process(
        &self,
        ctx: RequestContext,
        request: RemotingCommand,
    ) -> BoxFuture<'static, Option<RemotingCommand>>;
}

/// What a processor knows about the request it handles: where it came from, and the connection it came on.
#[derive(Clone)]
pub struct RequestContext {
    connection: Connection,
    stop: CancellationToken,
}

impl RequestContext {
    pub(crate) fn new(connection: Connection, stop: CancellationToken) -> Self {
        RequestContext { connection, stop }
    }

    /// Resolves when the server (or client) that received the request starts to shut down. A processor that holds
    /// a request for long (a long-polling pull) should answer then instead of waiting out its hold time; the
    /// shutdown waits for processors, up to its bound.
    pub fn stopping(&self) -> impl Future<Output = ()> + Send + 'static {
        self.stop.clone().cancelled_owned()
    }

    /// Whether the owner is shutting down.
    pub fn is_stopping(&self) -> bool {
        self.stop.is_cancelled()
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> SocketAddr {
        self.connection.peer_addr()
    }

    /// This side's address on the connection.
    pub fn local_addr(&self) -> SocketAddr {
        self.connection.local_addr()
    }

    /// The connection the request came on. It can send requests to the peer ([`Connection::invoke`],
    /// [`Connection::invoke_oneway`]) and tells when it closes ([`Connection::closed`]); keep a clone to call
    /// the peer back later.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }
}

impl fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestContext")
            .field("connection", &self.connection)
            .finish()
    }
}

/// Makes a [`RequestProcessor`] from an async closure.
///
/// ```
/// use fulmen_protocol::{RemotingCommand, ResponseCode};
/// use fulmen_remoting::processor_fn;
///
/// let echo = processor_fn(|_ctx, request: RemotingCommand| async move {
///     Some(RemotingCommand::response(ResponseCode::SUCCESS, None).with_body(request.body))
/// });
/// # let _ = echo;
/// ```
pub fn processor_fn<F, Fut>(handler: F) -> FnProcessor<F>
where
    F: Fn(RequestContext, RemotingCommand) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<RemotingCommand>> + Send + 'static,
{
    FnProcessor { handler }
}

/// A [`RequestProcessor`] made by [`processor_fn`].
#[derive(Clone)]
pub struct FnProcessor<F> {
    handler: F,
}

impl<F, Fut> RequestProcessor for FnProcessor<F>
where
    F: Fn(RequestContext, RemotingCommand) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<RemotingCommand>> + Send + 'static,
{
    fn process(
        &self,
        ctx: RequestContext,
        request: RemotingCommand,
    ) -> BoxFuture<'static, Option<RemotingCommand>> {
        Box::pin((self.handler)(ctx, request))
    }
}

impl<F> fmt::Debug for FnProcessor<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnProcessor")
    }
}

impl<P: RequestProcessor + ?Sized> RequestProcessor for std::sync::Arc<P> {
    fn process(
        &self,
        ctx: RequestContext,
        request: RemotingCommand,
    ) -> BoxFuture<'static, Option<RemotingCommand>> {
        (**self).process(ctx, request)
    }
}
