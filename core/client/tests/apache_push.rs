//! Fulmen's push consumer against the official Apache RocketMQ 5.3.3 name server and broker (feature `apache`):
//! messages the official Java client sent are consumed with the same msgId, body, tags, keys and properties; two
//! Fulmen members of one group split the queues as Java's averaging strategy computes, Apache's broker lists them
//! as push consumers with the retry subscription, and they consume every message; RECONSUME_LATER comes back
//! through Apache's `%RETRY%<group>` with reconsumeTimes 1 and the original topic; Apache's own `mqadmin
//! consumerStatus` reads Fulmen's running info and `mqadmin resetOffsetByTime` moves a running Fulmen consumer back.
//!
//! Run with `cargo test -p fulmen-client --features apache --test apache_push` (needs Java and Maven).
#![allow(clippy::unwrap_used)] // tests may unwrap

mod apache;
mod push_support;

use std::collections::BTreeSet;
use std::time::Duration;

use apache::mqadmin::run_mqadmin;
use apache::{ApacheCluster, run_java_client};
use fulmen_client::{ConsumeFromWhere, Message, Producer, ProducerConfig, PushConsumer, PushConsumerConfig};
use push_support::{Received, actual_split, bounded, consumer_connection, eventually, expected_split};

/// The Java client's JVM start and Apache's 10 s retry delay (level 3) fit in this.
const TEST_BOUND: Duration = Duration::from_secs(150);

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
    bounded(TEST_BOUND, async {
        let topic = "FulmenPushFromJava";
        let namesrv = cluster.namesrv_addr.clone();
        let run =
            tokio::task::spawn_blocking(move || run_java_client(&namesrv, "FulmenPushUnused", 0, topic))
                .await
                .unwrap();
        assert_eq!(run.sent.len(), 2);
        let log = Received::default();
        let consumer = PushConsumer::start(config("FulmenPushFromJavaCG", topic), log.listener())
            .await
            .unwrap();
        eventually(|| log.len() >= 2).await;
        let got = log.all();
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
    bounded(TEST_BOUND, async {
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
        let log = Received::default();
        let a = PushConsumer::start(config("FulmenPushSplitCG", topic), log.listener())
            .await
            .unwrap();
        let b = PushConsumer::start(config("FulmenPushSplitCG", topic), log.listener())
            .await
            .unwrap();
        let expected = expected_split("FulmenPushSplitCG", &[&a, &b], topic, &cluster.broker_name, 4);
        eventually(|| actual_split(&[&a, &b], topic) == expected).await;

        // Apache's broker lists both members with Java's names for a push consumer and the retry subscription.
        let connection = consumer_connection(&cluster.broker_addr, "FulmenPushSplitCG").await;
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
        assert_eq!(clients, expected.keys().map(String::as_str).collect());

        eventually(|| {
            let seen: BTreeSet<String> = log.all().iter().map(|m| m.msg_id.clone()).collect();
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
    bounded(TEST_BOUND, async {
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
        let log = Received::default();
        let listener = log.failing_first_delivery();
        let consumer = PushConsumer::start(config("FulmenPushRetryCG", topic), listener)
            .await
            .unwrap();
        eventually(|| log.len() >= 2).await;
        let second = log.all()[1].clone();
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

#[tokio::test]
async fn mqadmin_reads_the_running_info_of_a_fulmen_consumer_and_resets_its_offsets() {
    let cluster = ApacheCluster::shared();
    bounded(TEST_BOUND, async {
        let (topic, group) = ("FulmenPushMqadmin", "FulmenPushMqadminCG");
        let producer = Producer::start(ProducerConfig::new(
            cluster.namesrv_addr.clone(),
            "FulmenPushMqadminPG",
        ))
        .await
        .unwrap();
        for i in 0..4 {
            producer.send(Message::new(topic, format!("a{i}"))).await.unwrap();
        }
        let log = Received::default();
        let mut config = config(group, topic);
        config.reset_offset_pause = Duration::from_millis(500);
        let consumer = PushConsumer::start(config, log.listener()).await.unwrap();
        eventually(|| log.len() == 4).await;

        // mqadmin consumerStatus -i <clientId> parses Fulmen's ConsumerRunningInfo and prints it.
        let namesrv = cluster.namesrv_addr.clone();
        let client_id = consumer.client_id().to_owned();
        let status = tokio::task::spawn_blocking(move || {
            run_mqadmin(&["consumerStatus", "-n", &namesrv, "-g", group, "-i", &client_id])
        })
        .await
        .unwrap();
        for expected in [
            "#Consumer Properties#",
            "PROP_CONSUME_TYPE",
            "CONSUME_PASSIVELY",
            "#Consumer Subscription#",
            "%RETRY%FulmenPushMqadminCG",
            "#Consumer Offset#",
            topic,
        ] {
            assert!(status.contains(expected), "{expected} missing from:\n{status}");
        }

        // mqadmin resetOffsetByTime to the beginning: Apache's broker tells the client, which consumes all again.
        let namesrv = cluster.namesrv_addr.clone();
        let reset = tokio::task::spawn_blocking(move || {
            run_mqadmin(&[
                "resetOffsetByTime",
                "-n",
                &namesrv,
                "-g",
                group,
                "-t",
                topic,
                "-s",
                "0",
            ])
        })
        .await
        .unwrap();
        assert!(reset.contains("#brokerName"), "{reset}");
        eventually(|| log.len() >= 8).await;
        let bodies = log.sorted_bodies();
        assert_eq!(bodies, ["a0", "a0", "a1", "a1", "a2", "a2", "a3", "a3"]);
        consumer.shutdown().await;
        producer.shutdown().await;
    })
    .await;
}
