//! Requests and responses: both header forms, opaque and flags on the wire, oneway requests, unknown codes,
//! the default processor and a panicking processor.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::time::Duration;

use common::*;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode, SerializeType};
use fulmen_remoting::{
    ClientConfig, ConnectionConfig, RemotingClient, RemotingServer, ServerConfig, processor_fn,
};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

fn config_with_form(serialize_type: SerializeType) -> ConnectionConfig {
    ConnectionConfig {
        serialize_type,
        ..ConnectionConfig::default()
    }
}

async fn round_trip(client_form: SerializeType, server_form: SerializeType) {
    let server_config = ServerConfig {
        connection: config_with_form(server_form),
        ..ServerConfig::default()
    };
    let (server, _) = test_server(server_config).await;
    let client_config = ClientConfig {
        connection: config_with_form(client_form),
        ..ClientConfig::default()
    };
    let client = RemotingClient::new(client_config).unwrap();

    let response = client
        .invoke(&addr_of(&server), echo_request("r1"), REQUEST_TIMEOUT)
        .await
        .unwrap();
    assert_echo(&response, "r1");
    assert_eq!(
        response.ext_field("form"),
        Some(format!("{client_form:?}").as_str()),
        "request header form"
    );
    assert_eq!(response.serialize_type, server_form, "response header form");
    client.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn json_requests_get_json_responses_by_default() {
    bounded(round_trip(SerializeType::Json, SerializeType::Json)).await;
}

#[tokio::test]
async fn binary_requests_get_binary_responses_when_configured() {
    bounded(round_trip(SerializeType::RocketMq, SerializeType::RocketMq)).await;
}

#[tokio::test]
async fn each_side_writes_its_own_header_form() {
    bounded(async {
        round_trip(SerializeType::RocketMq, SerializeType::Json).await;
        round_trip(SerializeType::Json, SerializeType::RocketMq).await;
    })
    .await;
}

#[tokio::test]
async fn responses_carry_the_request_opaque_and_the_response_flag() {
    bounded(async {
        let (server, _) = test_server(ServerConfig::default()).await;
        let mut raw = TcpStream::connect(server.local_addr()).await.unwrap();
        write_command(&mut raw, &echo_request("x").with_opaque(77))
            .await
            .unwrap();
        let response = read_frame(&mut raw).await.unwrap();
        assert_eq!(response.opaque, 77);
        assert_eq!(response.flag, 1, "response flag set, oneway flag clear");
        assert_echo(&response, "x");
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn oneway_requests_are_processed_but_never_answered() {
    bounded(async {
        let (seen_tx, mut seen_rx) = mpsc::unbounded_channel();
        let server = RemotingServer::builder(ServerConfig::default())
            .processor(
                RequestCode::UPDATE_CONSUMER_OFFSET,
                processor_fn(move |_ctx, request: RemotingCommand| {
                    let seen = seen_tx.clone();
                    async move {
                        seen.send(request.opaque).unwrap();
                        // An answer the transport must not send, since the request is oneway.
                        Some(RemotingCommand::response(ResponseCode::SUCCESS, None))
                    }
                }),
            )
            .processor(
                common::ECHO,
                processor_fn(|_ctx, request: RemotingCommand| async move { Some(echo_response(&request)) }),
            )
            .bind()
            .await
            .unwrap();

        // Over a raw socket: two oneway requests (one with an unknown code), then a normal one. The first frame
        // that comes back must be the answer to the normal one.
        let mut raw = TcpStream::connect(server.local_addr()).await.unwrap();
        let oneway = RemotingCommand::request(RequestCode::UPDATE_CONSUMER_OFFSET)
            .with_opaque(1)
            .into_oneway();
        write_command(&mut raw, &oneway).await.unwrap();
        write_command(
            &mut raw,
            &RemotingCommand::request(UNKNOWN).with_opaque(2).into_oneway(),
        )
        .await
        .unwrap();
        write_command(&mut raw, &echo_request("after").with_opaque(3))
            .await
            .unwrap();
        let first = read_frame(&mut raw).await.unwrap();
        assert_eq!(first.opaque, 3);
        assert_echo(&first, "after");
        assert_eq!(seen_rx.recv().await, Some(1));

        // Through the client.
        let client = test_client();
        let request = RemotingCommand::request(RequestCode::UPDATE_CONSUMER_OFFSET);
        client.invoke_oneway(&addr_of(&server), request).await.unwrap();
        assert!(seen_rx.recv().await.is_some());
        assert_eq!(client.pending_requests(), 0);
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn unknown_codes_are_answered_with_request_code_not_supported() {
    bounded(async {
        let (server, _) = test_server(ServerConfig::default()).await;
        let client = test_client();
        let response = client
            .invoke(
                &addr_of(&server),
                RemotingCommand::request(UNKNOWN),
                REQUEST_TIMEOUT,
            )
            .await
            .unwrap();
        assert_eq!(response.response_code(), ResponseCode::REQUEST_CODE_NOT_SUPPORTED);
        assert_eq!(response.code, 3);
        assert_eq!(
            response.remark.as_deref(),
            Some(" request type 9999 not supported")
        );
        // The connection is still usable.
        let response = client
            .invoke(&addr_of(&server), echo_request("ok"), REQUEST_TIMEOUT)
            .await
            .unwrap();
        assert_echo(&response, "ok");
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn the_default_processor_handles_codes_without_their_own() {
    bounded(async {
        let server = RemotingServer::builder(ServerConfig::default())
            .default_processor(processor_fn(|_ctx, request: RemotingCommand| async move {
                Some(RemotingCommand::response(
                    ResponseCode::SUCCESS,
                    Some(format!("default got {}", request.code)),
                ))
            }))
            .bind()
            .await
            .unwrap();
        let client = test_client();
        let response = client
            .invoke(
                &addr_of(&server),
                RemotingCommand::request(UNKNOWN),
                REQUEST_TIMEOUT,
            )
            .await
            .unwrap();
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        assert_eq!(response.remark.as_deref(), Some("default got 9999"));

        // A processor registered on the running server takes over its code.
        server.register_processor(
            UNKNOWN,
            processor_fn(|_ctx, request: RemotingCommand| async move { Some(echo_response(&request)) }),
        );
        let mut request = RemotingCommand::request(UNKNOWN).with_body(&b"body-late"[..]);
        request.set_ext_field("id", "late");
        let response = client
            .invoke(&addr_of(&server), request, REQUEST_TIMEOUT)
            .await
            .unwrap();
        assert_echo(&response, "late");
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_panicking_processor_gets_system_error_and_the_connection_survives() {
    bounded(async {
        let (server, _) = test_server(ServerConfig::default()).await;
        server.register_processor(
            RequestCode::HEART_BEAT,
            processor_fn(|_ctx, _request: RemotingCommand| async move {
                if std::hint::black_box(true) {
                    panic!("processor bug");
                }
                None
            }),
        );
        let client = test_client();
        let addr = addr_of(&server);
        let before = client.connection(&addr).await.unwrap().id();
        let response = client
            .invoke(
                &addr,
                RemotingCommand::request(RequestCode::HEART_BEAT),
                REQUEST_TIMEOUT,
            )
            .await
            .unwrap();
        assert_eq!(response.response_code(), ResponseCode::SYSTEM_ERROR);
        let response = client
            .invoke(&addr, echo_request("still"), REQUEST_TIMEOUT)
            .await
            .unwrap();
        assert_echo(&response, "still");
        assert_eq!(client.connection(&addr).await.unwrap().id(), before);
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn invoke_with_a_response_or_oneway_flag_still_waits_for_an_answer() {
    bounded(async {
        let (server, _) = test_server(ServerConfig::default()).await;
        let client = test_client();
        let request = echo_request("flags").into_oneway();
        let response = client
            .invoke(&addr_of(&server), request, Duration::from_secs(5))
            .await
            .unwrap();
        assert_echo(&response, "flags");
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}
