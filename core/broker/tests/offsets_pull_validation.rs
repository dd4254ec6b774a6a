//! UPDATE_CONSUMER_OFFSET, QUERY_CONSUMER_OFFSET and PULL_MESSAGE check groups, topics and queue ids like Java
//! 5.3.3's `ConsumerManageProcessor` and `PullMessageProcessor` (codes and remarks), and auto-created groups are
//! written on the persist tick, not per request.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use fulmen_protocol::ResponseCode;
use fulmen_protocol::header::{PullMessageResponseHeader, PullSysFlag};

const FAQ: &str = "\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offset_updates_need_a_known_group_and_topic() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 2, 2)).await;

        let response = cluster.invoke(update("G", "T", 0, 5)).await;
        assert_answer(
            &response,
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            "Group G not exist!",
        );
        let response = cluster.invoke(update("", "T", 0, 5)).await;
        assert_answer(
            &response,
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            "Group  not exist!",
        );

        // A heartbeat creates the group; an offset update never does.
        cluster.invoke(heartbeat("c1", "G", "T", "*", 1)).await;
        let response = cluster.invoke(update("G", "Nowhere", 0, 5)).await;
        assert_answer(
            &response,
            ResponseCode::TOPIC_NOT_EXIST,
            "Topic Nowhere not exist!",
        );
        // Java does not check the queue id of an update against the topic.
        let response = cluster.invoke(update("G", "T", 9, 5)).await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        let response = cluster.invoke(update("G", "T", 1, 5)).await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        assert_eq!(response.remark, None);

        // Queries are not checked at all in 5.3.3: an unknown topic is simply not found.
        let response = cluster.invoke(query("Unknown", "Nowhere", 0, None)).await;
        assert_answer(
            &response,
            ResponseCode::QUERY_NOT_FOUND,
            "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first",
        );
        let response = cluster.invoke(query("G", "T", 1, Some(false))).await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pulls_are_checked_in_javas_order_with_javas_remarks() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 2, 2)).await;
        let sub = PullSysFlag::SUBSCRIPTION;

        let response = cluster
            .invoke(pull_request(&pull("G", "Nowhere", 0, 0, sub)))
            .await;
        assert_answer(
            &response,
            ResponseCode::TOPIC_NOT_EXIST,
            &format!("topic[Nowhere] not exist, apply first please! {FAQ}"),
        );

        let client_port = |remark: &str| {
            let prefix =
                "queueId[2] is illegal, topic:[T] topicConfig.readQueueNums:[2] consumer:[/127.0.0.1:";
            assert!(remark.starts_with(prefix), "{remark}");
            assert!(remark.ends_with(']'), "{remark}");
        };
        let response = cluster.invoke(pull_request(&pull("G", "T", 2, 0, sub))).await;
        assert_eq!(response.response_code(), ResponseCode::INVALID_PARAMETER);
        client_port(response.remark.as_deref().unwrap());
        let response = cluster.invoke(pull_request(&pull("G", "T", -1, 0, sub))).await;
        assert_eq!(response.response_code(), ResponseCode::INVALID_PARAMETER);
        assert!(response.remark.unwrap().starts_with("queueId[-1] is illegal"));

        // A group name the broker would not create.
        let response = cluster
            .invoke(pull_request(&pull("bad group", "T", 0, 0, sub)))
            .await;
        assert_answer(
            &response,
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            &format!("subscription group [bad group] does not exist, {FAQ}"),
        );

        // A write-only topic: NO_PERMISSION with forbiddenType TOPIC_FORBIDDEN (3).
        let mut write_only = create_topic("WriteOnly", 1, 1);
        write_only.set_ext_field("perm", "2");
        cluster.invoke(write_only).await;
        let response = cluster
            .invoke(pull_request(&pull("G", "WriteOnly", 0, 0, sub)))
            .await;
        assert_answer(
            &response,
            ResponseCode::NO_PERMISSION,
            "the topic[WriteOnly] pulling message is forbidden",
        );
        assert_eq!(response.ext_field("forbiddenType"), Some("3"));

        // Without the SUBSCRIPTION flag the group must be registered by heartbeat.
        let response = cluster
            .invoke(pull_request(&pull("G", "T", 0, 0, PullSysFlag::NONE)))
            .await;
        assert_answer(
            &response,
            ResponseCode::SUBSCRIPTION_NOT_EXIST,
            &format!("the consumer's group info not exist{FAQ}"),
        );

        // A pull that passes: the answer carries the topic's and group's sys flags.
        let response = cluster.invoke(pull_request(&pull("G", "T", 0, 0, sub))).await;
        assert_eq!(response.response_code(), ResponseCode::PULL_NOT_FOUND);
        let header: PullMessageResponseHeader = response.decode_header().unwrap();
        assert_eq!((header.topic_sys_flag, header.group_sys_flag), (Some(0), Some(0)));

        // With autoCreateSubscriptionGroup off, an unknown group is refused (a CID_RMQ_SYS_ one is still made).
        let response = cluster
            .invoke(update_broker_config(&[("autoCreateSubscriptionGroup", "false")]))
            .await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        let response = cluster.invoke(pull_request(&pull("G2", "T", 0, 0, sub))).await;
        assert_answer(
            &response,
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            &format!("subscription group [G2] does not exist, {FAQ}"),
        );
        let response = cluster
            .invoke(pull_request(&pull("CID_RMQ_SYS_X", "T", 0, 0, sub)))
            .await;
        assert_eq!(response.response_code(), ResponseCode::PULL_NOT_FOUND);
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_created_groups_are_not_written_per_request_but_at_shutdown() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), |config| {
            config.offset_persist_interval = Duration::from_secs(3600);
        })
        .await;
        cluster.invoke(create_topic("T", 1, 1)).await;
        let file = dir.path().join("config/subscriptionGroup.json");
        let written = || std::fs::read_to_string(&file).unwrap_or_default();
        for group in ["A1", "A2", "A3"] {
            let response = cluster
                .invoke(pull_request(&pull(group, "T", 0, 0, PullSysFlag::SUBSCRIPTION)))
                .await;
            assert_eq!(response.response_code(), ResponseCode::PULL_NOT_FOUND);
        }
        cluster.invoke(heartbeat("c1", "A4", "T", "*", 1)).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            !written().contains("\"A1\""),
            "pulls and heartbeats do not write subscriptionGroup.json themselves"
        );
        cluster.stop().await;
        let text = written();
        for group in ["A1", "A2", "A3", "A4"] {
            assert!(text.contains(&format!("\"{group}\"")), "{group} missing: {text}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_created_groups_are_written_on_the_persist_tick() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), |config| {
            config.offset_persist_interval = Duration::from_millis(200);
        })
        .await;
        cluster.invoke(create_topic("T", 1, 1)).await;
        let file = dir.path().join("config/subscriptionGroup.json");
        cluster
            .invoke(pull_request(&pull(
                "Ticked",
                "T",
                0,
                0,
                PullSysFlag::SUBSCRIPTION,
            )))
            .await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !std::fs::read_to_string(&file)
            .unwrap_or_default()
            .contains("\"Ticked\"")
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "never written while running"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        cluster.stop().await;
    })
    .await;
}
