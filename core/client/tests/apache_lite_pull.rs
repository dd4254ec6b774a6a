//! The lite pull consumer against the official Apache RocketMQ 5.3.3 name server and broker (feature `apache`):
//! assign + poll of every queue with LITE_PULL_MESSAGE, a manual commit with persist read back by
//! QUERY_CONSUMER_OFFSET, auto commit at shutdown, subscribe (rebalance through GET_CONSUMER_LIST_BY_GROUP), the
//! heartbeat data and running info Apache's broker and `mqadmin consumerStatus` see, a seek back that re-delivers,
//! and the group gone after shutdown.
//!
//! One Apache cluster serves every test of this binary; each test uses its own topic and group. Run with
//! `cargo test -p fulmen-client --features apache --test apache_lite_pull` (needs Java and Maven).
#![allow(clippy::unwrap_used)] // tests may unwrap

mod apache;

mod lite_support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use lite_support::{POLL, bounded, next_offsets, poll_until, queues_of};

use apache::ApacheCluster;
use apache::mqadmin::run_mqadmin;
use fulmen_client::{
    ConsumeFromWhere, LitePullConsumer, LitePullConsumerConfig, Message, MessageQueue, Producer,
    ProducerConfig, PullConsumer, PullConsumerConfig,
};
use fulmen_protocol::body::{ConsumerConnection, JsonBody};
use fulmen_protocol::header::GetConsumerConnectionListRequestHeader;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::RemotingClient;

/// The bound includes a JVM start for `mqadmin`.
const TEST_BOUND: Duration = Duration::from_secs(150);

fn config(group: &str) -> LitePullConsumerConfig {
    let mut config = LitePullConsumerConfig::new(ApacheCluster::shared().namesrv_addr.clone(), group);
    config.consume_from_where = ConsumeFromWhere::ConsumeFromFirstOffset;
    config.auto_commit_interval = Duration::from_secs(1);
    config.persist_offset_interval = Duration::from_millis(300);
    config.rebalance_interval = Duration::from_secs(1);
    config
}

/// Sends `count` messages to `topic` (auto-created by the first send); returns their bodies.
async fn send(topic: &str, count: usize) -> BTreeSet<String> {
    let namesrv = ApacheCluster::shared().namesrv_addr.clone();
    let producer = Producer::start(ProducerConfig::new(namesrv, format!("{topic}PG")))
        .await
        .unwrap();
    let mut bodies = BTreeSet::new();
    for i in 0..count {
        let body = format!("{topic}-{i}");
        producer
            .send(Message::new(topic, body.clone()).with_tags("A"))
            .await
            .unwrap();
        bodies.insert(body);
    }
    producer.shutdown().await;
    bodies
}

/// Waits until Apache's broker answers QUERY_CONSUMER_OFFSET of `group` with `wanted` for the queues in it.
async fn wait_for_broker_offsets(group: &str, queues: &[MessageQueue], wanted: &BTreeMap<i32, i64>) {
    let namesrv = ApacheCluster::shared().namesrv_addr.clone();
    let primitive = PullConsumer::start(PullConsumerConfig::new(namesrv, group))
        .await
        .unwrap();
    loop {
        let mut offsets = BTreeMap::new();
        for queue in queues.iter().filter(|q| wanted.contains_key(&q.queue_id)) {
            offsets.insert(
                queue.queue_id,
                primitive.query_offset(queue).await.unwrap().unwrap_or(-1),
            );
        }
        if &offsets == wanted {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    primitive.shutdown().await;
}

/// What Apache's broker knows of `group` from the heartbeats (GET_CONSUMER_CONNECTION_LIST); `None` when it
/// answers that the group is not online.
async fn consumer_connection(group: &str) -> Option<ConsumerConnection> {
    let admin = RemotingClient::new(fulmen_remoting::ClientConfig::default()).unwrap();
    let request = RemotingCommand::request(RequestCode::GET_CONSUMER_CONNECTION_LIST).with_header(
        &GetConsumerConnectionListRequestHeader {
            consumer_group: group.into(),
        },
    );
    let addr = &ApacheCluster::shared().broker_addr;
    let response = admin.invoke(addr, request, Duration::from_secs(3)).await.unwrap();
    admin.shutdown().await;
    match response.response_code() {
        ResponseCode::SUCCESS => Some(ConsumerConnection::decode(&response.body).unwrap()),
        ResponseCode::CONSUMER_NOT_ONLINE => None,
        code => panic!("{code:?} {:?}", response.remark),
    }
}

#[tokio::test]
async fn assign_poll_and_manual_commit_against_apache() {
    bounded(TEST_BOUND, async {
        let topic = "FulmenLiteAssign";
        let sent = send(topic, 30).await;
        let mut manual = config("FulmenLiteAssignCG");
        manual.auto_commit = false;
        let consumer = LitePullConsumer::start(manual).await.unwrap();
        let queues = queues_of(&consumer, topic).await;
        consumer.assign(queues.clone()).unwrap();
        let polled = poll_until(&consumer, &sent).await;
        assert_eq!(polled.len(), sent.len(), "each message once");
        assert!(
            polled
                .iter()
                .all(|m| m.topic == topic && m.tags.as_deref() == Some("A"))
        );

        let wanted = next_offsets(&polled);
        let offsets: HashMap<MessageQueue, i64> = queues
            .iter()
            .filter_map(|q| wanted.get(&q.queue_id).map(|offset| (q.clone(), *offset)))
            .collect();
        consumer.commit(offsets, true).await.unwrap();
        wait_for_broker_offsets("FulmenLiteAssignCG", &queues, &wanted).await;
        let first = queues.iter().find(|q| wanted.contains_key(&q.queue_id)).unwrap();
        assert_eq!(
            consumer.committed(first).await.unwrap(),
            Some(wanted[&first.queue_id])
        );
        consumer.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn subscribe_poll_seek_back_and_auto_commit_at_shutdown_against_apache() {
    bounded(TEST_BOUND, async {
        let topic = "FulmenLiteSubscribe";
        let sent = send(topic, 24).await;
        let mut slow = config("FulmenLiteSubscribeCG");
        slow.auto_commit_interval = Duration::from_secs(600);
        slow.persist_offset_interval = Duration::from_secs(600);
        let consumer = LitePullConsumer::start(slow).await.unwrap();
        consumer.subscribe(topic, "*").await.unwrap();
        let polled = poll_until(&consumer, &sent).await;

        // The broker lists the consumer with Java's names for a lite pull consumer, without a retry topic.
        let connection = consumer_connection("FulmenLiteSubscribeCG").await.unwrap();
        assert_eq!(connection.consume_type.as_str(), "CONSUME_ACTIVELY");
        assert_eq!(connection.message_model.as_str(), "CLUSTERING");
        assert_eq!(connection.consume_from_where.as_str(), "CONSUME_FROM_LAST_OFFSET");
        let topics: Vec<&str> = connection.subscription_table.keys().map(String::as_str).collect();
        assert_eq!(topics, [topic]);

        // Apache's mqadmin consumerStatus reads the lite consumer's running info.
        let namesrv = ApacheCluster::shared().namesrv_addr.clone();
        let client_id = consumer.client_id().to_owned();
        let status = tokio::task::spawn_blocking(move || {
            run_mqadmin(&[
                "consumerStatus",
                "-n",
                &namesrv,
                "-g",
                "FulmenLiteSubscribeCG",
                "-i",
                &client_id,
            ])
        })
        .await
        .unwrap();
        for expected in [
            "#Consumer Properties#",
            "CONSUME_ACTIVELY",
            "#Consumer Offset#",
            topic,
        ] {
            assert!(status.contains(expected), "{expected} missing from:\n{status}");
        }

        // Seek one queue back to its start: its messages come again, from offset 0 on.
        let queue = polled[0].queue.clone();
        let count = polled.iter().filter(|m| m.queue == queue).count();
        consumer.seek(&queue, 0).await.unwrap();
        let mut expected = 0;
        while expected < i64::try_from(count).unwrap() {
            for message in consumer.poll(POLL).await.unwrap() {
                assert_eq!(message.queue, queue);
                assert_eq!(message.queue_offset, expected);
                expected += 1;
            }
        }

        consumer.shutdown().await;
        assert!(
            consumer_connection("FulmenLiteSubscribeCG").await.is_none(),
            "unregistered at shutdown"
        );
        let queues: Vec<MessageQueue> = polled.iter().map(|m| m.queue.clone()).collect();
        wait_for_broker_offsets("FulmenLiteSubscribeCG", &queues, &next_offsets(&polled)).await;
    })
    .await;
}
