//! The read loop of a connection: responses go to their waiting caller, requests to the dispatcher, until the
//! peer closes, the bytes go bad, the connection is closed, or its owner stops.

use std::io;

use fulmen_protocol::{ProtocolError, RemotingCommand};
use futures::StreamExt;
use tokio::net::tcp::OwnedReadHalf;
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;
use tracing::debug;

use super::Connection;
use super::dispatch::{Dispatcher, turn_away};
use crate::codec::{CodecError, RemotingCodec};

/// Why the read loop ended.
#[derive(Debug)]
pub(crate) enum ReadEnd {
    /// The client or server owning the connection is stopping.
    Stopped,
    /// The connection was closed from this side (or by its writer).
    ClosedLocally,
    /// The peer closed the connection between frames.
    PeerClosed,
    /// The socket failed, or the peer closed it in the middle of a frame.
    ReadFailed(io::Error),
    /// The peer sent bytes that are not a valid frame.
    Malformed(ProtocolError),
    /// No frame arrived for the idle timeout while nothing waited for an answer.
    Idle,
}

/// What the read loop does with incoming requests.
#[derive(Debug, Clone, Copy)]
pub(crate) enum OnRequest<'a> {
    /// Hand them to their processors.
    Dispatch(&'a Dispatcher),
    /// Turn them away at once: the server is draining before it closes.
    TurnAway,
}

/// Reads frames until one of the [`ReadEnd`] conditions.
pub(crate) async fn read_frames(
    frames: &mut FramedRead<OwnedReadHalf, RemotingCodec>,
    connection: &Connection,
    on_request: OnRequest<'_>,
    stop: &CancellationToken,
) -> ReadEnd {
    let closed = connection.closed_token();
    loop {
        let next = tokio::select! {
            biased;
            _ = closed.cancelled() => return ReadEnd::ClosedLocally,
            _ = stop.cancelled() => return ReadEnd::Stopped,
            next = tokio::time::timeout(connection.idle_timeout(), frames.next()) => next,
        };
        let Ok(next) = next else {
            if connection.pending_requests() == 0 {
                return ReadEnd::Idle;
            }
            continue; // an answer is still expected: not idle
        };
        let command = match next {
            None => return ReadEnd::PeerClosed,
            Some(Err(CodecError::Io(error))) => return ReadEnd::ReadFailed(error),
            Some(Err(CodecError::Protocol(error))) => return ReadEnd::Malformed(error),
            Some(Ok(command)) => command,
        };
        if command.is_response() {
            let opaque = command.opaque;
            if !connection.shared.pending.complete(command) {
                debug!(peer = %connection.peer_addr(), opaque, "dropping a response that nobody waits for");
            }
            continue;
        }
        tokio::select! {
            biased;
            _ = closed.cancelled() => return ReadEnd::ClosedLocally,
            _ = stop.cancelled() => return ReadEnd::Stopped,
            () = handle_request(on_request, connection, command) => {}
        }
    }
}

async fn handle_request(on_request: OnRequest<'_>, connection: &Connection, request: RemotingCommand) {
    match on_request {
        OnRequest::Dispatch(dispatcher) => dispatcher.dispatch(connection, request).await,
        OnRequest::TurnAway => turn_away(connection, &request).await,
    }
}
