//! Idle connections are closed (also one stuck in the middle of a frame), frames over the limit are refused before
//! they are sent, and processors learn when the server starts to stop.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::time::{Duration, Instant};

use bytes::Bytes;
use common::*;
use fulmen_protocol::{ProtocolError, RemotingCommand, RequestCode};
use fulmen_remoting::{
    ClientConfig, ConnectionConfig, RemotingClient, RemotingError, RemotingServer, ServerConfig, processor_fn,
};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

fn config_with(connection: ConnectionConfig) -> ServerConfig {
    ServerConfig {
        connection,
        ..ServerConfig::default()
    }
}

#[tokio::test]
async fn a_peer_stuck_in_the_middle_of_a_frame_is_closed_after_the_idle_timeout() {
    bounded(async {
        let idle = Duration::from_secs(1);
        let (server, _) = test_server(config_with(ConnectionConfig {
            idle_timeout: idle,
            ..ConnectionConfig::default()
        }))
        .await;
        let mut stuck = TcpStream::connect(server.local_addr()).await.unwrap();
        // A length prefix promising almost 16 MiB, then silence.
        stuck.write_all(&[0x00, 0xFF, 0xFF, 0xF0, 0x00]).await.unwrap();
        let started = Instant::now();
        assert_closed_by_peer(&mut stuck).await;
        assert!(
            started.elapsed() >= idle,
            "closed after {:?}, before the idle timeout",
            started.elapsed()
        );
        // Busy connections are not idle: a client answering within the timeout keeps its connection.
        let client = test_client();
        let addr = addr_of(&server);
        for id in ["1", "2", "3"] {
            assert_echo(
                &client
                    .invoke(&addr, echo_request(id), REQUEST_TIMEOUT)
                    .await
                    .unwrap(),
                id,
            );
            tokio::time::sleep(idle / 3).await;
        }
    })
    .await;
}

#[tokio::test]
async fn a_client_waiting_for_a_slow_answer_is_not_idle() {
    bounded(async {
        let (server, _) = test_server(ServerConfig::default()).await;
        let client = RemotingClient::new(ClientConfig {
            connection: ConnectionConfig {
                idle_timeout: Duration::from_millis(100),
                ..ClientConfig::default().connection
            },
            ..ClientConfig::default()
        })
        .unwrap();
        let response = client
            .invoke(&addr_of(&server), slow_request(400), REQUEST_TIMEOUT)
            .await
            .unwrap();
        assert!(response.is_response());
    })
    .await;
}

#[tokio::test]
async fn frames_over_the_limit_are_refused_before_sending_and_the_connection_lives_on() {
    bounded(async {
        let (server, _) = test_server(ServerConfig::default()).await;
        let client = RemotingClient::new(ClientConfig {
            connection: ConnectionConfig {
                max_frame_len: 64 * 1024,
                ..ClientConfig::default().connection
            },
            ..ClientConfig::default()
        })
        .unwrap();
        let addr = addr_of(&server);
        let too_big = echo_request("big").with_body(Bytes::from(vec![0u8; 64 * 1024]));
        match client.invoke(&addr, too_big, REQUEST_TIMEOUT).await {
            Err(RemotingError::Protocol(ProtocolError::FrameTooLarge { max, .. })) => {
                assert_eq!(max, 64 * 1024)
            }
            other => panic!("expected FrameTooLarge, got {other:?}"),
        }
        assert_echo(
            &client
                .invoke(&addr, echo_request("small"), REQUEST_TIMEOUT)
                .await
                .unwrap(),
            "small",
        );
    })
    .await;
}

#[tokio::test]
async fn a_holding_processor_answers_early_when_the_server_stops() {
    bounded(async {
        const HOLD: RequestCode = RequestCode(9100);
        let server = RemotingServer::builder(ServerConfig::default())
            .processor(
                HOLD,
                processor_fn(|ctx, request: RemotingCommand| async move {
                    // Like a long-polling pull: wait for a minute unless the server stops.
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs(60)) => None,
                        () = ctx.stopping() => Some(echo_response(&request)),
                    }
                }),
            )
            .bind()
            .await
            .unwrap();
        let client = test_client();
        let addr = addr_of(&server);
        let held = tokio::spawn({
            let client = client.clone();
            async move {
                let mut request = RemotingCommand::request(HOLD);
                request.set_ext_field("id", "held");
                client
                    .invoke(
                        &addr,
                        request.with_body(Bytes::from("body-held")),
                        REQUEST_TIMEOUT,
                    )
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        let started = Instant::now();
        server.shutdown().await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the shutdown waited for the hold"
        );
        assert_echo(&held.await.unwrap().unwrap(), "held");
    })
    .await;
}
