//! Losing a connection: every pending request fails at once with a connection error (well before its timeout),
//! and the next call reconnects. Covers the server closing, a peer vanishing, and a peer sending garbage.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::time::{Duration, Instant};

use common::*;
use fulmen_protocol::{RemotingCommand, RequestCode};
use fulmen_remoting::{RemotingErrorKind, ServerConfig, processor_fn};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// Closes the connection it arrives on.
const CLOSE: RequestCode = RequestCode(9100);

#[tokio::test]
async fn the_server_closing_a_connection_fails_all_pending_requests_at_once() {
    bounded(async {
        let (server, probe) = test_server(quick_shutdown()).await;
        server.register_processor(
            CLOSE,
            processor_fn(|ctx, _request: RemotingCommand| async move {
                ctx.connection().close();
                None
            }),
        );
        let client = test_client();
        let addr = addr_of(&server);
        let first_connection = client.connection(&addr).await.unwrap();

        let slow_calls: Vec<_> = (0..5)
            .map(|_| {
                let client = client.clone();
                let addr = addr.clone();
                tokio::spawn(async move { client.invoke(&addr, slow_request(20_000), REQUEST_TIMEOUT).await })
            })
            .collect();
        probe.wait_started(5).await;
        assert_eq!(client.pending_requests(), 5);

        let started = Instant::now();
        let error = client
            .invoke(&addr, RemotingCommand::request(CLOSE), REQUEST_TIMEOUT)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), RemotingErrorKind::Connection, "{error}");
        for call in slow_calls {
            let error = call.await.unwrap().unwrap_err();
            assert_eq!(error.kind(), RemotingErrorKind::Connection, "{error}");
            assert!(error.to_string().contains(&addr), "{error}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "pending requests failed late: {:?}",
            started.elapsed()
        );
        assert!(first_connection.is_closed());
        assert_eq!(client.pending_requests(), 0);

        // The next call reconnects.
        let response = client
            .invoke(&addr, echo_request("again"), REQUEST_TIMEOUT)
            .await
            .unwrap();
        assert_echo(&response, "again");
        let second_connection = client.connection(&addr).await.unwrap();
        assert_ne!(second_connection.id(), first_connection.id());
        assert_ne!(second_connection.local_addr(), first_connection.local_addr());
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_peer_that_vanishes_fails_pending_requests_and_the_next_call_reconnects() {
    bounded(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let client = test_client();

        // A peer that reads one request and hangs up without answering.
        let peer = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            assert!(read_frame(&mut socket).await.is_some());
            drop(socket);
            listener
        });
        let started = Instant::now();
        let error = client
            .invoke(&addr, echo_request("lost"), REQUEST_TIMEOUT)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), RemotingErrorKind::Connection, "{error}");
        assert!(
            error.to_string().contains("the peer closed the connection"),
            "{error}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        let listener = peer.await.unwrap();

        // Now a peer that answers: the client connects again.
        let peer = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let request = read_frame(&mut socket).await.unwrap();
            let response = echo_response(&request).with_opaque(request.opaque);
            write_command(&mut socket, &response).await.unwrap();
            socket
        });
        let response = client
            .invoke(&addr, echo_request("found"), REQUEST_TIMEOUT)
            .await
            .unwrap();
        assert_echo(&response, "found");
        drop(peer.await.unwrap());
        client.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn garbage_from_the_peer_closes_the_client_connection_and_fails_pending_requests() {
    bounded(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let client = test_client();

        let peer = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            assert!(read_frame(&mut socket).await.is_some());
            // A total length of 2: below the 4-byte minimum.
            socket.write_all(&[0, 0, 0, 2, 0, 0]).await.unwrap();
            assert_closed_by_peer(&mut socket).await;
        });
        let started = Instant::now();
        let error = client
            .invoke(&addr, echo_request("garbage"), REQUEST_TIMEOUT)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), RemotingErrorKind::Connection, "{error}");
        assert!(error.to_string().contains("malformed frame"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(5));
        peer.await.unwrap();
        assert_eq!(client.pending_requests(), 0);
        client.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn closing_a_connection_from_the_client_fails_its_pending_requests() {
    bounded(async {
        let (server, probe) = test_server(quick_shutdown()).await;
        let client = test_client();
        let addr = addr_of(&server);
        let call = tokio::spawn({
            let client = client.clone();
            let addr = addr.clone();
            async move { client.invoke(&addr, slow_request(20_000), REQUEST_TIMEOUT).await }
        });
        probe.wait_started(1).await;
        client.close_connection(&addr);
        let error = call.await.unwrap().unwrap_err();
        assert_eq!(error.kind(), RemotingErrorKind::Connection, "{error}");
        assert!(error.to_string().ends_with("closed locally"), "{error}");
        let response = client
            .invoke(&addr, echo_request("reopened"), REQUEST_TIMEOUT)
            .await
            .unwrap();
        assert_echo(&response, "reopened");
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

/// A server whose shutdown waits only briefly for the slow processors these tests leave running.
fn quick_shutdown() -> ServerConfig {
    ServerConfig {
        shutdown_timeout: Duration::from_millis(200),
        ..ServerConfig::default()
    }
}
