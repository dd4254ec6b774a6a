//! Consumer-group admin over the wire: subscription group create / read / list / delete (persisted), the groups
//! consuming a topic and the topics of a group, a group's subscription, offset clones, every committed offset,
//! INVOKE_BROKER_TO_RESET_OFFSET with the pull that then moves the group and the commits the reset overrides, and
//! the calls forwarded to a consumer.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use fulmen_protocol::body::{GroupList, JsonBody, QuerySubscriptionResponseBody, ResetOffsetBody, TopicList};
use fulmen_protocol::header::{
    CloneGroupOffsetRequestHeader, DeleteSubscriptionGroupRequestHeader,
    GetSubscriptionGroupConfigRequestHeader, PullMessageResponseHeader, PullSysFlag,
    QuerySubscriptionByConsumerRequestHeader, QueryTopicConsumeByWhoRequestHeader,
    QueryTopicsByConsumerRequestHeader, ResetOffsetRequestHeader,
};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

fn group_body(name: &str, retry_max_times: i32) -> Vec<u8> {
    format!(r#"{{"groupName":"{name}","retryMaxTimes":{retry_max_times},"consumeBroadcastEnable":false}}"#)
        .into_bytes()
}

async fn create_group(cluster: &Cluster, name: &str) {
    let create = RemotingCommand::request(RequestCode::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP)
        .with_body(group_body(name, 16));
    assert_eq!(
        cluster.invoke(create).await.response_code(),
        ResponseCode::SUCCESS
    );
}

fn get_group(name: &str) -> RemotingCommand {
    RemotingCommand::request(RequestCode::GET_SUBSCRIPTIONGROUP_CONFIG)
        .with_header(&GetSubscriptionGroupConfigRequestHeader { group: name.into() })
}

fn body_json(response: &RemotingCommand) -> serde_json::Value {
    assert_eq!(
        response.response_code(),
        ResponseCode::SUCCESS,
        "{:?}",
        response.remark
    );
    serde_json::from_slice(&response.body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscription_groups_are_created_read_listed_and_deleted() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster =
            Cluster::start_with(dir.path(), |config| config.auto_create_subscription_group = false).await;
        let create = RemotingCommand::request(RequestCode::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP)
            .with_body(group_body("GA", 3));
        assert_eq!(
            cluster.invoke(create).await.response_code(),
            ResponseCode::SUCCESS
        );

        let one = body_json(&cluster.invoke(get_group("GA")).await);
        assert_eq!(one["groupName"], "GA");
        assert_eq!(one["retryMaxTimes"], 3);
        assert_eq!(one["retryQueueNums"], 1, "unset fields take Java's defaults");
        let all = body_json(
            &cluster
                .invoke(RemotingCommand::request(
                    RequestCode::GET_ALL_SUBSCRIPTIONGROUP_CONFIG,
                ))
                .await,
        );
        assert_eq!(all["subscriptionGroupTable"]["GA"]["retryMaxTimes"], 3);
        let file = std::fs::read_to_string(dir.path().join("config/subscriptionGroup.json")).unwrap();
        assert!(file.contains("\"GA\""), "written at once: {file}");

        let with_attribute = RemotingCommand::request(RequestCode::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP)
            .with_body(br#"{"groupName":"GB","attributes":{"+x":"1"}}"#.to_vec());
        assert_answer(
            &cluster.invoke(with_attribute).await,
            ResponseCode::SYSTEM_ERROR,
            "unsupported key: x",
        );

        let delete = RemotingCommand::request(RequestCode::DELETE_SUBSCRIPTIONGROUP).with_header(
            &DeleteSubscriptionGroupRequestHeader {
                group_name: "GA".into(),
                clean_offset: Some(true),
            },
        );
        assert_eq!(
            cluster.invoke(delete).await.response_code(),
            ResponseCode::SUCCESS
        );
        assert_answer(
            &cluster.invoke(get_group("GA")).await,
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            "No group in this broker",
        );
        let file = std::fs::read_to_string(dir.path().join("config/subscriptionGroup.json")).unwrap();
        assert!(!file.contains("\"GA\""), "{file}");
        cluster.stop().await;
    })
    .await;
}

fn reset(group: &str, timestamp: i64, queue_id: Option<i32>, offset: Option<i64>) -> RemotingCommand {
    RemotingCommand::request(RequestCode::INVOKE_BROKER_TO_RESET_OFFSET).with_header(
        &ResetOffsetRequestHeader {
            group: group.into(),
            topic: "T".into(),
            queue_id,
            offset,
            timestamp,
            is_force: true,
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_commits_the_offset_and_moves_the_next_pull() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 2, 2)).await;
        create_group(&cluster, "G").await;
        for body in ["a", "b", "c"] {
            cluster.invoke(send_v2("T", 0, "TagA", body.as_bytes())).await;
        }
        cluster.invoke(update("G", "T", 0, 3)).await;
        cluster.invoke(update("G", "T", 1, 0)).await;

        // Timestamp 0: every queue back to its first message.
        let response = cluster.invoke(reset("G", 0, None, None)).await;
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        let body = ResetOffsetBody::decode(&response.body).unwrap();
        let offsets: Vec<(i32, i64)> = body
            .offset_table
            .iter()
            .map(|(mq, offset)| (mq.queue_id, *offset))
            .collect();
        assert_eq!(offsets, [(0, 0), (1, 0)]);
        assert_eq!(body.offset_table.keys().next().unwrap().broker_name, "broker-a");

        // Until the group pulls, its own commits are ignored and queries see the reset.
        let ignored = cluster.invoke(update("G", "T", 0, 3)).await;
        assert_answer(
            &ignored,
            ResponseCode::SUCCESS,
            "Offset has been previously reset",
        );
        let queried = cluster.invoke(query("G", "T", 0, None)).await;
        let queried: fulmen_protocol::header::QueryConsumerOffsetResponseHeader =
            queried.decode_header().unwrap();
        assert_eq!(queried.offset, 0);

        let moved = cluster
            .invoke(pull_request(&pull("G", "T", 0, 3, PullSysFlag::SUBSCRIPTION)))
            .await;
        assert_eq!(moved.response_code(), ResponseCode::PULL_OFFSET_MOVED);
        assert_eq!(moved.remark.as_deref(), Some("OFFSET_RESET"));
        let header: PullMessageResponseHeader = moved.decode_header().unwrap();
        assert_eq!(
            (header.next_begin_offset, header.min_offset, header.max_offset),
            (0, 0, 3)
        );
        // The reset was answered once; the next pull reads normally and commits count again.
        let found = cluster
            .invoke(pull_request(&pull("G", "T", 0, 0, PullSysFlag::SUBSCRIPTION)))
            .await;
        assert_eq!(found.response_code(), ResponseCode::SUCCESS);
        let counted = cluster.invoke(update("G", "T", 0, 2)).await;
        assert_eq!(
            (counted.response_code(), counted.remark),
            (ResponseCode::SUCCESS, None)
        );

        // One queue to a given offset, checked against the queue's range.
        let out_of_range = cluster.invoke(reset("G", 0, Some(0), Some(9))).await;
        assert_answer(
            &out_of_range,
            ResponseCode::SYSTEM_ERROR,
            "Target offset 9 not in consume queue range [0-3]",
        );
        let one = cluster.invoke(reset("G", 0, Some(0), Some(2))).await;
        let body = ResetOffsetBody::decode(&one.body).unwrap();
        assert_eq!(body.offset_table.values().copied().collect::<Vec<_>>(), [2]);
        // A negative timestamp means the end of each queue.
        let to_end = cluster.invoke(reset("G", -1, None, None)).await;
        let body = ResetOffsetBody::decode(&to_end.body).unwrap();
        assert_eq!(body.offset_table.values().copied().collect::<Vec<_>>(), [3, 0]);

        assert_answer(
            &cluster.invoke(reset("nobody", 0, None, None)).await,
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            "Group nobody does not exist",
        );
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_topic_and_offset_listings_and_offset_clones() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 1, 1)).await;
        create_group(&cluster, "G1").await;
        create_group(&cluster, "G2").await;
        cluster.invoke(update("G1", "T", 0, 0)).await;
        cluster.invoke(update("G2", "T", 0, 0)).await;
        let who = cluster
            .invoke(
                RemotingCommand::request(RequestCode::QUERY_TOPIC_CONSUME_BY_WHO)
                    .with_header(&QueryTopicConsumeByWhoRequestHeader { topic: "T".into() }),
            )
            .await;
        let mut groups = GroupList::decode(&who.body).unwrap().group_list;
        groups.sort();
        assert_eq!(groups, ["G1", "G2"]);
        let all = cluster
            .invoke(RemotingCommand::request(RequestCode::GET_ALL_CONSUMER_OFFSET))
            .await;
        // fastjson's form, bare integer queue ids, as consumerOffset.json holds it.
        let all = String::from_utf8(all.body.to_vec()).unwrap();
        assert!(all.contains(r#""T@G1":{0:0}"#), "{all}");

        let topics = cluster
            .invoke(
                RemotingCommand::request(RequestCode::QUERY_TOPICS_BY_CONSUMER)
                    .with_header(&QueryTopicsByConsumerRequestHeader { group: "G1".into() }),
            )
            .await;
        let topics = TopicList::decode(&topics.body).unwrap();
        assert_eq!(topics.topic_list, ["T"]);
        assert_eq!(topics.broker_addr.as_deref(), Some(cluster.addr.as_str()));

        // G1's offsets are copied to G2, queue by queue.
        cluster.invoke(update("G1", "T", 0, 7)).await;
        let clone = RemotingCommand::request(RequestCode::CLONE_GROUP_OFFSET).with_header(
            &CloneGroupOffsetRequestHeader {
                src_group: "G1".into(),
                dest_group: "G2".into(),
                topic: None,
                offline: Some(true),
            },
        );
        assert_eq!(cluster.invoke(clone).await.response_code(), ResponseCode::SUCCESS);
        let copied = cluster.invoke(query("G2", "T", 0, None)).await;
        let copied: fulmen_protocol::header::QueryConsumerOffsetResponseHeader =
            copied.decode_header().unwrap();
        assert_eq!(copied.offset, 7);

        // No online member of G1: its subscription to T is absent.
        let subscription = cluster
            .invoke(
                RemotingCommand::request(RequestCode::QUERY_SUBSCRIPTION_BY_CONSUMER).with_header(
                    &QuerySubscriptionByConsumerRequestHeader {
                        group: "G1".into(),
                        topic: Some("T".into()),
                    },
                ),
            )
            .await;
        let subscription = QuerySubscriptionResponseBody::decode(&subscription.body).unwrap();
        assert_eq!(
            (subscription.group.as_str(), subscription.topic.as_str()),
            ("G1", "T")
        );
        assert!(subscription.subscription_data.is_none());
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_held_by_long_polling_is_answered_with_the_reset() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 1, 1)).await;
        create_group(&cluster, "G").await;
        cluster.invoke(send_v2("T", 0, "TagA", b"a")).await;
        // A pull at the queue's end that may be held for a minute, far beyond this test's bound.
        let mut held = pull("G", "T", 0, 1, PullSysFlag::SUBSCRIPTION | PullSysFlag::SUSPEND);
        held.suspend_timeout_millis = 60_000;
        let client = cluster.client.clone();
        let addr = cluster.addr.clone();
        let pending = tokio::spawn(async move {
            client
                .invoke(&addr, pull_request(&held), std::time::Duration::from_secs(90))
                .await
                .unwrap()
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(!pending.is_finished(), "the pull is held");
        let response = cluster.invoke(reset("G", 0, Some(0), None)).await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        let answered = pending.await.unwrap();
        assert_eq!(answered.response_code(), ResponseCode::PULL_OFFSET_MOVED);
        assert_eq!(answered.remark.as_deref(), Some("OFFSET_RESET"));
        let header: PullMessageResponseHeader = answered.decode_header().unwrap();
        assert_eq!(header.next_begin_offset, 0);
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_for_a_consumer_that_is_not_online_are_refused_like_java() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        let request = RemotingCommand::request(RequestCode::GET_CONSUMER_RUNNING_INFO).with_header(
            &fulmen_protocol::header::GetConsumerRunningInfoRequestHeader {
                consumer_group: "G".into(),
                client_id: "127.0.0.1@gone".into(),
                jstack_enable: Some(false),
            },
        );
        assert_answer(
            &cluster.invoke(request).await,
            ResponseCode::SYSTEM_ERROR,
            "The Consumer <G> <127.0.0.1@gone> not online",
        );
        cluster.stop().await;
    })
    .await;
}
