//! At shutdown the broker sends UNREGISTER_BROKER to every name server (Java's `BrokerController#shutdown` →
//! `unregisterBrokerAll`): its routes disappear at once, the header names the broker, and a name server that does
//! not answer delays the shutdown by a bounded time only.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use fulmen_broker::Broker;
use fulmen_namesrv::{NameServer, NamesrvConfig};
use fulmen_protocol::header::UnRegisterBrokerRequestHeader;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::{RemotingServer, ServerConfig, processor_fn};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_disappear_as_soon_as_the_broker_stops() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("Orders", 2, 2)).await;
        assert!(cluster.namesrv.topic_route("Orders").is_some());
        assert!(cluster.namesrv.topic_route("TBW102").is_some());
        cluster.broker.shutdown().await;
        assert!(
            cluster.namesrv.topic_route("Orders").is_none(),
            "the route is gone when shutdown returns"
        );
        assert!(cluster.namesrv.topic_route("TBW102").is_none());
        let clusters = cluster.namesrv.cluster_info();
        assert!(
            clusters.broker_addr_table.is_empty(),
            "{:?}",
            clusters.broker_addr_table
        );
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_name_server_gets_the_unregistration_and_a_silent_one_is_bounded() {
    bounded(async {
        // A name server that records UNREGISTER_BROKER and accepts registrations.
        let seen: Arc<Mutex<Vec<UnRegisterBrokerRequestHeader>>> = Arc::default();
        let recorder = RemotingServer::bind(ServerConfig::default()).await.unwrap();
        recorder.register_processor(
            RequestCode::REGISTER_BROKER,
            processor_fn(|_ctx, _request: RemotingCommand| async {
                Some(RemotingCommand::response(ResponseCode::SUCCESS, None))
            }),
        );
        let log = seen.clone();
        recorder.register_processor(
            RequestCode::UNREGISTER_BROKER,
            processor_fn(move |_ctx, request: RemotingCommand| {
                let log = log.clone();
                async move {
                    log.lock().unwrap().push(request.decode_header().unwrap());
                    Some(RemotingCommand::response(ResponseCode::SUCCESS, None))
                }
            }),
        );
        // A name server that accepts connections and never answers.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let silent_addr = silent.local_addr().unwrap();
        let held = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = silent.accept().await {
                open.push(socket);
            }
        });
        let namesrv = NameServer::start(NamesrvConfig::default()).await.unwrap();

        let dir = tempfile::tempdir().unwrap();
        let mut config = broker_config(dir.path(), &namesrv);
        config.namesrv_addrs = vec![
            recorder.local_addr().to_string(),
            silent_addr.to_string(),
            namesrv.local_addr().to_string(),
        ];
        config.register_timeout = Duration::from_millis(500);
        let broker = Broker::start(config).await.unwrap();
        assert!(namesrv.topic_route("TBW102").is_some());
        let started = Instant::now();
        broker.shutdown().await;
        let took = started.elapsed();
        assert!(took < Duration::from_secs(8), "shutdown took {took:?}");
        assert!(namesrv.topic_route("TBW102").is_none());
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1);
        assert_eq!(
            seen[0],
            UnRegisterBrokerRequestHeader {
                broker_name: "broker-a".into(),
                broker_addr: broker.advertised_addr().to_string(),
                cluster_name: "DefaultCluster".into(),
                broker_id: 0,
            }
        );
        held.abort();
        recorder.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}
