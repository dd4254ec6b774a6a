//! Malformed frames sent over a raw socket: each kind closes that connection only, and the server keeps answering
//! its other clients on their existing connections. The warning it logs is checked in `malformed_frame_log.rs`.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use common::*;
use fulmen_protocol::DEFAULT_MAX_FRAME_LEN;
use fulmen_remoting::{RemotingClient, RemotingServer, ServerConfig};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// Every kind of malformed input, by name.
fn malformed_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let mut header_longer_than_frame = 6u32.to_be_bytes().to_vec();
    header_longer_than_frame.extend_from_slice(&100u32.to_be_bytes());
    header_longer_than_frame.extend_from_slice(b"{}");
    let over_limit = (DEFAULT_MAX_FRAME_LEN as u32).to_be_bytes().to_vec();
    vec![
        ("negative total length", vec![0xFF, 0xFF, 0xFF, 0xFF]),
        ("total length below 4", vec![0, 0, 0, 2, 0, 0]),
        ("header longer than the frame", header_longer_than_frame),
        ("invalid JSON header", frame(9, b"{not json")),
        (
            "truncated binary header",
            frame(0x0100_0005, &[0, 10, 0, 1, 0xDF]),
        ),
        ("unknown header serialize type", frame(0x0700_0002, b"{}")),
        ("frame over the 16 MiB limit", over_limit),
    ]
}

async fn assert_still_served(client: &RemotingClient, server: &RemotingServer, connection_id: u64, id: &str) {
    let addr = addr_of(server);
    let response = client
        .invoke(&addr, echo_request(id), REQUEST_TIMEOUT)
        .await
        .unwrap();
    assert_echo(&response, id);
    assert_eq!(
        client.connection(&addr).await.unwrap().id(),
        connection_id,
        "the healthy connection was kept"
    );
}

#[tokio::test]
async fn each_malformed_frame_closes_only_its_own_connection() {
    bounded(async {
        let (server, _) = test_server(ServerConfig::default()).await;
        let healthy = test_client();
        let addr = addr_of(&server);
        let healthy_id = healthy.connection(&addr).await.unwrap().id();
        assert_still_served(&healthy, &server, healthy_id, "before").await;

        for (name, bytes) in malformed_inputs() {
            send_malformed(&server, name, &bytes).await;
            assert_still_served(&healthy, &server, healthy_id, name).await;
        }
        // Garbage after valid traffic on the same connection closes it too.
        let mut raw = TcpStream::connect(server.local_addr()).await.unwrap();
        write_command(&mut raw, &echo_request("valid").with_opaque(5))
            .await
            .unwrap();
        let response = read_frame(&mut raw).await.unwrap();
        assert_eq!(response.opaque, 5);
        raw.write_all(&frame(9, b"{not json")).await.unwrap();
        assert_closed_by_peer(&mut raw).await;

        assert_still_served(&healthy, &server, healthy_id, "after").await;
        healthy.shutdown().await;
        server.shutdown().await;
    })
    .await;
}
