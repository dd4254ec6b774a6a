//! The orderly push consumer against a Fulmen `LocalCluster`: per-queue order kept, and no queue consumed by two
//! members at once, while a second member takes half of the queues over (broker locks); and a poison message
//! retried locally, then sent to `%RETRY%<group>` with its delivery count and moved by the broker to `%DLQ%<group>`.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fulmen_client::{
    ConsumeResult, Message, MessageQueue, MessageView, PullConsumer, PullConsumerConfig, PullStatus,
    PushConsumer,
};
use push_support::{Fixture, Received, bounded, eventually};

mod push_support;

const TEST_BOUND: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_queue_is_consumed_in_order_while_a_second_member_takes_half_of_the_queues_over() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let (cluster, producer) = (&fixture.cluster, &fixture.producer);
        let broker = cluster.brokers()[0].0.clone();
        producer.send(Message::new("Ordered", "warm-up")).await.unwrap();
        let send_round = |i: u32| {
            let (producer, broker) = (producer.clone(), broker.clone());
            async move {
                for queue in 0..4 {
                    let message = Message::new("Ordered", format!("{queue}:{i}"));
                    let target = MessageQueue::new("Ordered", broker.clone(), queue);
                    producer.send_to_queue(message, target).await.unwrap();
                }
            }
        };
        for i in 0..10 {
            send_round(i).await;
        }
        let log = Received::default();
        // Queue id -> listener calls running on it; two at once would mean two members consume one queue.
        let running: Arc<Mutex<HashMap<i32, usize>>> = Arc::default();
        let overlap = Arc::new(AtomicBool::new(false));
        let listener = || {
            let (log, running, overlap) = (log.clone(), running.clone(), overlap.clone());
            move |messages: Vec<MessageView>| {
                let (log, running, overlap) = (log.clone(), running.clone(), overlap.clone());
                async move {
                    let queue = messages[0].queue.queue_id;
                    let ordered = messages[0].queue.topic == "Ordered";
                    if ordered {
                        let mut running = running.lock().unwrap();
                        let count = running.entry(queue).or_default();
                        *count += 1;
                        if *count > 1 {
                            overlap.store(true, Ordering::SeqCst);
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    log.record(messages);
                    if ordered {
                        *running.lock().unwrap().entry(queue).or_default() -= 1;
                    }
                    ConsumeResult::Success
                }
            }
        };
        let count = |log: &Received| log.all().iter().filter(|m| m.body.contains(&b':')).count();
        let a = PushConsumer::start_orderly(fixture.config("CG_ORD", "Ordered"), listener())
            .await
            .unwrap();
        eventually(|| count(&log) >= 10).await;
        let b = PushConsumer::start_orderly(fixture.config("CG_ORD", "Ordered"), listener())
            .await
            .unwrap();
        for i in 10..30 {
            send_round(i).await;
        }
        let owned = |c: &PushConsumer| {
            c.assigned_queues()
                .iter()
                .filter(|q| q.topic == "Ordered")
                .count()
        };
        eventually(|| owned(&a) == 2 && owned(&b) == 2).await;
        eventually(|| log.body_set().iter().filter(|b| b.contains(':')).count() == 120).await;
        assert!(
            !overlap.load(Ordering::SeqCst),
            "two members consumed one queue at once"
        );
        let mut by_queue: BTreeMap<i32, Vec<u32>> = BTreeMap::new();
        for message in log.all() {
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
                (0..30).collect::<Vec<_>>(),
                "queue {queue} out of order"
            );
        }
        a.shutdown().await;
        b.shutdown().await;
        fixture.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_message_reaches_the_dlq_after_max_reconsume_times_local_tries() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let (cluster, producer) = (&fixture.cluster, &fixture.producer);
        let sent = producer
            .send(Message::new("Poison", "bad").with_tags("X"))
            .await
            .unwrap();
        let log = Received::default();
        let listener = log.answering(ConsumeResult::ReconsumeLater);
        let mut config = fixture.config("CG_POISON", "Poison");
        config.max_reconsume_times = 2;
        let consumer = PushConsumer::start_orderly(config, listener).await.unwrap();
        eventually(|| log.len() >= 3).await;
        let tries: Vec<i32> = log.all().iter().map(|m| m.reconsume_times).collect();
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
            log.len(),
            3,
            "the message is not consumed after it went to the DLQ"
        );
        puller.shutdown().await;
        consumer.shutdown().await;
        fixture.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_releases_the_queue_locks_for_the_next_member() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let producer = &fixture.producer;
        producer
            .send(Message::new("OrderedUnlock", "first"))
            .await
            .unwrap();
        let log = Received::default();
        let first = PushConsumer::start_orderly(fixture.config("CG_UNLOCK", "OrderedUnlock"), log.listener())
            .await
            .unwrap();
        eventually(|| log.bodies() == ["first"]).await;
        first.shutdown().await;
        // The broker keeps a lock 60 s after its last renewal; the next member gets the queues at once only because
        // the first one released them.
        producer
            .send(Message::new("OrderedUnlock", "second"))
            .await
            .unwrap();
        let started = tokio::time::Instant::now();
        let next = PushConsumer::start_orderly(fixture.config("CG_UNLOCK", "OrderedUnlock"), log.listener())
            .await
            .unwrap();
        eventually(|| log.bodies() == ["first", "second"]).await;
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "waited for the broker's lock expiry"
        );
        next.shutdown().await;
        fixture.shutdown().await;
    })
    .await;
}
