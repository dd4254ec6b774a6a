//! Timeouts: a request the peer answers too late fails with a timeout and frees its pending slot, a late response
//! is discarded, a cancelled call frees its slot too, and a refused connect names the address.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::time::{Duration, Instant};

use common::*;
use fulmen_remoting::{ClientConfig, RemotingClient, RemotingError, RemotingErrorKind, ServerConfig};

#[tokio::test]
async fn a_slow_answer_times_out_and_frees_the_pending_slot() {
    bounded(async {
        let (server, probe) = test_server(ServerConfig::default()).await;
        let client = test_client();
        let addr = addr_of(&server);
        let connection = client.connection(&addr).await.unwrap();

        let started = Instant::now();
        let error = client
            .invoke(&addr, slow_request(1_500), Duration::from_millis(150))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), RemotingErrorKind::Timeout, "{error}");
        assert!(
            matches!(error, RemotingError::Timeout { timeout, .. } if timeout == Duration::from_millis(150))
        );
        assert!(error.to_string().contains(&addr), "{error}");
        assert!(
            started.elapsed() < Duration::from_millis(1_200),
            "the timeout fired late: {:?}",
            started.elapsed()
        );
        assert_eq!(client.pending_requests(), 0);
        assert_eq!(connection.pending_requests(), 0);

        // Let the late response arrive; it must be dropped, and the next call must get its own answer.
        while probe.finished.load(std::sync::atomic::Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let response = client
            .invoke(&addr, echo_request("after-timeout"), REQUEST_TIMEOUT)
            .await
            .unwrap();
        assert_echo(&response, "after-timeout");
        assert_eq!(
            client.connection(&addr).await.unwrap().id(),
            connection.id(),
            "same connection"
        );
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_cancelled_call_frees_its_pending_slot() {
    bounded(async {
        let (server, probe) = test_server(ServerConfig::default()).await;
        let client = test_client();
        let addr = addr_of(&server);
        let call = tokio::spawn({
            let client = client.clone();
            let addr = addr.clone();
            async move { client.invoke(&addr, slow_request(5_000), REQUEST_TIMEOUT).await }
        });
        probe.wait_started(1).await;
        assert_eq!(client.pending_requests(), 1);
        call.abort();
        assert!(call.await.unwrap_err().is_cancelled());
        assert_eq!(client.pending_requests(), 0);
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_refused_connect_fails_with_a_connection_error_naming_the_address() {
    bounded(async {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        drop(listener);

        let client = test_client();
        let error = client
            .invoke(&addr, echo_request("nobody"), REQUEST_TIMEOUT)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), RemotingErrorKind::Connection, "{error}");
        assert!(matches!(error, RemotingError::ConnectFailed { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .starts_with(&format!("connecting to {addr} failed")),
            "{error}"
        );
        client.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn concurrent_first_callers_share_one_connection() {
    bounded(async {
        let (server, _) = test_server(ServerConfig::default()).await;
        let client = test_client();
        let addr = addr_of(&server);
        let calls: Vec<_> = (0..16)
            .map(|i| {
                let client = client.clone();
                let addr = addr.clone();
                tokio::spawn(async move {
                    let id = format!("first-{i}");
                    let response = client
                        .invoke(&addr, echo_request(&id), REQUEST_TIMEOUT)
                        .await
                        .unwrap();
                    assert_echo(&response, &id);
                })
            })
            .collect();
        for call in calls {
            call.await.unwrap();
        }
        assert_eq!(server.active_connections(), 1);
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_connect_that_hangs_fails_after_the_connect_timeout() {
    bounded(async {
        // A listener that never accepts, with its accept queue filled: further handshakes get no answer.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(1).unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let mut fillers = Vec::new();
        for _ in 0..4 {
            if let Ok(Ok(stream)) =
                tokio::time::timeout(Duration::from_millis(100), tokio::net::TcpStream::connect(&addr)).await
            {
                fillers.push(stream);
            }
        }

        let config = ClientConfig {
            connect_timeout: Duration::from_millis(200),
            ..ClientConfig::default()
        };
        let client = RemotingClient::new(config).unwrap();
        let started = Instant::now();
        let error = client
            .invoke(&addr, echo_request("hang"), REQUEST_TIMEOUT)
            .await
            .unwrap_err();
        assert!(matches!(error, RemotingError::ConnectTimeout { .. }), "{error:?}");
        assert_eq!(error.kind(), RemotingErrorKind::Connection);
        assert!(started.elapsed() < Duration::from_secs(3));

        // The caller's own timeout wins when it is shorter than the connect timeout.
        let error = client
            .invoke(&addr, echo_request("hang"), Duration::from_millis(50))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), RemotingErrorKind::Timeout, "{error:?}");
        client.shutdown().await;
        drop((listener, fillers));
    })
    .await;
}
