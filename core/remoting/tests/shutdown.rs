//! Shutting down: a server drains in-flight requests (within its bound) and turns new ones away, a client fails
//! its pending requests with `Closed`, shutdown is idempotent, and dropping the last handle stops everything.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::time::{Duration, Instant};

use common::*;
use fulmen_protocol::{ResponseCode, Version};
use fulmen_remoting::{RemotingError, RemotingErrorKind, ServerConfig};
use tokio::net::TcpStream;

/// Polls `condition` until it holds.
async fn eventually(mut condition: impl FnMut() -> bool) {
    while !condition() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn graceful_shutdown_lets_an_in_flight_request_finish_and_turns_new_ones_away() {
    bounded(async {
        let (server, probe) = test_server(ServerConfig::default()).await;
        let client = test_client();
        let addr = addr_of(&server);
        let slow = tokio::spawn({
            let (client, addr) = (client.clone(), addr.clone());
            async move { client.invoke(&addr, slow_request(400), REQUEST_TIMEOUT).await }
        });
        probe.wait_started(1).await;

        let shutdown = tokio::spawn({
            let server = server.clone();
            async move { server.shutdown().await }
        });
        eventually(|| server.is_shut_down()).await;

        // Requests arriving while the server drains are turned away: GO_AWAY for recent peers, SYSTEM_BUSY for old.
        let response = client
            .invoke(&addr, echo_request("late"), REQUEST_TIMEOUT)
            .await
            .unwrap();
        assert_eq!(response.response_code(), ResponseCode::GO_AWAY);
        let mut old = echo_request("old");
        old.version = Version::V4_9_4;
        let response = client.invoke(&addr, old, REQUEST_TIMEOUT).await.unwrap();
        assert_eq!(response.response_code(), ResponseCode::SYSTEM_BUSY);

        // The request in flight is answered before the connection closes.
        let response = slow.await.unwrap().unwrap();
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        assert_eq!(probe.finished.load(std::sync::atomic::Ordering::SeqCst), 1);
        shutdown.await.unwrap();
        assert_eq!(server.active_connections(), 0);

        // Nothing listens any more, and a second shutdown returns at once.
        let error = client
            .invoke(&addr, echo_request("closed"), REQUEST_TIMEOUT)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), RemotingErrorKind::Connection, "{error}");
        tokio::time::timeout(Duration::from_secs(1), server.shutdown())
            .await
            .unwrap();
        client.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn graceful_shutdown_gives_up_on_requests_that_outlast_its_bound() {
    bounded(async {
        let config = ServerConfig {
            shutdown_timeout: Duration::from_millis(300),
            ..ServerConfig::default()
        };
        let (server, probe) = test_server(config).await;
        let client = test_client();
        let addr = addr_of(&server);
        let stuck = tokio::spawn({
            let (client, addr) = (client.clone(), addr.clone());
            async move { client.invoke(&addr, slow_request(60_000), REQUEST_TIMEOUT).await }
        });
        probe.wait_started(1).await;

        let started = Instant::now();
        server.shutdown().await;
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(250),
            "shutdown did not wait for the drain: {took:?}"
        );
        assert!(
            took < Duration::from_secs(3),
            "shutdown overran its bound: {took:?}"
        );
        let error = stuck.await.unwrap().unwrap_err();
        assert_eq!(error.kind(), RemotingErrorKind::Connection, "{error}");
        client.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn client_shutdown_fails_pending_requests_with_closed_and_refuses_new_ones() {
    bounded(async {
        let (server, probe) = test_server(ServerConfig::default()).await;
        let client = test_client();
        let addr = addr_of(&server);
        let connection = client.connection(&addr).await.unwrap();
        let pending = tokio::spawn({
            let (client, addr) = (client.clone(), addr.clone());
            async move { client.invoke(&addr, slow_request(60_000), REQUEST_TIMEOUT).await }
        });
        probe.wait_started(1).await;

        client.shutdown().await;
        let error = pending.await.unwrap().unwrap_err();
        assert!(
            matches!(error, RemotingError::Closed { component: "client" }),
            "{error:?}"
        );
        assert_eq!(error.kind(), RemotingErrorKind::Closed);
        assert!(connection.is_closed());
        let error = client
            .invoke(&addr, echo_request("after"), REQUEST_TIMEOUT)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), RemotingErrorKind::Closed);
        let error = connection
            .invoke(echo_request("stale"), REQUEST_TIMEOUT)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), RemotingErrorKind::Closed);
        client.shutdown().await;
        assert!(client.is_shut_down());
        eventually(|| server.active_connections() == 0).await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn dropping_the_last_client_handle_closes_its_connections() {
    bounded(async {
        let (server, _) = test_server(ServerConfig::default()).await;
        let client = test_client();
        let other_handle = client.clone();
        let addr = addr_of(&server);
        let connection = client.connection(&addr).await.unwrap();
        assert_echo(
            &client
                .invoke(&addr, echo_request("x"), REQUEST_TIMEOUT)
                .await
                .unwrap(),
            "x",
        );
        drop(client);
        assert!(
            !connection.is_closed(),
            "a remaining clone keeps the client alive"
        );
        drop(other_handle);
        connection.closed().await;
        eventually(|| server.active_connections() == 0).await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn dropping_the_server_stops_listening() {
    bounded(async {
        let (server, _) = test_server(ServerConfig::default()).await;
        let local_addr = server.local_addr();
        drop(server);
        loop {
            match TcpStream::connect(local_addr).await {
                Err(_) => break,
                Ok(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    })
    .await;
}
