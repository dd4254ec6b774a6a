//! Fulmen's push consumer against the official Apache RocketMQ 5.3.3 name server and broker (feature `apache`):
//! messages the official Java client sent are consumed with the same msgId, body, tags, keys and properties;
//! two Fulmen members of one group split the queues as Java's averaging strategy computes, Apache's broker lists
//! them as push consumers with the retry subscription, and they consume every message; RECONSUME_LATER comes back through Apache's `%RETRY%<group>` with reconsumeTimes 1 and the original
//! topic.
//!
//! Run with `cargo test -p fulmen-client --features apache --test apache_push` (needs Java and Maven).
#![allow(clippy::unwrap_used)] // tests may unwrap

mod apache;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apache::{ApacheCluster, run_java_client};
use fulmen_client::{
    AllocateStrategy, ConsumeFromWhere, ConsumeResult, Message, MessageQueue, MessageView, Producer,
    ProducerConfig, PushConsumer, PushConsumerConfig, sort_for_allocation,
};
use fulmen_protocol::body::{ConsumerConnection, JsonBody};
use fulmen_protocol::header::GetConsumerConnectionListRequestHeader;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::RemotingClient;

/// The Java client's JVM start and Apache's 10 s retry delay (level 3) fit in this.
const TEST_BOUND: Duration = Duration::from_secs(150);

async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_BOUND, test)
        .await
        .expect("the test did not finish within its time bound")
}

async fn eventually(mut condition: impl FnMut() -> bool) {
    while !condition() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

type Log = Arc<Mutex<Vec<MessageView>>>;

fn recording(
    log: &Log,
) -> impl Fn(Vec<MessageView>) -> std::future::Ready<ConsumeResult> + Send + Sync + 'static {
    let log = log.clone();
    move |messages| {
        log.lock().unwrap().extend(messages);
        std::future::ready(ConsumeResult::Success)
    }
}

fn config(group: &str, topic: &str) -> PushConsumerConfig {
    let namesrv = ApacheCluster::shared().namesrv_addr.clone();
    let mut config = PushConsumerConfig::new(namesrv, group).subscribe(topic, "*");
    config.consume_from_where = ConsumeFromWhere::ConsumeFromFirstOffset;
    config.rebalance_interval = Duration::from_secs(2);
    config.persist_offset_interval = Duration::from_secs(1);
    config
}

#[tokio::test]
async fn messages_sent_by_the_java_client_are_push_consumed_identically() {
    let cluster = ApacheCluster::shared();
    bounded(async {
        let topic = "FulmenPushFromJava";
        let namesrv = cluster.namesrv_addr.clone();
        let run =
            tokio::task::spawn_blocking(move || run_java_client(&namesrv, "FulmenPushUnused", 0, topic))
                .await
                .unwrap();
        assert_eq!(run.sent.len(), 2);
        let log: Log = Arc::default();
        let consumer = PushConsumer::start(config("FulmenPushFromJavaCG", topic), recording(&log))
            .await
            .unwrap();
        eventually(|| log.lock().unwrap().len() >= 2).await;
        let got = log.lock().unwrap().clone();
        let pattern = b"java-apache ";
        let big: Vec<u8> = (0..10 * 1024).map(|i| pattern[i % pattern.len()]).collect();
        let expected: [(&[u8], &str, &[&str]); 2] =
            [(b"from java", "TagJ", &["jk1", "jk2"]), (&big, "TagK", &["big"])];
        for (java, (body, tags, keys)) in run.sent.iter().zip(expected) {
            let message = got.iter().find(|m| m.msg_id == java.msg_id).unwrap();
            assert_eq!(
                (message.queue.queue_id, message.queue_offset),
                (java.queue_id, java.queue_offset)
            );
            assert_eq!(&message.body[..], body);
            assert_eq!(message.tags.as_deref(), Some(tags));
            assert_eq!(message.keys, keys);
            assert_eq!(message.topic, topic);
            assert_eq!(message.property("UNIQ_KEY"), Some(java.msg_id.as_str()));
        }
        let small = got.iter().find(|m| m.msg_id == run.sent[0].msg_id).unwrap();
        assert_eq!(small.property("origin"), Some("java"));
        consumer.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn two_fulmen_members_split_the_queues_and_consume_everything() {
    let cluster = ApacheCluster::shared();
    bounded(async {
        let topic = "FulmenPushSplit";
        let producer = Producer::start(ProducerConfig::new(
            cluster.namesrv_addr.clone(),
            "FulmenPushSplitPG",
        ))
        .await
        .unwrap();
        let mut sent = BTreeSet::new();
        for i in 0..20 {
            let result = producer.send(Message::new(topic, format!("s{i}"))).await.unwrap();
            sent.insert(result.msg_id);
        }
        let log: Log = Arc::default();
        let a = PushConsumer::start(config("FulmenPushSplitCG", topic), recording(&log))
            .await
            .unwrap();
        let b = PushConsumer::start(config("FulmenPushSplitCG", topic), recording(&log))
            .await
            .unwrap();
        let mut queues: Vec<MessageQueue> = (0..4)
            .map(|id| MessageQueue::new(topic, cluster.broker_name.clone(), id))
            .collect();
        let mut ids = vec![a.client_id().to_owned(), b.client_id().to_owned()];
        sort_for_allocation(&mut queues, &mut ids);
        let expected: BTreeMap<String, Vec<MessageQueue>> = ids
            .iter()
            .map(|id| {
                (
                    id.clone(),
                    AllocateStrategy::Averagely
                        .allocate("FulmenPushSplitCG", id, &queues, &ids)
                        .unwrap(),
                )
            })
            .collect();
        let actual = || -> BTreeMap<String, Vec<MessageQueue>> {
            [&a, &b]
                .iter()
                .map(|c| {
                    let mine = c
                        .assigned_queues()
                        .into_iter()
                        .filter(|q| q.topic == topic)
                        .collect();
                    (c.client_id().to_owned(), mine)
                })
                .collect()
        };
        eventually(|| actual() == expected).await;

        // Apache's broker lists both members with Java's names for a push consumer and the retry subscription.
        let admin = RemotingClient::new(fulmen_remoting::ClientConfig::default()).unwrap();
        let request = RemotingCommand::request(RequestCode::GET_CONSUMER_CONNECTION_LIST).with_header(
            &GetConsumerConnectionListRequestHeader {
                consumer_group: "FulmenPushSplitCG".into(),
            },
        );
        let response = admin
            .invoke(&cluster.broker_addr, request, Duration::from_secs(3))
            .await
            .unwrap();
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        let connection = ConsumerConnection::decode(&response.body).unwrap();
        assert_eq!(connection.consume_type.as_str(), "CONSUME_PASSIVELY");
        assert_eq!(connection.message_model.as_str(), "CLUSTERING");
        assert_eq!(
            connection.consume_from_where.as_str(),
            "CONSUME_FROM_FIRST_OFFSET"
        );
        let topics: BTreeSet<&str> = connection.subscription_table.keys().map(String::as_str).collect();
        assert_eq!(topics, BTreeSet::from([topic, "%RETRY%FulmenPushSplitCG"]));
        let clients: BTreeSet<&str> = connection
            .connection_set
            .iter()
            .map(|c| c.client_id.as_str())
            .collect();
        assert_eq!(clients, ids.iter().map(String::as_str).collect());
        admin.shutdown().await;

        eventually(|| {
            let seen: BTreeSet<String> = log.lock().unwrap().iter().map(|m| m.msg_id.clone()).collect();
            seen.is_superset(&sent)
        })
        .await;
        a.shutdown().await;
        b.shutdown().await;
        producer.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn reconsume_later_comes_back_through_apaches_retry_topic() {
    let cluster = ApacheCluster::shared();
    bounded(async {
        let topic = "FulmenPushRetry";
        let producer = Producer::start(ProducerConfig::new(
            cluster.namesrv_addr.clone(),
            "FulmenPushRetryPG",
        ))
        .await
        .unwrap();
        let sent = producer
            .send(Message::new(topic, "retry me").with_tags("R"))
            .await
            .unwrap();
        let log: Log = Arc::default();
        let listener = {
            let log = log.clone();
            move |messages: Vec<MessageView>| {
                let first = messages.iter().any(|m| m.reconsume_times == 0);
                log.lock().unwrap().extend(messages);
                std::future::ready(if first {
                    ConsumeResult::ReconsumeLater
                } else {
                    ConsumeResult::Success
                })
            }
        };
        let consumer = PushConsumer::start(config("FulmenPushRetryCG", topic), listener)
            .await
            .unwrap();
        eventually(|| log.lock().unwrap().len() >= 2).await;
        let second = log.lock().unwrap()[1].clone();
        assert_eq!(second.reconsume_times, 1);
        assert_eq!(second.topic, topic);
        assert_eq!(second.queue.topic, "%RETRY%FulmenPushRetryCG");
        assert_eq!(second.msg_id, sent.msg_id);
        assert_eq!(&second.body[..], b"retry me");
        consumer.shutdown().await;
        producer.shutdown().await;
    })
    .await;
}
