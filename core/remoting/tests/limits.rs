//! Limits: the connection limit closes extra connections at once, and the per-connection in-flight bound either
//! makes requests wait (the default) or answers SYSTEM_BUSY.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use fulmen_protocol::{RemotingCommand, ResponseCode};
use fulmen_remoting::{
    ConnectionConfig, OverloadPolicy, RemotingErrorKind, RemotingServer, ServerConfig, processor_fn,
};
use tokio::net::TcpStream;

/// Polls `condition` until it holds.
async fn eventually(mut condition: impl FnMut() -> bool) {
    while !condition() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn connections_beyond_the_limit_are_closed_at_once() {
    bounded(async {
        let config = ServerConfig {
            max_connections: 2,
            ..ServerConfig::default()
        };
        let (server, _) = test_server(config).await;
        let addr = addr_of(&server);
        let (first, second, third) = (test_client(), test_client(), test_client());
        assert_echo(
            &first
                .invoke(&addr, echo_request("1"), REQUEST_TIMEOUT)
                .await
                .unwrap(),
            "1",
        );
        assert_echo(
            &second
                .invoke(&addr, echo_request("2"), REQUEST_TIMEOUT)
                .await
                .unwrap(),
            "2",
        );
        assert_eq!(server.active_connections(), 2);

        let error = third
            .invoke(&addr, echo_request("3"), REQUEST_TIMEOUT)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), RemotingErrorKind::Connection, "{error}");
        let mut raw = TcpStream::connect(server.local_addr()).await.unwrap();
        assert_closed_by_peer(&mut raw).await;
        assert_eq!(server.active_connections(), 2);

        // The admitted clients are unaffected, and a freed slot admits a new connection.
        assert_echo(
            &first
                .invoke(&addr, echo_request("1b"), REQUEST_TIMEOUT)
                .await
                .unwrap(),
            "1b",
        );
        second.shutdown().await;
        eventually(|| server.active_connections() == 1).await;
        assert_echo(
            &third
                .invoke(&addr, echo_request("3b"), REQUEST_TIMEOUT)
                .await
                .unwrap(),
            "3b",
        );
        first.shutdown().await;
        third.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

/// A processor that records how many of its calls overlap, and sleeps a little.
fn concurrency_probe(
    current: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
) -> impl fulmen_remoting::RequestProcessor {
    processor_fn(move |_ctx, request: RemotingCommand| {
        let (current, peak) = (current.clone(), peak.clone());
        async move {
            let now = current.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(30)).await;
            current.fetch_sub(1, Ordering::SeqCst);
            Some(echo_response(&request))
        }
    })
}

#[tokio::test]
async fn requests_beyond_the_in_flight_bound_wait_by_default() {
    bounded(async {
        let (current, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let connection = ConnectionConfig {
            max_in_flight_requests: 2,
            ..ConnectionConfig::default()
        };
        let server = RemotingServer::builder(ServerConfig {
            connection,
            ..ServerConfig::default()
        })
        .processor(ECHO, concurrency_probe(current, peak.clone()))
        .bind()
        .await
        .unwrap();
        let client = test_client();
        let addr = addr_of(&server);
        let calls: Vec<_> = (0..12)
            .map(|i| {
                let (client, addr) = (client.clone(), addr.clone());
                tokio::spawn(async move {
                    client
                        .invoke(&addr, echo_request(&format!("w{i}")), REQUEST_TIMEOUT)
                        .await
                })
            })
            .collect();
        for (i, call) in calls.into_iter().enumerate() {
            assert_echo(&call.await.unwrap().unwrap(), &format!("w{i}"));
        }
        assert_eq!(
            peak.load(Ordering::SeqCst),
            2,
            "at most two requests were processed at once"
        );
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn requests_beyond_the_in_flight_bound_get_system_busy_when_configured() {
    bounded(async {
        let connection = ConnectionConfig {
            max_in_flight_requests: 1,
            overload_policy: OverloadPolicy::RejectBusy,
            ..ConnectionConfig::default()
        };
        let (server, probe) = test_server(ServerConfig {
            connection,
            ..ServerConfig::default()
        })
        .await;
        let client = test_client();
        let addr = addr_of(&server);
        let slow = tokio::spawn({
            let (client, addr) = (client.clone(), addr.clone());
            async move { client.invoke(&addr, slow_request(300), REQUEST_TIMEOUT).await }
        });
        probe.wait_started(1).await;

        let busy = client
            .invoke(&addr, echo_request("busy"), REQUEST_TIMEOUT)
            .await
            .unwrap();
        assert_eq!(busy.response_code(), ResponseCode::SYSTEM_BUSY);
        assert!(
            busy.remark
                .as_deref()
                .unwrap_or_default()
                .starts_with("[REJECTREQUEST]"),
            "{:?}",
            busy.remark
        );

        assert_eq!(
            slow.await.unwrap().unwrap().response_code(),
            ResponseCode::SUCCESS
        );
        assert_echo(
            &client
                .invoke(&addr, echo_request("free"), REQUEST_TIMEOUT)
                .await
                .unwrap(),
            "free",
        );
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}
