//! The orderly push consumer against a Fulmen `LocalCluster`: per-queue order kept with several members holding
//! broker locks, and a poison message retried locally, then sent to `%RETRY%<group>` with its delivery count and
//! moved by the broker to `%DLQ%<group>`.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fulmen_client::{
    ConsumeFromWhere, ConsumeResult, Message, MessageQueue, MessageView, Producer, ProducerConfig,
    PullConsumer, PullConsumerConfig, PullStatus, PushConsumer, PushConsumerConfig,
};
use fulmen_testkit::LocalCluster;

const TEST_BOUND: Duration = Duration::from_secs(60);

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

fn config(cluster: &LocalCluster, group: &str, topic: &str) -> PushConsumerConfig {
    let mut config = PushConsumerConfig::new(cluster.namesrv_addr(), group).subscribe(topic, "*");
    config.consume_from_where = ConsumeFromWhere::ConsumeFromFirstOffset;
    config.persist_offset_interval = Duration::from_millis(500);
    config.rebalance_interval = Duration::from_secs(2);
    config.lock_interval = Duration::from_secs(2);
    config.suspend_current_queue_time = Duration::from_millis(50);
    config
}

type Log = Arc<Mutex<Vec<MessageView>>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_queue_is_consumed_in_order_by_several_members() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let broker = cluster.brokers()[0].0.clone();
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        producer.send(Message::new("Ordered", "warm-up")).await.unwrap();
        for i in 0..15 {
            for queue in 0..4 {
                let message = Message::new("Ordered", format!("{queue}:{i}"));
                producer
                    .send_to_queue(message, MessageQueue::new("Ordered", broker.clone(), queue))
                    .await
                    .unwrap();
            }
        }
        let log: Log = Arc::default();
        let listener = |log: Log| {
            move |messages: Vec<MessageView>| {
                let log = log.clone();
                async move {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    log.lock().unwrap().extend(messages);
                    ConsumeResult::Success
                }
            }
        };
        let a = PushConsumer::start_orderly(config(&cluster, "CG_ORD", "Ordered"), listener(log.clone()))
            .await
            .unwrap();
        let b = PushConsumer::start_orderly(config(&cluster, "CG_ORD", "Ordered"), listener(log.clone()))
            .await
            .unwrap();
        let count = |log: &Log| {
            log.lock()
                .unwrap()
                .iter()
                .filter(|m| m.body.contains(&b':'))
                .count()
        };
        eventually(|| count(&log) >= 60).await;
        let mut by_queue: BTreeMap<i32, Vec<u32>> = BTreeMap::new();
        for message in log.lock().unwrap().iter() {
            let text = String::from_utf8(message.body.to_vec()).unwrap();
            if let Some((queue, i)) = text.split_once(':') {
                by_queue
                    .entry(queue.parse().unwrap())
                    .or_default()
                    .push(i.parse().unwrap());
            }
        }
        for (queue, seq) in by_queue {
            let mut first_seen = Vec::new();
            for i in seq {
                if !first_seen.contains(&i) {
                    first_seen.push(i);
                }
            }
            assert_eq!(
                first_seen,
                (0..15).collect::<Vec<_>>(),
                "queue {queue} out of order"
            );
        }
        let owned: usize = [&a, &b]
            .iter()
            .map(|c| {
                c.assigned_queues()
                    .iter()
                    .filter(|q| q.topic == "Ordered")
                    .count()
            })
            .sum();
        assert_eq!(owned, 4);
        a.shutdown().await;
        b.shutdown().await;
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_message_reaches_the_dlq_after_max_reconsume_times_local_tries() {
    bounded(async {
        let cluster = LocalCluster::builder()
            .configure_broker(|_, broker| broker.message_delay_level = "1s 1s 1s 1s 1s 1s".into())
            .start()
            .await
            .unwrap();
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let sent = producer
            .send(Message::new("Poison", "bad").with_tags("X"))
            .await
            .unwrap();
        let log: Log = Arc::default();
        let listener = {
            let log = log.clone();
            move |messages: Vec<MessageView>| {
                log.lock().unwrap().extend(messages);
                std::future::ready(ConsumeResult::ReconsumeLater)
            }
        };
        let mut config = config(&cluster, "CG_POISON", "Poison");
        config.max_reconsume_times = 2;
        let consumer = PushConsumer::start_orderly(config, listener).await.unwrap();
        eventually(|| log.lock().unwrap().len() >= 3).await;
        let tries: Vec<i32> = log.lock().unwrap().iter().map(|m| m.reconsume_times).collect();
        assert_eq!(&tries[..3], &[0, 1, 2]);

        let puller = PullConsumer::start(PullConsumerConfig::new(cluster.namesrv_addr(), "CG_CHECK"))
            .await
            .unwrap();
        let dlq = loop {
            if let Ok(queues) = puller.fetch_message_queues("%DLQ%CG_POISON").await {
                let result = puller
                    .pull(&queues[0], "*", 0, 8, Duration::from_secs(3))
                    .await
                    .unwrap();
                if result.status == PullStatus::Found {
                    break result.messages;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(dlq.len(), 1);
        assert_eq!(&dlq[0].body[..], b"bad");
        assert_eq!(dlq[0].msg_id, sent.msg_id);
        assert_eq!(dlq[0].property("RETRY_TOPIC"), Some("Poison"));
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            log.lock().unwrap().len(),
            3,
            "the message is not consumed after it went to the DLQ"
        );
        puller.shutdown().await;
        consumer.shutdown().await;
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}
