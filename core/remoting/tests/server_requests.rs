//! Requests a server sends to a client over the client's own connection (the broker's
//! `CHECK_TRANSACTION_STATE` and `NOTIFY_CONSUMER_IDS_CHANGED`), and the connection events a server reports.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::{
    Connection, ConnectionListener, RemotingErrorKind, RemotingServer, RequestContext, ServerConfig,
    processor_fn,
};
use tokio::sync::mpsc;

/// A server request that asks the client back with `CHECK_TRANSACTION_STATE` and answers with the client's body.
const ASK_BACK: RequestCode = RequestCode(9200);

async fn ask_back(ctx: RequestContext, request: RemotingCommand) -> Option<RemotingCommand> {
    let mut check = RemotingCommand::request(RequestCode::CHECK_TRANSACTION_STATE);
    check.set_ext_field("transactionId", request.ext_field("id").unwrap_or_default());
    let answer = match ctx.connection().invoke(check, Duration::from_secs(5)).await {
        Ok(answer) => answer,
        Err(error) => {
            return Some(RemotingCommand::response(
                ResponseCode::SYSTEM_ERROR,
                Some(error.to_string()),
            ));
        }
    };
    let remark = format!("client said {}", answer.code);
    Some(RemotingCommand::response(ResponseCode::SUCCESS, Some(remark)).with_body(answer.body))
}

/// Records every connection the server opens and closes.
#[derive(Default)]
struct Recorder {
    opened: Mutex<Vec<Connection>>,
    closed: Mutex<Vec<u64>>,
}

impl ConnectionListener for Recorder {
    fn on_connected(&self, connection: &Connection) {
        self.opened.lock().unwrap().push(connection.clone());
    }

    fn on_closed(&self, connection: &Connection) {
        self.closed.lock().unwrap().push(connection.id());
    }
}

#[tokio::test]
async fn a_server_request_is_handled_by_the_client_processor_and_answered() {
    bounded(async {
        let server = RemotingServer::builder(ServerConfig::default())
            .processor(ASK_BACK, processor_fn(ask_back))
            .bind()
            .await
            .unwrap();
        let client = test_client();
        client.register_processor(
            RequestCode::CHECK_TRANSACTION_STATE,
            processor_fn(|ctx: RequestContext, request: RemotingCommand| async move {
                assert!(ctx.peer_addr().ip().is_loopback());
                let id = request.ext_field("transactionId").unwrap_or_default().to_owned();
                Some(RemotingCommand::response(ResponseCode::SUCCESS, None).with_body(format!("commit {id}")))
            }),
        );
        let mut request = RemotingCommand::request(ASK_BACK);
        request.set_ext_field("id", "tx-42");
        let response = client
            .invoke(&addr_of(&server), request, REQUEST_TIMEOUT)
            .await
            .unwrap();
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        assert_eq!(response.remark.as_deref(), Some("client said 0"));
        assert_eq!(&response.body[..], b"commit tx-42");
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_client_without_a_handler_answers_request_code_not_supported() {
    bounded(async {
        let server = RemotingServer::builder(ServerConfig::default())
            .processor(ASK_BACK, processor_fn(ask_back))
            .bind()
            .await
            .unwrap();
        let client = test_client();
        let response = client
            .invoke(
                &addr_of(&server),
                RemotingCommand::request(ASK_BACK),
                REQUEST_TIMEOUT,
            )
            .await
            .unwrap();
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        assert_eq!(response.remark.as_deref(), Some("client said 3"));
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_oneway_server_request_reaches_the_client_handler() {
    bounded(async {
        let recorder = Arc::new(Recorder::default());
        let server = RemotingServer::builder(ServerConfig::default())
            .processor(
                RequestCode::HEART_BEAT,
                processor_fn(|_ctx, _request: RemotingCommand| async {
                    Some(RemotingCommand::response(ResponseCode::SUCCESS, None))
                }),
            )
            .connection_listener(recorder.clone())
            .bind()
            .await
            .unwrap();
        let client = test_client();
        let (notified_tx, mut notified_rx) = mpsc::unbounded_channel();
        client.register_processor(
            RequestCode::NOTIFY_CONSUMER_IDS_CHANGED,
            processor_fn(move |_ctx, request: RemotingCommand| {
                let notified = notified_tx.clone();
                async move {
                    notified
                        .send((
                            request.is_oneway(),
                            request.ext_field("consumerGroup").map(str::to_owned),
                        ))
                        .unwrap();
                    None
                }
            }),
        );
        let addr = addr_of(&server);
        client
            .invoke(
                &addr,
                RemotingCommand::request(RequestCode::HEART_BEAT),
                REQUEST_TIMEOUT,
            )
            .await
            .unwrap();

        // The broker side: call the client back over the connection it came on.
        let connection = recorder.opened.lock().unwrap()[0].clone();
        assert_eq!(connection.local_addr(), server.local_addr());
        let mut notify = RemotingCommand::request(RequestCode::NOTIFY_CONSUMER_IDS_CHANGED);
        notify.set_ext_field("consumerGroup", "cg");
        connection.invoke_oneway(notify).await.unwrap();
        assert_eq!(notified_rx.recv().await, Some((true, Some("cg".to_owned()))));
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn the_server_learns_when_a_client_connection_closes() {
    bounded(async {
        let recorder = Arc::new(Recorder::default());
        let probe = Arc::new(SlowProbe::default());
        let builder = RemotingServer::builder(ServerConfig::default()).connection_listener(recorder.clone());
        let server = with_test_processors(builder, probe).bind().await.unwrap();
        let client = test_client();
        let addr = addr_of(&server);
        client
            .invoke(&addr, echo_request("hello"), REQUEST_TIMEOUT)
            .await
            .unwrap();
        let connection = recorder.opened.lock().unwrap()[0].clone();
        assert!(!connection.is_closed());
        assert_eq!(
            connection.peer_addr(),
            client.connection(&addr).await.unwrap().local_addr()
        );

        client.close_connection(&addr);
        connection.closed().await;
        assert!(connection.is_closed());
        // on_closed runs right after the connection is marked closed.
        while recorder.closed.lock().unwrap().is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(*recorder.closed.lock().unwrap(), vec![connection.id()]);
        let error = connection
            .invoke(RemotingCommand::request(RequestCode::HEART_BEAT), REQUEST_TIMEOUT)
            .await;
        assert_eq!(error.unwrap_err().kind(), RemotingErrorKind::Connection);
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_client_listener_learns_of_each_connection_by_the_address_dialled() {
    bounded(async {
        let (server, _probe) = test_server(ServerConfig::default()).await;
        let client = test_client();
        let recorder = Arc::new(Recorder::default());
        client.set_connection_listener(recorder.clone());
        let addr = addr_of(&server);
        for round in 0..2 {
            client
                .invoke(&addr, echo_request("hello"), REQUEST_TIMEOUT)
                .await
                .unwrap();
            client
                .invoke(&addr, echo_request("again"), REQUEST_TIMEOUT)
                .await
                .unwrap();
            // One connection per round: the second request reuses it.
            let opened = recorder.opened.lock().unwrap().clone();
            assert_eq!(opened.len(), round + 1);
            assert_eq!(opened[round].remote_addr(), addr);
            client.close_connection(&addr);
            opened[round].closed().await;
        }
        while recorder.closed.lock().unwrap().len() < 2 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        client.shutdown().await;
        server.shutdown().await;
    })
    .await;
}
