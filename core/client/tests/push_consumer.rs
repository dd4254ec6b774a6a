//! The push consumer against a Fulmen `LocalCluster`: every message consumed, offsets committed and resumed by
//! the next start, queues split as the allocation strategy computes, a member leaving mid-load without losing a
//! message, RECONSUME_LATER redelivered through `%RETRY%<group>`, and flow control bounding the cache.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::BTreeSet;
use std::time::Duration;

use fulmen_client::{
    ConsumeFromWhere, ConsumeResult, Message, MessageView, Producer, PushConsumer, PushConsumerConfig,
};
use push_support::{Fixture, Received, actual_split, bounded, eventually, expected_split};

mod push_support;

const TEST_BOUND: Duration = Duration::from_secs(60);

async fn send(producer: &Producer, topic: &str, range: std::ops::Range<usize>) -> BTreeSet<String> {
    let mut bodies = BTreeSet::new();
    for i in range {
        let body = format!("m{i}");
        producer
            .send(Message::new(topic, body.clone()).with_tags("A"))
            .await
            .unwrap();
        bodies.insert(body);
    }
    bodies
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumes_everything_and_the_next_start_resumes_from_the_committed_offsets() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let producer = &fixture.producer;
        let sent = send(producer, "PushAll", 0..40).await;
        let seen = Received::default();
        let consumer = PushConsumer::start(fixture.config("CG_ALL", "PushAll"), seen.listener())
            .await
            .unwrap();
        eventually(|| seen.body_set() == sent).await;
        assert_eq!(
            consumer
                .assigned_queues()
                .iter()
                .filter(|q| q.topic == "PushAll")
                .count(),
            4
        );
        consumer.shutdown().await;
        consumer.shutdown().await;

        let later = send(producer, "PushAll", 40..50).await;
        let again = Received::default();
        let mut resumed = fixture.config("CG_ALL", "PushAll");
        resumed.consume_from_where = ConsumeFromWhere::ConsumeFromFirstOffset;
        let consumer = PushConsumer::start(resumed, again.listener()).await.unwrap();
        eventually(|| again.body_set() == later).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            again.body_set(),
            later,
            "nothing consumed before the restart comes again"
        );
        consumer.shutdown().await;
        fixture.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_consumers_split_the_queues_and_one_leaving_loses_nothing() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let (cluster, producer) = (&fixture.cluster, &fixture.producer);
        let broker_name = cluster.brokers()[0].0.clone();
        let mut sent = send(producer, "PushSplit", 0..8).await;
        let seen = Received::default();
        let mut consumers = Vec::new();
        for _ in 0..3 {
            let consumer = PushConsumer::start(fixture.config("CG_SPLIT", "PushSplit"), seen.listener())
                .await
                .unwrap();
            consumers.push(consumer);
        }
        let members: Vec<&PushConsumer> = consumers.iter().collect();
        let expected = expected_split("CG_SPLIT", &members, "PushSplit", &broker_name, 4);
        eventually(|| actual_split(&members, "PushSplit") == expected).await;
        let sizes: BTreeSet<usize> = expected.values().map(Vec::len).collect();
        assert_eq!(sizes, BTreeSet::from([1, 2]));

        let leaving = consumers.remove(0);
        let load = {
            let producer = producer.clone();
            tokio::spawn(async move { send(&producer, "PushSplit", 8..60).await })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        leaving.shutdown().await;
        sent.extend(load.await.unwrap());
        let members: Vec<&PushConsumer> = consumers.iter().collect();
        let expected = expected_split("CG_SPLIT", &members, "PushSplit", &broker_name, 4);
        eventually(|| actual_split(&members, "PushSplit") == expected).await;
        eventually(|| seen.body_set().is_superset(&sent)).await;
        for consumer in consumers {
            consumer.shutdown().await;
        }
        fixture.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconsume_later_is_redelivered_through_the_retry_topic() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let producer = &fixture.producer;
        let sent = producer
            .send(
                Message::new("PushRetry", "again")
                    .with_tags("T1")
                    .with_keys(["k1"])
                    .with_property("p", "v"),
            )
            .await
            .unwrap();
        let seen = Received::default();
        let listener = seen.failing_first_delivery();
        let consumer = PushConsumer::start(fixture.config("CG_RETRY", "PushRetry"), listener)
            .await
            .unwrap();
        eventually(|| seen.all().len() >= 2).await;
        let deliveries = seen.all();
        let (first, second) = (&deliveries[0], &deliveries[1]);
        assert_eq!((first.reconsume_times, second.reconsume_times), (0, 1));
        assert_eq!(second.topic, "PushRetry", "the listener sees the original topic");
        assert_eq!(second.queue.topic, "%RETRY%CG_RETRY");
        assert_eq!(second.msg_id, sent.msg_id);
        assert_eq!(&second.body[..], b"again");
        assert_eq!(second.tags.as_deref(), Some("T1"));
        assert_eq!(second.keys, ["k1"]);
        assert_eq!(second.property("p"), Some("v"));
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(seen.all().len(), 2, "a consumed retry is not delivered again");
        consumer.shutdown().await;
        fixture.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flow_control_bounds_the_cache_of_a_slow_listener() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let producer = &fixture.producer;
        let sent = send(producer, "PushSlow", 0..80).await;
        let seen = Received::default();
        let listener = {
            let seen = seen.clone();
            move |messages: Vec<MessageView>| {
                let seen = seen.clone();
                async move {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    seen.record(messages);
                    ConsumeResult::Success
                }
            }
        };
        let mut config = fixture.config("CG_SLOW", "PushSlow");
        config.pull_threshold_for_queue = 5;
        config.pull_batch_size = 4;
        config.consume_thread_min = 1;
        config.consume_thread_max = 1;
        let consumer = PushConsumer::start(config, listener).await.unwrap();
        let mut max_cached = 0;
        while seen.body_set() != sent {
            for (_, cached) in consumer.cached_message_counts() {
                max_cached = max_cached.max(cached);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(max_cached > 0);
        assert!(max_cached <= 5 + 4, "cached {max_cached} messages in one queue");
        consumer.shutdown().await;
        fixture.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcasting_members_each_get_everything_and_resume_from_the_local_offset_file() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let producer = &fixture.producer;
        let dir = std::env::temp_dir().join(format!("fulmen-push-offsets-{}", std::process::id()));
        let sent = send(producer, "PushBroadcast", 0..20).await;
        let broadcast = || {
            let mut config = fixture.config("CG_BC", "PushBroadcast");
            config.message_model = fulmen_client::MessageModel::Broadcasting;
            config.local_offset_store_dir = dir.clone();
            config
        };
        let (first, second) = (Received::default(), Received::default());
        let failing = first.answering(ConsumeResult::ReconsumeLater);
        let a = PushConsumer::start(broadcast(), failing).await.unwrap();
        let b = PushConsumer::start(broadcast(), second.listener()).await.unwrap();
        eventually(|| first.body_set() == sent && second.body_set() == sent).await;
        assert!(!a.assigned_queues().iter().any(|q| q.topic.starts_with("%RETRY%")));
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            first.all().len(),
            20,
            "broadcast failures are not delivered again"
        );
        a.shutdown().await;
        b.shutdown().await;
        let files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "one <ip>@DEFAULT directory");
        let text = std::fs::read_to_string(files[0].join("CG_BC").join("offsets.json")).unwrap();
        assert!(text.starts_with(r#"{"offsetTable":{{"brokerName":"#), "{text}");
        assert!(text.contains(r#""topic":"PushBroadcast"}:"#), "{text}");

        let later = send(producer, "PushBroadcast", 20..25).await;
        let third = Received::default();
        let c = PushConsumer::start(broadcast(), third.listener()).await.unwrap();
        eventually(|| third.body_set() == later).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(third.body_set(), later);
        c.shutdown().await;
        std::fs::remove_dir_all(&dir).unwrap();
        fixture.shutdown().await;
    })
    .await;
}

/// A member started on its own runtime in its own thread, killed by dropping that runtime: its connections close
/// without an unregister and its uncommitted offsets are lost.
struct Victim {
    client_id: String,
    kill: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

fn start_victim(config: PushConsumerConfig, seen: &Received) -> Victim {
    let (kill, killed) = std::sync::mpsc::channel::<()>();
    let (ready, started) = std::sync::mpsc::channel::<String>();
    let listener = seen.listener();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let consumer = runtime.block_on(PushConsumer::start(config, listener)).unwrap();
        ready.send(consumer.client_id().to_owned()).unwrap();
        let _ = killed.recv();
        // No shutdown, no drop handler: the runtime and every socket of the consumer just go away.
        std::mem::forget(consumer);
        runtime.shutdown_background();
    });
    let client_id = started.recv_timeout(Duration::from_secs(20)).unwrap();
    Victim {
        client_id,
        kill,
        thread,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_of_three_with_one_killed_still_consumes_every_message_at_least_once() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let producer = &fixture.producer;
        let mut sent = send(producer, "PushKill", 0..8).await;
        let seen = Received::default();
        let victim = {
            let config = fixture.config("CG_KILL", "PushKill");
            let seen = seen.clone();
            tokio::task::spawn_blocking(move || start_victim(config, &seen))
                .await
                .unwrap()
        };
        let mut survivors = Vec::new();
        for _ in 0..2 {
            let consumer = PushConsumer::start(fixture.config("CG_KILL", "PushKill"), seen.listener())
                .await
                .unwrap();
            survivors.push(consumer);
        }
        let owned = |consumers: &[PushConsumer]| -> usize {
            consumers
                .iter()
                .map(|c| {
                    c.assigned_queues()
                        .iter()
                        .filter(|q| q.topic == "PushKill")
                        .count()
                })
                .sum()
        };
        // The three share the four queues: the survivors own two or three of them.
        eventually(|| {
            let n = owned(&survivors);
            (2..=3).contains(&n) && survivors.iter().all(|c| !c.assigned_queues().is_empty())
        })
        .await;
        assert!(!victim.client_id.is_empty());

        let load = {
            let producer = producer.clone();
            tokio::spawn(async move { send(&producer, "PushKill", 8..80).await })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        victim.kill.send(()).unwrap();
        tokio::task::spawn_blocking(move || victim.thread.join().unwrap())
            .await
            .unwrap();
        sent.extend(load.await.unwrap());
        eventually(|| owned(&survivors) == 4).await;
        eventually(|| seen.body_set().is_superset(&sent)).await;
        for consumer in survivors {
            consumer.shutdown().await;
        }
        fixture.shutdown().await;
    })
    .await;
}
