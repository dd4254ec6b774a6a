//! `brokerPermission` changed live by UPDATE_BROKER_CONFIG: the broker registers at once with every topic's
//! permission masked by its own (so routes show it), refuses pulls when not readable and, when not writable,
//! refuses sends to order topics and send-backs, with Java's codes and remarks.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use fulmen_protocol::body::{JsonBody, TopicRouteData};
use fulmen_protocol::header::{
    ConsumerSendMsgBackRequestHeader, CreateTopicRequestHeader, GetRouteInfoRequestHeader, PullSysFlag,
};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

/// The permission of `topic` on broker-a in the name server's route (polled: registration is asynchronous).
async fn routed_perm(cluster: &Cluster, topic: &str, expected: i32) -> i32 {
    let namesrv = cluster.namesrv.local_addr().to_string();
    for _ in 0..100 {
        let request = RemotingCommand::request(RequestCode::GET_ROUTEINFO_BY_TOPIC).with_header(
            &GetRouteInfoRequestHeader {
                topic: topic.into(),
                accept_standard_json_only: None,
            },
        );
        let response = cluster.client.invoke(&namesrv, request, TIMEOUT).await.unwrap();
        let route = TopicRouteData::decode(&response.body).unwrap();
        let perm = route.queue_datas[0].perm;
        if perm == expected {
            return perm;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the route of {topic} never showed perm {expected}");
}

fn order_topic(topic: &str) -> RemotingCommand {
    let mut request = create_topic(topic, 1, 1);
    let mut header: CreateTopicRequestHeader = request.decode_header().unwrap();
    header.order = true;
    request = request.with_header(&header);
    request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_writes_and_reads_show_in_routes_and_refuse_like_java() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 1, 1)).await;
        cluster.invoke(order_topic("O")).await;
        cluster.invoke(send_v2("T", 0, "TagA", b"before")).await;
        let ip = cluster.broker.advertised_addr().ip();

        // Writes stopped: read-only routes, order topics and send-backs refused, pulls still served.
        let response = cluster
            .invoke(update_broker_config(&[("brokerPermission", "4")]))
            .await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        assert_eq!(routed_perm(&cluster, "T", 4).await, 4);
        assert_answer(
            &cluster.invoke(send_v2("O", 0, "TagA", b"x")).await,
            ResponseCode::NO_PERMISSION,
            &format!("the broker[{ip}] sending message is forbidden"),
        );
        let send_back = RemotingCommand::request(RequestCode::CONSUMER_SEND_MSG_BACK).with_header(
            &ConsumerSendMsgBackRequestHeader {
                offset: 0,
                group: "G".into(),
                delay_level: 0,
                origin_msg_id: None,
                origin_topic: Some("T".into()),
                unit_mode: Some(false),
                max_reconsume_times: None,
                broker_name: None,
            },
        );
        assert_answer(
            &cluster.invoke(send_back).await,
            ResponseCode::NO_PERMISSION,
            &format!("the broker[{ip}] sending message is forbidden"),
        );
        let pulled = cluster
            .invoke(pull_request(&pull("G", "T", 0, 0, PullSysFlag::SUBSCRIPTION)))
            .await;
        assert_eq!(pulled.response_code(), ResponseCode::SUCCESS);

        // Reads stopped: pulls refused with the broker's forbidden type.
        cluster
            .invoke(update_broker_config(&[("brokerPermission", "2")]))
            .await;
        assert_eq!(routed_perm(&cluster, "T", 2).await, 2);
        let refused = cluster
            .invoke(pull_request(&pull("G", "T", 0, 0, PullSysFlag::SUBSCRIPTION)))
            .await;
        assert_answer(
            &refused,
            ResponseCode::NO_PERMISSION,
            &format!("the broker[{ip}] pulling message is forbidden"),
        );
        assert_eq!(refused.ext_field("forbiddenType"), Some("1"));

        // Back to read and write: the topics' own permissions again.
        cluster
            .invoke(update_broker_config(&[("brokerPermission", "6")]))
            .await;
        assert_eq!(routed_perm(&cluster, "T", 6).await, 6);
        assert_eq!(
            cluster
                .invoke(send_v2("O", 0, "TagA", b"y"))
                .await
                .response_code(),
            ResponseCode::SUCCESS
        );
        cluster.stop().await;
    })
    .await;
}
