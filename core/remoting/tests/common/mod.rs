//! Helpers shared by the integration tests: test request codes and processors, servers on 127.0.0.1:0, raw
//! frames over a plain `TcpStream`, and a time bound around every test.
#![allow(dead_code)] // each test file uses a different subset

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use fulmen_protocol::{FrameDecoder, RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::{
    ClientConfig, RemotingClient, RemotingServer, ServerBuilder, ServerConfig, processor_fn,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// No test may run longer than this.
pub const TEST_BOUND: Duration = Duration::from_secs(30);
/// The timeout of requests that are expected to succeed.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Answers SUCCESS with the request's `extFields` and body, plus `form` = the header form the request came in.
pub const ECHO: RequestCode = RequestCode(9001);
/// Sleeps for the duration in the `millis` field, then answers like [`ECHO`].
pub const SLOW: RequestCode = RequestCode(9002);
/// A code no test server handles.
pub const UNKNOWN: RequestCode = RequestCode(9999);

/// Runs `test` within [`TEST_BOUND`].
pub async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_BOUND, test)
        .await
        .expect("the test did not finish within its time bound")
}

/// The echo response to `request`.
pub fn echo_response(request: &RemotingCommand) -> RemotingCommand {
    let mut response = RemotingCommand::response(ResponseCode::SUCCESS, None).with_body(request.body.clone());
    response.ext_fields = request.ext_fields.clone();
    response.set_ext_field("form", format!("{:?}", request.serialize_type));
    response
}

/// An echo request carrying `id` in its `extFields` and body.
pub fn echo_request(id: &str) -> RemotingCommand {
    let mut request = RemotingCommand::request(ECHO).with_body(Bytes::from(format!("body-{id}")));
    request.set_ext_field("id", id);
    request
}

/// A [`SLOW`] request that takes `millis` to answer.
pub fn slow_request(millis: u64) -> RemotingCommand {
    let mut request = RemotingCommand::request(SLOW);
    request.set_ext_field("millis", millis.to_string());
    request
}

/// Counts the slow requests that have started, and lets tests wait for them.
#[derive(Debug, Default)]
pub struct SlowProbe {
    pub started: AtomicUsize,
    pub finished: AtomicUsize,
    pub notify: Notify,
}

impl SlowProbe {
    /// Waits until `count` slow requests have started.
    pub async fn wait_started(&self, count: usize) {
        loop {
            let notified = self.notify.notified();
            if self.started.load(Ordering::SeqCst) >= count {
                return;
            }
            notified.await;
        }
    }
}

/// Registers the [`ECHO`] and [`SLOW`] processors on `builder`.
pub fn with_test_processors(builder: ServerBuilder, probe: Arc<SlowProbe>) -> ServerBuilder {
    builder
        .processor(
            ECHO,
            processor_fn(|_ctx, request: RemotingCommand| async move { Some(echo_response(&request)) }),
        )
        .processor(
            SLOW,
            processor_fn(move |_ctx, request: RemotingCommand| {
                let probe = probe.clone();
                async move {
                    let millis = request
                        .ext_field("millis")
                        .and_then(|m| m.parse().ok())
                        .unwrap_or(0);
                    probe.started.fetch_add(1, Ordering::SeqCst);
                    probe.notify.notify_waiters();
                    tokio::time::sleep(Duration::from_millis(millis)).await;
                    probe.finished.fetch_add(1, Ordering::SeqCst);
                    Some(echo_response(&request))
                }
            }),
        )
}

/// A server on 127.0.0.1:0 with the echo and slow processors.
pub async fn test_server(config: ServerConfig) -> (RemotingServer, Arc<SlowProbe>) {
    let probe = Arc::new(SlowProbe::default());
    let server = with_test_processors(RemotingServer::builder(config), probe.clone())
        .bind()
        .await
        .unwrap();
    (server, probe)
}

/// A client with the default configuration.
pub fn test_client() -> RemotingClient {
    RemotingClient::new(ClientConfig::default()).unwrap()
}

/// The server's address as a client uses it.
pub fn addr_of(server: &RemotingServer) -> String {
    server.local_addr().to_string()
}

/// Asserts that `response` answers `echo_request(id)`.
pub fn assert_echo(response: &RemotingCommand, id: &str) {
    assert!(response.is_response());
    assert_eq!(response.response_code(), ResponseCode::SUCCESS);
    assert_eq!(response.ext_field("id"), Some(id));
    assert_eq!(response.body, Bytes::from(format!("body-{id}")));
}

/// Reads one frame from a raw stream; `None` at EOF or on a reset.
pub async fn read_frame(stream: &mut TcpStream) -> Option<RemotingCommand> {
    let decoder = FrameDecoder::default();
    let mut buf = BytesMut::new();
    loop {
        if let Some(command) = decoder.decode(&mut buf).unwrap() {
            return Some(command);
        }
        match stream.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Writes `command` as one frame on a raw stream.
pub async fn write_command(stream: &mut TcpStream, command: &RemotingCommand) -> io::Result<()> {
    stream.write_all(&command.to_bytes().unwrap()).await
}

/// Asserts that the peer closes `stream` (EOF or reset) without sending anything first.
pub async fn assert_closed_by_peer(stream: &mut TcpStream) {
    let mut buf = [0u8; 64];
    match stream.read(&mut buf).await {
        Ok(0) => {}
        Ok(n) => panic!("expected the connection to close, but read {n} bytes"),
        Err(error) => assert!(
            matches!(
                error.kind(),
                io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
            ),
            "unexpected read error {error}"
        ),
    }
}

/// A frame with the given header length mark and header bytes, and a correct total length.
pub fn frame(mark: u32, header: &[u8]) -> Vec<u8> {
    let total = (4 + header.len()) as u32;
    let mut bytes = total.to_be_bytes().to_vec();
    bytes.extend_from_slice(&mark.to_be_bytes());
    bytes.extend_from_slice(header);
    bytes
}

/// Sends `bytes` on a fresh raw connection and checks the server closes it.
pub async fn send_malformed(server: &RemotingServer, name: &str, bytes: &[u8]) -> TcpStream {
    let mut raw = TcpStream::connect(server.local_addr()).await.unwrap();
    raw.write_all(bytes).await.unwrap();
    tokio::time::timeout(REQUEST_TIMEOUT, assert_closed_by_peer(&mut raw))
        .await
        .unwrap_or_else(|_| panic!("{name}: the server did not close the connection"));
    raw
}
