//! Send (V1, V2, batch, auto-create, refusals) and pull (tag filter, long polling) against an in-process
//! name server and broker.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use fulmen_protocol::header::{
    GetMaxOffsetRequestHeader, GetMaxOffsetResponseHeader, PullMessageResponseHeader, PullSysFlag,
    SendMessageResponseHeader,
};
use fulmen_protocol::message::decode_all;
use fulmen_protocol::msgid::OffsetMessageId;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

async fn max_offset(cluster: &Cluster, topic: &str, queue_id: i32) -> i64 {
    let response = cluster
        .invoke(RemotingCommand::request(RequestCode::GET_MAX_OFFSET).with_header(
            &GetMaxOffsetRequestHeader {
                topic: topic.into(),
                queue_id,
                committed: Some(true),
                broker_name: None,
            },
        ))
        .await;
    response
        .decode_header::<GetMaxOffsetResponseHeader>()
        .unwrap()
        .offset
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_registers_and_created_topics_get_routes() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        let tbw = cluster.namesrv.topic_route("TBW102").expect("TBW102 route");
        assert_eq!(tbw.queue_datas[0].perm, 7);
        assert_eq!(tbw.queue_datas[0].write_queue_nums, 8);
        let response = cluster.invoke(create_topic("Orders", 2, 3)).await;
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        let route = cluster.namesrv.topic_route("Orders").expect("Orders route");
        assert_eq!(
            (
                route.queue_datas[0].read_queue_nums,
                route.queue_datas[0].write_queue_nums
            ),
            (2, 3)
        );
        assert_eq!(route.broker_datas[0].broker_addrs[&0], cluster.addr);
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_of_every_kind_pull_back_with_offsets_and_ids() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 4, 4)).await;
        let first = cluster.invoke(send_v1("T", 1, "A", b"one")).await;
        assert_eq!(first.response_code(), ResponseCode::SUCCESS, "{:?}", first.remark);
        assert_eq!(first.ext_field("MSG_REGION"), Some("DefaultRegion"));
        assert_eq!(first.ext_field("TRACE_ON"), Some("true"));
        let header: SendMessageResponseHeader = first.decode_header().unwrap();
        assert_eq!((header.queue_id, header.queue_offset), (1, 0));
        assert!(header.transaction_id.is_some());
        let id = OffsetMessageId::parse(&header.msg_id).unwrap();
        assert_eq!(id.store_host.to_string(), cluster.addr);
        let second = cluster.invoke(send_v2("T", 1, "A", b"two")).await;
        let second: SendMessageResponseHeader = second.decode_header().unwrap();
        assert_eq!(second.queue_offset, 1);
        let batch = cluster.invoke(send_batch("T", 1, &[b"three", b"four"])).await;
        assert_eq!(batch.response_code(), ResponseCode::SUCCESS, "{:?}", batch.remark);
        let batch: SendMessageResponseHeader = batch.decode_header().unwrap();
        assert_eq!(batch.queue_offset, 2);
        assert_eq!(batch.msg_id.split(',').count(), 2);

        let response = cluster
            .invoke(pull_request(&pull("G", "T", 1, 0, PullSysFlag::SUBSCRIPTION)))
            .await;
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        assert_eq!(response.remark.as_deref(), Some("FOUND"));
        let pulled: PullMessageResponseHeader = response.decode_header().unwrap();
        assert_eq!(
            (pulled.next_begin_offset, pulled.min_offset, pulled.max_offset),
            (4, 0, 4)
        );
        let messages = decode_all(&response.body).unwrap();
        let bodies: Vec<&[u8]> = messages.iter().map(|m| m.body.as_ref()).collect();
        assert_eq!(bodies, [&b"one"[..], b"two", b"three", b"four"]);
        for (offset, message) in messages.iter().enumerate() {
            assert_eq!(message.queue_offset, offset as i64);
            assert_eq!(message.store_host.to_string(), cluster.addr);
            assert_eq!(message.properties.get("CLUSTER"), Some("DefaultCluster"));
            assert!(message.uniq_key().is_some());
        }
        assert_eq!(messages[0].offset_msg_id(), id);
        assert_eq!(messages[0].tags(), Some("A"));
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_topics_are_created_and_bad_sends_are_refused_like_java() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        let response = cluster.invoke(send_v2("Fresh", -1, "A", b"x")).await;
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        let route = loop {
            if let Some(route) = cluster.namesrv.topic_route("Fresh") {
                break route;
            }
            assert!(Instant::now() < deadline, "the new topic was not registered");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(
            (route.queue_datas[0].write_queue_nums, route.queue_datas[0].perm),
            (4, 6)
        );

        let refusals = [
            (
                send_v2("bad topic", 0, "A", b"x"),
                ResponseCode::INVALID_PARAMETER,
            ),
            (
                send_v2("SCHEDULE_TOPIC_XXXX", 0, "A", b"x"),
                ResponseCode::NO_PERMISSION,
            ),
            (send_v2("Fresh", 99, "A", b"x"), ResponseCode::INVALID_PARAMETER),
            (
                send_v2("Fresh", 0, "A", &vec![7u8; 65 * 1024]),
                ResponseCode::MESSAGE_ILLEGAL,
            ),
        ];
        for (request, expected) in refusals {
            let response = cluster.invoke(request).await;
            assert_eq!(response.response_code(), expected, "{:?}", response.remark);
        }
        let mut no_template = send_header("Orphan", 0, &tagged("A"));
        no_template.default_topic = "NoSuchTemplate".into();
        let response = cluster
            .invoke(RemotingCommand::request(RequestCode::SEND_MESSAGE).with_header(&no_template))
            .await;
        assert_eq!(response.response_code(), ResponseCode::TOPIC_NOT_EXIST);
        assert!(
            response
                .remark
                .unwrap()
                .starts_with("topic[Orphan] not exist, apply first please!")
        );
        assert_eq!(
            max_offset(&cluster, "Fresh", 0).await
                + max_offset(&cluster, "Fresh", 1).await
                + max_offset(&cluster, "Fresh", 2).await
                + max_offset(&cluster, "Fresh", 3).await,
            1,
            "only the first send is stored"
        );
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeat_subscriptions_filter_tags_and_long_polls_wake_on_arrival() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 1, 1)).await;
        let unknown = cluster
            .invoke(pull_request(&pull("G", "T", 0, 0, PullSysFlag::NONE)))
            .await;
        assert_eq!(unknown.response_code(), ResponseCode::SUBSCRIPTION_NOT_EXIST);
        let response = cluster.invoke(heartbeat("c1", "G", "T", "TagA", 100)).await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        assert_eq!(response.ext_field("IS_SUPPORT_HEART_BEAT_V2"), Some("true"));
        assert!(cluster.namesrv.topic_route("%RETRY%G").is_some() || cluster.broker.register_now().await > 0);

        let mut newer = pull("G", "T", 0, 0, PullSysFlag::NONE);
        newer.sub_version = 200;
        let response = cluster.invoke(pull_request(&newer)).await;
        assert_eq!(response.response_code(), ResponseCode::SUBSCRIPTION_NOT_LATEST);

        cluster.invoke(send_v2("T", 0, "TagB", b"b")).await;
        cluster.invoke(send_v2("T", 0, "TagA", b"a")).await;
        let mut header = pull("G", "T", 0, 0, PullSysFlag::NONE);
        header.sub_version = 100;
        let response = cluster.invoke(pull_request(&header)).await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        let messages = decode_all(&response.body).unwrap();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].body.as_ref(), b"a");

        // Long polling: a pull at the end waits until a message arrives (even one asking for the longest hold
        // there is; the broker caps holds at a minute).
        let mut waiting = pull("G", "T", 0, 2, PullSysFlag::SUSPEND);
        waiting.sub_version = 100;
        waiting.suspend_timeout_millis = i64::MAX;
        let started = Instant::now();
        let request = pull_request(&waiting);
        let client = cluster.client.clone();
        let addr = cluster.addr.clone();
        let held = tokio::spawn(async move { client.invoke(&addr, request, Duration::from_secs(15)).await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        cluster.invoke(send_v2("T", 0, "TagA", b"late")).await;
        let response = held.await.unwrap().unwrap();
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the held pull was not woken"
        );
        assert_eq!(decode_all(&response.body).unwrap()[0].body.as_ref(), b"late");

        // Nothing arrives: PULL_NOT_FOUND once the suspend timeout passes.
        waiting.queue_offset = 3;
        waiting.suspend_timeout_millis = 200;
        let started = Instant::now();
        let response = cluster.invoke(pull_request(&waiting)).await;
        assert_eq!(response.response_code(), ResponseCode::PULL_NOT_FOUND);
        assert!(started.elapsed() >= Duration::from_millis(190));
        cluster.stop().await;
    })
    .await;
}
