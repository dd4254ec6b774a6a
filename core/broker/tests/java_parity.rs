//! What a client or admin sees matches Java 5.3.3: the system topics a broker defines at start, the codes and
//! remarks of topic admin (`AdminBrokerProcessor`), of sends (`SendMessageProcessor`, `msgCheck`), heartbeat v2
//! and CHECK_CLIENT_CONFIG (`ClientManageProcessor`), and the queues of topic and consume stats.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use fulmen_protocol::body::{
    ConsumeStats, ExpressionType, HeartbeatData, JsonBody, SubscriptionData, TopicConfig,
    TopicConfigSerializeWrapper, TopicStatsTable,
};
use fulmen_protocol::header::{
    DeleteTopicRequestHeader, GetConsumeStatsRequestHeader, GetTopicConfigRequestHeader,
    GetTopicStatsInfoRequestHeader, PullSysFlag,
};
use fulmen_protocol::message::{Properties, decode_all};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

const FAQ: &str = "\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn system_topics_are_javas() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        let response = cluster
            .invoke(RemotingCommand::request(RequestCode::GET_ALL_TOPIC_CONFIG))
            .await;
        let table = TopicConfigSerializeWrapper::decode(&response.body)
            .unwrap()
            .topic_config_table;
        let topics: Vec<(&str, i32, i32, i32)> = table
            .values()
            .map(|t| {
                (
                    t.topic_name.as_str(),
                    t.read_queue_nums,
                    t.write_queue_nums,
                    t.perm,
                )
            })
            .collect();
        assert_eq!(
            topics,
            [
                ("SELF_TEST_TOPIC", 1, 1, 6),
                ("TBW102", 8, 8, 7),
                ("BenchmarkTest", 1024, 1024, 6),
                ("DefaultCluster", 16, 16, 7),
                ("broker-a", 1, 1, 7),
                ("OFFSET_MOVED_EVENT", 1, 1, 6),
                ("SCHEDULE_TOPIC_XXXX", 18, 18, 6),
                ("DefaultCluster_REPLY_TOPIC", 1, 1, 6),
                ("rmq_sys_REVIVE_LOG_DefaultCluster", 8, 8, 6),
                ("rmq_sys_SYNC_BROKER_MEMBER_broker-a", 1, 1, 1),
                ("RMQ_SYS_TRANS_HALF_TOPIC", 1, 1, 6),
                ("RMQ_SYS_TRANS_OP_HALF_TOPIC", 1, 1, 6),
                ("rmq_sys_wheel_timer", 1, 1, 6),
            ]
        );
        cluster.stop().await;
    })
    .await;
}

/// A SEND_MESSAGE whose properties carry only a tag (no UNIQ_KEY).
fn send_header_only(topic: &str, queue_id: i32) -> RemotingCommand {
    let mut properties = Properties::new();
    properties.insert("TAGS", "A");
    RemotingCommand::request(RequestCode::SEND_MESSAGE)
        .with_header(&send_header(topic, queue_id, &properties))
        .with_body(b"single".to_vec())
}

fn create_with(topic: &str, field: &str, value: &str) -> RemotingCommand {
    let mut request = create_topic(topic, 4, 4);
    request.set_ext_field(field, value);
    request
}

fn delete(topic: &str) -> RemotingCommand {
    RemotingCommand::request(RequestCode::DELETE_TOPIC_IN_BROKER)
        .with_header(&DeleteTopicRequestHeader { topic: topic.into() })
}

async fn topic_config(cluster: &Cluster, topic: &str) -> TopicConfig {
    let response = cluster
        .invoke(
            RemotingCommand::request(RequestCode::GET_TOPIC_CONFIG)
                .with_header(&GetTopicConfigRequestHeader { topic: topic.into() }),
        )
        .await;
    assert_eq!(response.response_code(), ResponseCode::SUCCESS);
    TopicConfig::decode(&response.body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topic_admin_answers_like_java() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        let response = cluster.invoke(create_topic("bad topic", 4, 4)).await;
        assert_answer(
            &response,
            ResponseCode::INVALID_PARAMETER,
            "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$",
        );
        for system in [
            "TBW102",
            "DefaultCluster",
            "broker-a",
            "DefaultCluster_REPLY_TOPIC",
            "rmq_sys_anything",
            "RMQ_SYS_TRACE_TOPIC",
        ] {
            let expected = format!("The topic[{system}] is conflict with system topic.");
            let response = cluster.invoke(create_topic(system, 4, 4)).await;
            assert_answer(&response, ResponseCode::INVALID_PARAMETER, &expected);
            let response = cluster.invoke(delete(system)).await;
            assert_answer(&response, ResponseCode::INVALID_PARAMETER, &expected);
        }
        let response = cluster.invoke(delete(" ")).await;
        assert_answer(
            &response,
            ResponseCode::INVALID_PARAMETER,
            "The specified topic is blank.",
        );
        let response = cluster
            .invoke(create_with("T", "topicFilterType", "NO_TAG"))
            .await;
        assert_answer(
            &response,
            ResponseCode::SYSTEM_ERROR,
            "No enum constant org.apache.rocketmq.common.TopicFilterType.NO_TAG",
        );
        let response = cluster
            .invoke(create_with("T", "attributes", "+colour=red"))
            .await;
        assert_answer(&response, ResponseCode::SYSTEM_ERROR, "unsupported key: colour");
        let response = cluster
            .invoke(create_with("T", "attributes", "+message.type=MIXED"))
            .await;
        assert_answer(
            &response,
            ResponseCode::INVALID_PARAMETER,
            "MIXED message type is not supported.",
        );
        let response = cluster
            .invoke(create_with("T", "attributes", "-message.type"))
            .await;
        assert_answer(
            &response,
            ResponseCode::SYSTEM_ERROR,
            "only add attribute is supported while creating topic. key: message.type",
        );
        assert!(
            cluster.namesrv.topic_route("T").is_none(),
            "refused creations create nothing"
        );

        let response = cluster
            .invoke(create_with("T", "attributes", "+message.type=FIFO"))
            .await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        assert_eq!(
            topic_config(&cluster, "T").await.attributes["message.type"],
            "FIFO"
        );
        // An update without attributes keeps them; queue.type cannot change after creation.
        let response = cluster.invoke(create_topic("T", 2, 2)).await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        let updated = topic_config(&cluster, "T").await;
        assert_eq!(updated.read_queue_nums, 2);
        assert_eq!(updated.attributes["message.type"], "FIFO");
        let response = cluster
            .invoke(create_with("T", "attributes", "+queue.type=BatchCQ"))
            .await;
        assert_answer(
            &response,
            ResponseCode::SYSTEM_ERROR,
            "attempt to update an unchangeable attribute. key: queue.type",
        );
        let response = cluster.invoke(delete("T")).await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_answer_like_java() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(send_v2("Fresh", -1, "A", b"x")).await;

        let response = cluster.invoke(send_v2("Fresh", 99, "A", b"x")).await;
        assert_eq!(response.response_code(), ResponseCode::INVALID_PARAMETER);
        let remark = response.remark.clone().unwrap();
        let expected = "request queueId[99] is illegal, TopicConfig [topicName=Fresh, readQueueNums=4, \
                        writeQueueNums=4, perm=RW-, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false, \
                        attributes={}] Producer: 127.0.0.1:";
        assert!(remark.starts_with(expected), "{remark}");
        assert_eq!(response.ext_field("MSG_REGION"), Some("DefaultRegion"));
        assert_eq!(response.ext_field("TRACE_ON"), Some("true"));

        let response = cluster.invoke(send_v2("SELF_TEST_TOPIC", 0, "A", b"x")).await;
        assert_answer(
            &response,
            ResponseCode::NO_PERMISSION,
            "Sending message to topic[SELF_TEST_TOPIC] is forbidden.",
        );
        assert_eq!(response.ext_field("MSG_REGION"), Some("DefaultRegion"));

        let response = cluster
            .invoke(send_v2("Fresh", 0, "A", &vec![7u8; 65 * 1024]))
            .await;
        assert_answer(
            &response,
            ResponseCode::MESSAGE_ILLEGAL,
            "the message is illegal, maybe msg body or properties length not matched. \
             msg body length limit 65536B, msg properties length limit 32KB.",
        );

        // Java does not check a topic's permission on send: a read-only topic takes messages.
        let mut read_only = create_topic("ReadOnly", 1, 1);
        read_only.set_ext_field("perm", "4");
        cluster.invoke(read_only).await;
        let response = cluster.invoke(send_v2("ReadOnly", 0, "A", b"x")).await;
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );

        // A COMPACTION topic needs keys.
        let mut compacted = create_topic("Compacted", 1, 1);
        compacted.set_ext_field("attributes", "+cleanup.policy=COMPACTION");
        assert_eq!(
            cluster.invoke(compacted).await.response_code(),
            ResponseCode::SUCCESS
        );
        let response = cluster.invoke(send_v2("Compacted", 0, "A", b"x")).await;
        assert_answer(
            &response,
            ResponseCode::MESSAGE_ILLEGAL,
            "Required message key is missing",
        );
        let mut keyed = Properties::new();
        keyed.insert("KEYS", "k1");
        let request = RemotingCommand::request(RequestCode::SEND_MESSAGE)
            .with_header(&send_header("Compacted", 0, &keyed))
            .with_body(b"x".to_vec());
        assert_eq!(
            cluster.invoke(request).await.response_code(),
            ResponseCode::SUCCESS
        );

        // The broker adds UNIQ_KEY to a single message without one, never to batch entries (clients set them).
        cluster.invoke(create_topic("Batch", 1, 1)).await;
        let response = cluster
            .invoke(send_batch_without_keys("Batch", 0, &[b"b1", b"b2"]))
            .await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        let response = cluster.invoke(send_header_only("Batch", 0)).await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        let pulled = cluster
            .invoke(pull_request(&pull("G", "Batch", 0, 0, PullSysFlag::SUBSCRIPTION)))
            .await;
        let messages = decode_all(&pulled.body).unwrap();
        let keys: Vec<bool> = messages.iter().map(|m| m.uniq_key().is_some()).collect();
        assert_eq!(keys, [false, false, true]);

        // A retry topic needs its group; with auto-creation off an unknown one is refused.
        cluster
            .invoke(update_broker_config(&[("autoCreateSubscriptionGroup", "false")]))
            .await;
        let response = cluster.invoke(send_v2("%RETRY%Nobody", 0, "A", b"x")).await;
        assert_answer(
            &response,
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            &format!("subscription group not exist, Nobody {FAQ}"),
        );
        cluster.stop().await;
    })
    .await;
}

fn heartbeat_v2(group: &str, fingerprint: i32, without_sub: bool) -> RemotingCommand {
    let request = heartbeat("c1", group, "T", "TagA", 100);
    let mut data = HeartbeatData::decode(&request.body).unwrap();
    data.heartbeat_fingerprint = fingerprint;
    data.without_sub = without_sub;
    if without_sub {
        data.consumer_data_set[0].subscription_data_set.clear();
    }
    RemotingCommand::request(RequestCode::HEART_BEAT).with_body(data.encode().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeat_v2_and_client_config_checks_answer_like_java() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 1, 1)).await;
        let v1 = cluster.invoke(heartbeat("c1", "G", "T", "TagA", 100)).await;
        assert_eq!(v1.ext_field("IS_SUB_CHANGE"), Some("true"));
        let first = cluster.invoke(heartbeat_v2("G", 42, false)).await;
        assert_eq!(first.ext_field("IS_SUPPORT_HEART_BEAT_V2"), Some("true"));
        assert_eq!(first.ext_field("IS_SUB_CHANGE"), Some("true"), "0 (v1) -> 42");
        let same = cluster.invoke(heartbeat_v2("G", 42, true)).await;
        assert_eq!(same.ext_field("IS_SUB_CHANGE"), Some("false"));
        // withoutSub kept the registered subscription: a pull without SUBSCRIPTION still finds it.
        let mut header = pull("G", "T", 0, 0, PullSysFlag::NONE);
        header.sub_version = 100;
        let response = cluster.invoke(pull_request(&header)).await;
        assert_eq!(
            response.response_code(),
            ResponseCode::PULL_NOT_FOUND,
            "{:?}",
            response.remark
        );

        let mut subscription = SubscriptionData::from_tag_expression("T", "a > 1", 1);
        subscription.expression_type = ExpressionType::Sql92;
        let body = serde_json::json!({"clientId": "c1", "group": "G", "subscriptionData": subscription});
        let check = |body: serde_json::Value| {
            RemotingCommand::request(RequestCode::CHECK_CLIENT_CONFIG)
                .with_body(body.to_string().into_bytes())
        };
        let response = cluster.invoke(check(body)).await;
        assert_answer(
            &response,
            ResponseCode::SYSTEM_ERROR,
            "The broker does not support consumer to filter message by SQL92",
        );
        let tags = SubscriptionData::from_tag_expression("T", "TagA", 1);
        let response = cluster
            .invoke(check(
                serde_json::json!({"clientId": "c1", "group": "G", "subscriptionData": tags}),
            ))
            .await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_cover_javas_queues_and_pull_offsets() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 2, 4)).await;
        cluster.invoke(send_v2("T", 0, "A", b"one")).await;
        cluster.invoke(send_v2("T", 0, "A", b"two")).await;
        cluster.invoke(send_v2("T", 3, "A", b"three")).await;

        let response = cluster
            .invoke(
                RemotingCommand::request(RequestCode::GET_TOPIC_STATS_INFO)
                    .with_header(&GetTopicStatsInfoRequestHeader { topic: "T".into() }),
            )
            .await;
        let stats = TopicStatsTable::decode(&response.body).unwrap();
        assert_eq!(stats.offset_table.len(), 4, "max(read, write) queues");
        let last = stats
            .offset_table
            .iter()
            .find(|(queue, _)| queue.queue_id == 3)
            .unwrap()
            .1;
        assert_eq!(last.max_offset, 1);
        assert!(last.last_update_timestamp > 0);

        // A pull moves the group's pull offset; the committed offset stays behind.
        cluster.invoke(heartbeat("c1", "G", "T", "*", 1)).await;
        let response = cluster
            .invoke(pull_request(&pull("G", "T", 0, 0, PullSysFlag::SUBSCRIPTION)))
            .await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        cluster.invoke(update("G", "T", 0, 1)).await;
        let response = cluster
            .invoke(
                RemotingCommand::request(RequestCode::GET_CONSUME_STATS).with_header(
                    &GetConsumeStatsRequestHeader {
                        consumer_group: "G".into(),
                        topic: None,
                        topic_list: None,
                    },
                ),
            )
            .await;
        let stats = ConsumeStats::decode(&response.body).unwrap();
        assert_eq!(stats.offset_table.len(), 2, "the readable queues");
        let first = stats
            .offset_table
            .iter()
            .find(|(queue, _)| queue.queue_id == 0)
            .unwrap()
            .1;
        assert_eq!(
            (first.broker_offset, first.consumer_offset, first.pull_offset),
            (2, 1, 2)
        );
        assert!(first.last_timestamp > 0);
        cluster.stop().await;
    })
    .await;
}
