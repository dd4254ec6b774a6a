//! Offsets (QUERY_NOT_FOUND semantics), consumer membership notices and a restart on the same store.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use fulmen_broker::Broker;
use fulmen_protocol::body::{GetConsumerListByGroupResponseBody, JsonBody};
use fulmen_protocol::header::{
    GetConsumerListByGroupRequestHeader, NotifyConsumerIdsChangedRequestHeader, PullSysFlag,
    QueryConsumerOffsetResponseHeader,
};
use fulmen_protocol::message::decode_all;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::{ClientConfig, RemotingClient, processor_fn};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumer_offsets_follow_javas_query_not_found_rules() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 2, 2)).await;
        let empty = cluster.invoke(query("G", "T", 0, None)).await;
        assert_eq!(empty.response_code(), ResponseCode::QUERY_NOT_FOUND);
        assert_eq!(
            empty.remark.as_deref(),
            Some("Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first"),
            "an empty queue has no first message to start from"
        );
        cluster.invoke(send_v2("T", 0, "A", b"first")).await;
        let young = cluster.invoke(query("G", "T", 0, None)).await;
        assert_eq!(young.response_code(), ResponseCode::SUCCESS);
        assert_eq!(
            young
                .decode_header::<QueryConsumerOffsetResponseHeader>()
                .unwrap()
                .offset,
            0
        );
        let forbidden = cluster.invoke(query("G", "T", 0, Some(false))).await;
        assert_eq!(forbidden.response_code(), ResponseCode::QUERY_NOT_FOUND);
        // The group exists once its consumer's heartbeat created it.
        cluster.invoke(heartbeat("c1", "G", "T", "*", 1)).await;
        let response = cluster.invoke(update("G", "T", 1, 7)).await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        let stored = cluster.invoke(query("G", "T", 1, Some(false))).await;
        assert_eq!(
            stored
                .decode_header::<QueryConsumerOffsetResponseHeader>()
                .unwrap()
                .offset,
            7
        );
        // The commit-offset piggyback of a pull.
        let mut header = pull(
            "G",
            "T",
            0,
            0,
            PullSysFlag::SUBSCRIPTION.with(PullSysFlag::COMMIT_OFFSET),
        );
        header.commit_offset = 3;
        cluster.invoke(pull_request(&header)).await;
        let piggybacked = cluster.invoke(query("G", "T", 0, Some(false))).await;
        assert_eq!(
            piggybacked
                .decode_header::<QueryConsumerOffsetResponseHeader>()
                .unwrap()
                .offset,
            3
        );
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_consumer_is_told_when_a_second_joins_and_leaves() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 4, 4)).await;
        let (notices, mut noticed) = tokio::sync::mpsc::unbounded_channel();
        let first = RemotingClient::new(ClientConfig::default()).unwrap();
        first.register_processor(
            RequestCode::NOTIFY_CONSUMER_IDS_CHANGED,
            processor_fn(move |_ctx, request: RemotingCommand| {
                let notices = notices.clone();
                async move {
                    let header: NotifyConsumerIdsChangedRequestHeader = request.decode_header().unwrap();
                    let _ = notices.send(header.consumer_group);
                    None
                }
            }),
        );
        let joined = first
            .invoke(&cluster.addr, heartbeat("c1", "G", "T", "*", 1), TIMEOUT)
            .await
            .unwrap();
        assert_eq!(joined.response_code(), ResponseCode::SUCCESS);
        assert_eq!(
            noticed.recv().await.as_deref(),
            Some("G"),
            "the joiner itself is told"
        );

        let second = RemotingClient::new(ClientConfig::default()).unwrap();
        second
            .invoke(&cluster.addr, heartbeat("c2", "G", "T", "*", 1), TIMEOUT)
            .await
            .unwrap();
        let notice = tokio::time::timeout(Duration::from_secs(5), noticed.recv())
            .await
            .unwrap();
        assert_eq!(notice.as_deref(), Some("G"));

        let list = cluster
            .invoke(
                RemotingCommand::request(RequestCode::GET_CONSUMER_LIST_BY_GROUP).with_header(
                    &GetConsumerListByGroupRequestHeader {
                        consumer_group: "G".into(),
                    },
                ),
            )
            .await;
        let mut ids = GetConsumerListByGroupResponseBody::decode(&list.body)
            .unwrap()
            .consumer_id_list;
        ids.sort();
        assert_eq!(ids, ["c1", "c2"]);

        second.shutdown().await;
        let notice = tokio::time::timeout(Duration::from_secs(5), noticed.recv())
            .await
            .unwrap();
        assert_eq!(
            notice.as_deref(),
            Some("G"),
            "told when the second connection closes"
        );
        let empty = cluster
            .invoke(
                RemotingCommand::request(RequestCode::GET_CONSUMER_LIST_BY_GROUP).with_header(
                    &GetConsumerListByGroupRequestHeader {
                        consumer_group: "Nobody".into(),
                    },
                ),
            )
            .await;
        assert_eq!(empty.response_code(), ResponseCode::SYSTEM_ERROR);
        assert_eq!(
            empty.remark.as_deref(),
            Some("no consumer for this group, Nobody")
        );
        first.shutdown().await;
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_topics_and_offsets_survive_a_restart() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("Kept", 2, 2)).await;
        cluster.invoke(send_v2("Kept", 1, "A", b"before")).await;
        cluster.invoke(heartbeat("c1", "G", "Kept", "*", 1)).await;
        let committed = cluster.invoke(update("G", "Kept", 1, 1)).await;
        assert_eq!(
            committed.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            committed.remark
        );
        cluster.broker.shutdown().await;
        cluster.broker.shutdown().await; // idempotent
        assert!(
            !dir.path().join("abort").exists(),
            "a clean shutdown removes the abort file"
        );
        assert!(dir.path().join("config/consumerOffset.json").exists());
        let Cluster {
            namesrv,
            broker: stopped,
            client: old_client,
            ..
        } = cluster;
        old_client.shutdown().await;
        drop(stopped); // the store's lock is released when the last handle goes

        let broker = Broker::start(broker_config(dir.path(), &namesrv)).await.unwrap();
        let addr = broker.advertised_addr().to_string();
        let client = RemotingClient::new(ClientConfig::default()).unwrap();
        let response = client
            .invoke(
                &addr,
                pull_request(&pull("G", "Kept", 1, 0, PullSysFlag::SUBSCRIPTION)),
                TIMEOUT,
            )
            .await
            .unwrap();
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        assert_eq!(decode_all(&response.body).unwrap()[0].body.as_ref(), b"before");
        let offset = client
            .invoke(&addr, query("G", "Kept", 1, Some(false)), TIMEOUT)
            .await
            .unwrap();
        assert_eq!(
            offset
                .decode_header::<QueryConsumerOffsetResponseHeader>()
                .unwrap()
                .offset,
            1
        );
        let sent = client
            .invoke(&addr, send_v2("Kept", 1, "A", b"after"), TIMEOUT)
            .await
            .unwrap();
        assert_eq!(
            sent.response_code(),
            ResponseCode::SUCCESS,
            "the topic is still known"
        );
        client.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}
