//! The write loop of a connection: the only code that writes to the socket. It takes encoded frames from a
//! bounded queue, writes whatever is queued in one go and flushes when the queue runs dry.

use std::io;

use bytes::Bytes;
use tokio::io::{AsyncWriteExt, BufWriter};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::info;

use super::Connection;
use crate::error::RemotingError;

/// Frames up to this size are gathered in a buffer before a write; larger ones go to the socket directly.
const WRITE_BUFFER_LEN: usize = 64 * 1024;

/// Writes frames until the connection closes, or until `finish` is cancelled and the queue is empty (then the
/// write side is shut down cleanly). A write error closes the connection.
pub(crate) async fn write_frames(
    socket: OwnedWriteHalf,
    mut queue: mpsc::Receiver<Bytes>,
    connection: Connection,
    finish: CancellationToken,
) {
    let mut out = BufWriter::with_capacity(WRITE_BUFFER_LEN, socket);
    let outcome = tokio::select! {
        biased;
        _ = connection.closed_token().cancelled() => return,
        outcome = write_until_finished(&mut out, &mut queue, &finish) => outcome,
    };
    if let Err(error) = outcome {
        info!(peer = %connection.peer_addr(), %error, "writing to the connection failed; closing it");
        connection.close_with(RemotingError::connection_closed(
            connection.remote_addr(),
            format!("write failed: {error}"),
        ));
    }
}

async fn write_until_finished(
    out: &mut BufWriter<OwnedWriteHalf>,
    queue: &mut mpsc::Receiver<Bytes>,
    finish: &CancellationToken,
) -> io::Result<()> {
    loop {
        let frame = tokio::select! {
            biased;
            frame = queue.recv() => frame,
            _ = finish.cancelled() => None,
        };
        let Some(frame) = frame else { break };
        out.write_all(&frame).await?;
        while let Ok(frame) = queue.try_recv() {
            out.write_all(&frame).await?;
        }
        out.flush().await?;
    }
    out.shutdown().await
}
