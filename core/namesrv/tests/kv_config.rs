//! The KV config store over the wire, and order-topic configs in routes when `orderMessageEnable` is on.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use common::*;
use fulmen_namesrv::{NameServer, NamesrvConfig};
use fulmen_protocol::body::{JsonBody, TopicRouteData};
use fulmen_protocol::header::{
    DeleteKVConfigRequestHeader, GetKVConfigRequestHeader, GetKVConfigResponseHeader,
    GetKVListByNamespaceRequestHeader, PutKVConfigRequestHeader,
};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

fn put(namespace: &str, key: &str, value: &str) -> RemotingCommand {
    request(
        RequestCode::PUT_KV_CONFIG,
        &PutKVConfigRequestHeader {
            namespace: namespace.into(),
            key: key.into(),
            value: value.into(),
        },
    )
}

fn get(namespace: &str, key: &str) -> RemotingCommand {
    request(
        RequestCode::GET_KV_CONFIG,
        &GetKVConfigRequestHeader {
            namespace: namespace.into(),
            key: key.into(),
        },
    )
}

fn list(namespace: &str) -> RemotingCommand {
    request(
        RequestCode::GET_KVLIST_BY_NAMESPACE,
        &GetKVListByNamespaceRequestHeader {
            namespace: namespace.into(),
        },
    )
}

#[tokio::test]
async fn put_get_list_and_delete() {
    bounded(async {
        let namesrv = namesrv().await;
        let client = client();
        let missing = call(&client, &namesrv, get("NS", "k")).await;
        assert_eq!(missing.response_code(), ResponseCode::QUERY_NOT_FOUND);
        assert_eq!(
            missing.remark.as_deref(),
            Some("No config item, Namespace: NS Key: k")
        );
        let no_namespace = call(&client, &namesrv, list("NS")).await;
        assert_eq!(no_namespace.response_code(), ResponseCode::QUERY_NOT_FOUND);
        assert_eq!(
            no_namespace.remark.as_deref(),
            Some("No config item, Namespace: NS")
        );

        ok(call(&client, &namesrv, put("NS", "k", "v1")).await);
        ok(call(&client, &namesrv, put("NS", "k", "v2")).await);
        ok(call(&client, &namesrv, put("NS", "a", "first")).await);
        let found = ok(call(&client, &namesrv, get("NS", "k")).await);
        let header: GetKVConfigResponseHeader = found.decode_header().unwrap();
        assert_eq!(header.value.as_deref(), Some("v2"));
        let listed = ok(call(&client, &namesrv, list("NS")).await);
        assert_eq!(text(&listed), r#"{"table":{"a":"first","k":"v2"}}"#);

        let delete = |key: &str| {
            request(
                RequestCode::DELETE_KV_CONFIG,
                &DeleteKVConfigRequestHeader {
                    namespace: "NS".into(),
                    key: key.into(),
                },
            )
        };
        ok(call(&client, &namesrv, delete("k")).await);
        ok(call(&client, &namesrv, delete("a")).await);
        ok(call(&client, &namesrv, delete("never")).await);
        assert_eq!(
            call(&client, &namesrv, get("NS", "k")).await.response_code(),
            ResponseCode::QUERY_NOT_FOUND
        );
        let empty = ok(call(&client, &namesrv, list("NS")).await);
        assert_eq!(text(&empty), r#"{"table":{}}"#);
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn routes_carry_the_order_topic_config_when_order_messages_are_enabled() {
    bounded(async {
        let namesrv = NameServer::start(NamesrvConfig {
            order_message_enable: true,
            ..NamesrvConfig::default()
        })
        .await
        .unwrap();
        let client = client();
        Broker::master("broker-a", "127.0.0.1:10911", &["Orders", "Plain"])
            .register(&client, &namesrv)
            .await;
        ok(call(
            &client,
            &namesrv,
            put("ORDER_TOPIC_CONFIG", "Orders", "broker-a:4"),
        )
        .await);

        let orders = ok(call(&client, &namesrv, route_request("Orders", 479, None)).await);
        assert!(
            text(&orders).contains(r#""orderTopicConf":"broker-a:4""#),
            "{}",
            text(&orders)
        );
        let plain = ok(call(&client, &namesrv, route_request("Plain", 479, None)).await);
        assert_eq!(
            TopicRouteData::decode(&plain.body).unwrap().order_topic_conf,
            None
        );
        namesrv.shutdown().await;
    })
    .await;
}
