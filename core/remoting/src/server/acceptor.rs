//! The accept loop of a server: takes new connections while under the connection limit, closes the others at
//! once, and stops when the server shuts down (dropping the listening socket).

use std::io;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

/// How long to pause after a failed accept (for example when the process is out of file descriptors).
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// Accepts connections until `stop` is cancelled. `start` serves each one, holding its permit until it ends.
pub(crate) async fn accept_connections(
    listener: TcpListener,
    limit: Arc<Semaphore>,
    max_connections: usize,
    start: impl Fn(TcpStream, OwnedSemaphorePermit) -> io::Result<()> + Send + 'static,
    stop: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            biased;
            _ = stop.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                warn!(%error, "accepting a connection failed");
                tokio::select! {
                    _ = stop.cancelled() => return,
                    () = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => continue,
                }
            }
        };
        let Ok(permit) = limit.clone().try_acquire_owned() else {
            warn!(%peer, max_connections, "connection limit reached; closing the new connection");
            drop(stream);
            continue;
        };
        if let Err(error) = start(stream, permit) {
            debug!(%peer, %error, "the new connection could not be set up");
        }
    }
}
