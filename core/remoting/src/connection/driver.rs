//! Starting a connection on an open socket and running it to its end: read, dispatch, then close, draining
//! in-flight requests first when the owning server shuts down gracefully.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::net::tcp::OwnedReadHalf;
use tokio::sync::{OwnedSemaphorePermit, mpsc};
use tokio::task::JoinHandle;
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{debug, info, warn};

use super::dispatch::Dispatcher;
use super::reader::{OnRequest, ReadEnd, read_frames};
use super::writer::write_frames;
use super::{Connection, ConnectionParts, OpaqueSequence};
use crate::codec::RemotingCodec;
use crate::config::ConnectionConfig;
use crate::error::RemotingError;
use crate::events::ConnectionListener;
use crate::registry::ProcessorRegistry;

/// What a connection does when its owner stops.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StopMode {
    /// Close at once (a client shutting down).
    Abort,
    /// Stop reading, let in-flight requests finish and their responses be written, for at most this long
    /// (a server shutting down gracefully).
    Drain(Duration),
}

/// Everything a new connection needs from the client or server that owns it.
pub(crate) struct ConnectionSetup {
    /// How errors name the peer.
    pub(crate) remote: String,
    pub(crate) config: ConnectionConfig,
    pub(crate) opaques: Arc<OpaqueSequence>,
    pub(crate) processors: ProcessorRegistry,
    /// Cancelled when the owner stops.
    pub(crate) stop: CancellationToken,
    pub(crate) stop_mode: StopMode,
    /// What pending requests fail with when the owner stops.
    pub(crate) stop_error: RemotingError,
    pub(crate) listener: Option<Arc<dyn ConnectionListener>>,
    /// Held until the connection ends (a server's connection-limit slot).
    pub(crate) limit_permit: Option<OwnedSemaphorePermit>,
    /// The owner's tasks; the connection's two tasks join it.
    pub(crate) tracker: TaskTracker,
}

/// Starts the reader and writer tasks of a connection on `stream`.
pub(crate) fn start(stream: TcpStream, setup: ConnectionSetup) -> io::Result<Connection> {
    let peer_addr = stream.peer_addr()?;
    let local_addr = stream.local_addr()?;
    stream.set_nodelay(true)?;
    let (read_half, write_half) = stream.into_split();
    let (outbound, queue) = mpsc::channel(setup.config.write_queue_capacity);
    let connection = Connection::new(ConnectionParts {
        remote: setup.remote.clone(),
        peer_addr,
        local_addr,
        outbound,
        opaques: setup.opaques.clone(),
        serialize_type: setup.config.serialize_type,
        oneway_send_timeout: setup.config.oneway_send_timeout,
        max_frame_len: setup.config.max_frame_len,
        idle_timeout: setup.config.idle_timeout,
    });
    let finish = CancellationToken::new();
    let writer = setup.tracker.spawn(write_frames(
        write_half,
        queue,
        connection.clone(),
        finish.clone(),
    ));
    let tracker = setup.tracker.clone();
    tracker.spawn(drive(read_half, connection.clone(), setup, writer, finish));
    Ok(connection)
}

/// The connection's main task: reads until the end, then closes the connection and reports it.
async fn drive(
    read_half: OwnedReadHalf,
    connection: Connection,
    setup: ConnectionSetup,
    writer: JoinHandle<()>,
    finish: CancellationToken,
) {
    let _limit_permit = setup.limit_permit;
    debug!(peer = %connection.peer_addr(), local = %connection.local_addr(), id = connection.id(), "connection open");
    if let Some(listener) = &setup.listener {
        listener.on_connected(&connection);
    }
    let max_in_flight = u32::try_from(setup.config.max_in_flight_requests).unwrap_or(u32::MAX);
    let dispatcher = Dispatcher::new(
        setup.processors,
        max_in_flight,
        setup.config.overload_policy,
        setup.tracker.clone(),
        setup.stop.clone(),
    );
    let mut frames = FramedRead::new(read_half, RemotingCodec::new(setup.config.max_frame_len));
    let end = read_frames(
        &mut frames,
        &connection,
        OnRequest::Dispatch(&dispatcher),
        &setup.stop,
    )
    .await;

    let mut writer = Some(writer);
    let error = match (end, setup.stop_mode) {
        (ReadEnd::Stopped, StopMode::Abort) => setup.stop_error,
        (ReadEnd::Stopped, StopMode::Drain(bound)) => {
            // Wait for the requests in flight and the writing of their responses, while still reading: responses
            // to our own requests arrive, new requests are turned away, and a peer that leaves ends the wait.
            let drain = async {
                dispatcher.drained().await;
                finish.cancel();
                if let Some(writer) = writer.take() {
                    let _ = writer.await;
                }
            };
            let never = CancellationToken::new();
            tokio::select! {
                drained = tokio::time::timeout(bound, drain) => {
                    if drained.is_err() {
                        warn!(peer = %connection.peer_addr(), ?bound, "in-flight requests did not finish in time");
                    }
                    setup.stop_error
                }
                end = read_frames(&mut frames, &connection, OnRequest::TurnAway, &never) => {
                    closing_error(end, &connection).unwrap_or(setup.stop_error)
                }
            }
        }
        (end, _) => closing_error(end, &connection).unwrap_or(setup.stop_error),
    };
    drop(frames);
    connection.close_with(error);
    if let Some(writer) = writer {
        let _ = writer.await;
    }
    if let Some(listener) = &setup.listener {
        listener.on_closed(&connection);
    }
}

/// Logs why the connection ended and returns the error its pending requests fail with (`None` when its owner
/// stopped it).
fn closing_error(end: ReadEnd, connection: &Connection) -> Option<RemotingError> {
    let peer = connection.peer_addr();
    let reason = match end {
        ReadEnd::Stopped => return None,
        ReadEnd::ClosedLocally => "closed locally".to_owned(),
        ReadEnd::PeerClosed => {
            debug!(%peer, "the peer closed the connection");
            "the peer closed the connection".to_owned()
        }
        ReadEnd::ReadFailed(error) => {
            info!(%peer, %error, "reading from the connection failed; closing it");
            format!("read failed: {error}")
        }
        ReadEnd::Idle => {
            info!(%peer, idle = ?connection.idle_timeout(), "no frame for the idle timeout; closing the connection");
            "idle".to_owned()
        }
        ReadEnd::Malformed(error) => {
            warn!(%peer, %error, "malformed frame; closing the connection");
            format!("malformed frame: {error}")
        }
    };
    Some(RemotingError::connection_closed(connection.remote_addr(), reason))
}
