//! Broker liveness: expiry after a short timeout (and heartbeats that prevent it), removal as soon as the
//! broker's connection closes, unregistering, data-version queries, and name servers that ignore each other.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::time::Duration;

use common::*;
use fulmen_namesrv::{NameServer, NamesrvConfig};
use fulmen_protocol::body::{DataVersion, JsonBody};
use fulmen_protocol::header::{
    BrokerHeartbeatRequestHeader, QueryDataVersionRequestHeader, QueryDataVersionResponseHeader,
    UnRegisterBrokerRequestHeader,
};
use fulmen_protocol::{RequestCode, ResponseCode};

/// A name server that scans for expired brokers every 50 ms.
async fn fast_scanning_namesrv() -> NameServer {
    NameServer::start(NamesrvConfig {
        scan_interval: Duration::from_millis(50),
        ..NamesrvConfig::default()
    })
    .await
    .unwrap()
}

fn heartbeat(broker: &Broker) -> fulmen_protocol::RemotingCommand {
    request(
        RequestCode::BROKER_HEARTBEAT,
        &BrokerHeartbeatRequestHeader {
            cluster_name: CLUSTER.into(),
            broker_addr: broker.addr.clone(),
            broker_name: broker.name.clone(),
            broker_id: Some(broker.id),
            ..BrokerHeartbeatRequestHeader::default()
        },
    )
}

#[tokio::test]
async fn a_broker_expires_after_its_timeout_unless_it_heartbeats() {
    bounded(async {
        let namesrv = fast_scanning_namesrv().await;
        let broker_client = client();
        let admin = client();
        let silent = Broker {
            heartbeat_timeout_millis: Some(800),
            ..Broker::master("broker-silent", "127.0.0.1:10911", &["Silent"])
        };
        let beating = Broker {
            heartbeat_timeout_millis: Some(3_000),
            ..Broker::master("broker-beating", "127.0.0.1:10912", &["Beating"])
        };
        silent.register(&broker_client, &namesrv).await;
        beating.register(&broker_client, &namesrv).await;
        let connection = broker_client
            .connection(&namesrv.local_addr().to_string())
            .await
            .unwrap();
        assert_eq!(
            route_code(&admin, &namesrv, "Silent").await,
            ResponseCode::SUCCESS
        );

        let started = tokio::time::Instant::now();
        while started.elapsed() < Duration::from_millis(2_500) {
            ok(call(&broker_client, &namesrv, heartbeat(&beating)).await);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            route_code(&admin, &namesrv, "Silent").await,
            ResponseCode::TOPIC_NOT_EXIST
        );
        assert_eq!(
            route_code(&admin, &namesrv, "Beating").await,
            ResponseCode::SUCCESS
        );
        assert!(
            !connection.is_closed(),
            "the connection still carries a live broker"
        );

        eventually(Duration::from_secs(10), "the beating broker's expiry", || async {
            route_code(&admin, &namesrv, "Beating").await == ResponseCode::TOPIC_NOT_EXIST
        })
        .await;
        eventually(
            Duration::from_secs(5),
            "closing the expired brokers' connection",
            || async { connection.is_closed() },
        )
        .await;
        assert!(namesrv.cluster_info().broker_addr_table.is_empty());
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn closing_the_brokers_connection_removes_it_at_once() {
    bounded(async {
        let namesrv = namesrv().await;
        let broker_client = client();
        let admin = client();
        Broker::master("broker-a", "127.0.0.1:10911", &["TopicTest"])
            .register(&broker_client, &namesrv)
            .await;
        Broker::master("broker-b", "127.0.0.1:10912", &["TopicTest"])
            .register(&admin, &namesrv)
            .await;
        broker_client.close_connection(&namesrv.local_addr().to_string());
        eventually(Duration::from_secs(5), "removing broker-a", || async {
            namesrv.topic_route("TopicTest").unwrap().broker_datas.len() == 1
        })
        .await;
        let route = namesrv.topic_route("TopicTest").unwrap();
        assert_eq!(route.broker_datas[0].broker_name, "broker-b");
        assert_eq!(route.queue_datas.len(), 1);
        assert_eq!(namesrv.cluster_info().cluster_addr_table[CLUSTER], ["broker-b"]);
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn unregistering_removes_the_broker_and_its_topics() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        let broker = Broker::master("broker-a", "127.0.0.1:10911", &["TopicTest"]);
        broker.register(&client, &namesrv).await;
        ok(call(
            &client,
            &namesrv,
            request(
                RequestCode::UNREGISTER_BROKER,
                &UnRegisterBrokerRequestHeader {
                    broker_name: broker.name.clone(),
                    broker_addr: broker.addr.clone(),
                    cluster_name: CLUSTER.into(),
                    broker_id: 0,
                },
            ),
        )
        .await);
        assert_eq!(
            route_code(&client, &namesrv, "TopicTest").await,
            ResponseCode::TOPIC_NOT_EXIST
        );
        assert_eq!(
            route_code(&client, &namesrv, "TBW102").await,
            ResponseCode::TOPIC_NOT_EXIST
        );
        assert!(namesrv.cluster_info().cluster_addr_table.is_empty());
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn query_data_version_tells_whether_the_registration_is_current() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        let broker = Broker::master("broker-a", "127.0.0.1:10911", &["TopicTest"]);
        broker.register(&client, &namesrv).await;
        let query = |version: DataVersion| {
            request(
                RequestCode::QUERY_DATA_VERSION,
                &QueryDataVersionRequestHeader {
                    broker_name: broker.name.clone(),
                    broker_addr: broker.addr.clone(),
                    cluster_name: CLUSTER.into(),
                    broker_id: 0,
                },
            )
            .with_body(version.encode().unwrap())
        };
        let registered = broker.topics.data_version;
        let same = ok(call(&client, &namesrv, query(registered)).await);
        let header: QueryDataVersionResponseHeader = same.decode_header().unwrap();
        assert!(!header.changed);
        assert_eq!(DataVersion::decode(&same.body).unwrap(), registered);

        let newer = DataVersion {
            counter: 2,
            ..registered
        };
        let changed = ok(call(&client, &namesrv, query(newer)).await);
        let header: QueryDataVersionResponseHeader = changed.decode_header().unwrap();
        assert!(header.changed);
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn name_servers_side_by_side_know_only_their_own_registrations() {
    bounded(async {
        let first = namesrv().await;
        let second = namesrv().await;
        assert_ne!(first.local_addr(), second.local_addr());
        let client = client();
        Broker::master("broker-a", "127.0.0.1:10911", &["OnlyFirst"])
            .register(&client, &first)
            .await;
        assert_eq!(
            route_code(&client, &first, "OnlyFirst").await,
            ResponseCode::SUCCESS
        );
        assert_eq!(
            route_code(&client, &second, "OnlyFirst").await,
            ResponseCode::TOPIC_NOT_EXIST
        );
        first.shutdown().await;
        first.shutdown().await;
        assert!(first.is_shut_down());
        assert_eq!(
            route_code(&client, &second, "OnlyFirst").await,
            ResponseCode::TOPIC_NOT_EXIST
        );
        second.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_dropped_name_server_stops_listening() {
    bounded(async {
        let namesrv = namesrv().await;
        let addr = namesrv.local_addr().to_string();
        drop(namesrv);
        eventually(Duration::from_secs(5), "the listener to close", || async {
            tokio::net::TcpStream::connect(&addr).await.is_err()
        })
        .await;
    })
    .await;
}
