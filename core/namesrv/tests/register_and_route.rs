//! Registering brokers (plain and compressed bodies, CRC check, slaves) and reading routes back in the legacy
//! and the standard JSON form, compared with the text a Java name server writes.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use common::*;
use fulmen_protocol::body::{JsonBody, KvTable, TopicRouteData};
use fulmen_protocol::header::{PutKVConfigRequestHeader, RegisterBrokerResponseHeader};
use fulmen_protocol::{RequestCode, ResponseCode};

/// What a Java name server answers a pre-4.9.4 client for a topic on one master (fastjson's default form).
const LEGACY_ROUTE: &str = concat!(
    r#"{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","#,
    r#""enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"#,
    r#""readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}"#
);

fn standard_route() -> String {
    LEGACY_ROUTE.replace("{0:", "{\"0\":")
}

#[tokio::test]
async fn a_plain_registration_is_routed_in_legacy_and_standard_json() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        let response = Broker::master("broker-a", "127.0.0.1:10911", &["TopicTest"])
            .register(&client, &namesrv)
            .await;
        let header: RegisterBrokerResponseHeader = response.decode_header().unwrap();
        assert_eq!(header, RegisterBrokerResponseHeader::default());
        assert!(response.body.is_empty(), "no ORDER_TOPIC_CONFIG namespace yet");

        let legacy = ok(call(&client, &namesrv, route_request("TopicTest", 400, None)).await);
        assert_eq!(text(&legacy), LEGACY_ROUTE);
        let standard = ok(call(&client, &namesrv, route_request("TopicTest", 479, None)).await);
        assert_eq!(text(&standard), standard_route());
        let asked = ok(call(&client, &namesrv, route_request("TopicTest", 400, Some(true))).await);
        assert_eq!(text(&asked), standard_route());

        let tbw = TopicRouteData::decode(
            &ok(call(&client, &namesrv, route_request("TBW102", 479, None)).await).body,
        )
        .unwrap();
        assert_eq!(tbw.queue_datas[0].perm, 7);
        assert_eq!(tbw.queue_datas[0].write_queue_nums, 8);
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_compressed_registration_is_routed_the_same() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        let broker = Broker::master("broker-a", "127.0.0.1:10911", &["TopicTest"]);
        ok(call(&client, &namesrv, broker.register_request(true)).await);
        let legacy = ok(call(&client, &namesrv, route_request("TopicTest", 400, None)).await);
        assert_eq!(text(&legacy), LEGACY_ROUTE);
        let standard = ok(call(&client, &namesrv, route_request("TopicTest", 479, None)).await);
        assert_eq!(text(&standard), standard_route());
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_body_that_does_not_match_its_crc_is_refused() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        let mut request =
            Broker::master("broker-a", "127.0.0.1:10911", &["TopicTest"]).register_request(false);
        request.set_ext_field("bodyCrc32", "12345");
        let response = call(&client, &namesrv, request).await;
        assert_eq!(response.response_code(), ResponseCode::SYSTEM_ERROR);
        assert_eq!(response.remark.as_deref(), Some("crc32 not match"));
        assert_eq!(
            route_code(&client, &namesrv, "TopicTest").await,
            ResponseCode::TOPIC_NOT_EXIST
        );

        let mut garbage = Broker::master("broker-a", "127.0.0.1:10911", &[])
            .register_request(false)
            .with_body(b"not json".to_vec());
        garbage.set_ext_field("bodyCrc32", "0");
        let response = call(&client, &namesrv, garbage).await;
        assert_eq!(response.response_code(), ResponseCode::SYSTEM_ERROR);
        assert!(response.remark.unwrap().contains("RegisterBrokerBody"));
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn an_unknown_topic_is_topic_not_exist_with_javas_remark() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        let response = call(&client, &namesrv, route_request("Nowhere", 479, None)).await;
        assert_eq!(response.response_code(), ResponseCode::TOPIC_NOT_EXIST);
        assert_eq!(response.response_code().0, 17);
        assert_eq!(
            response.remark.as_deref(),
            Some(
                "No topic route info in name server for the topic: Nowhere\n\
                 See https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details."
            )
        );
        assert!(response.body.is_empty());
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_slave_learns_its_master_and_every_broker_gets_the_order_topic_configs() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        ok(call(
            &client,
            &namesrv,
            request(
                RequestCode::PUT_KV_CONFIG,
                &PutKVConfigRequestHeader {
                    namespace: "ORDER_TOPIC_CONFIG".into(),
                    key: "Orders".into(),
                    value: "broker-a:4".into(),
                },
            ),
        )
        .await);
        let master = Broker::master("broker-a", "127.0.0.1:10911", &["TopicTest"]);
        let response = master.register(&client, &namesrv).await;
        assert_eq!(
            KvTable::decode(&response.body).unwrap().table["Orders"],
            "broker-a:4"
        );

        let slave = Broker {
            id: 1,
            addr: "127.0.0.1:20911".into(),
            ..master.clone()
        };
        let response = slave.register(&client, &namesrv).await;
        let header: RegisterBrokerResponseHeader = response.decode_header().unwrap();
        assert_eq!(header.master_addr.as_deref(), Some("127.0.0.1:10911"));
        assert_eq!(header.ha_server_addr.as_deref(), Some("127.0.0.1:10911-ha"));

        let route = TopicRouteData::decode(
            &ok(call(&client, &namesrv, route_request("TopicTest", 479, None)).await).body,
        )
        .unwrap();
        assert_eq!(route.broker_datas[0].broker_addrs[&1], "127.0.0.1:20911");
        assert_eq!(route.queue_datas.len(), 1);
        assert_eq!(
            route.order_topic_conf, None,
            "orderMessageEnable is off by default, as in Java"
        );
        namesrv.shutdown().await;
    })
    .await;
}
