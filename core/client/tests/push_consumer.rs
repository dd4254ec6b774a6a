//! The push consumer against a Fulmen `LocalCluster`: every message consumed, offsets committed and resumed by
//! the next start, queues split as the allocation strategy computes, a member leaving mid-load without losing a
//! message, RECONSUME_LATER redelivered through `%RETRY%<group>`, and flow control bounding the cache.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fulmen_client::{
    AllocateStrategy, ConsumeFromWhere, ConsumeResult, Message, MessageQueue, MessageView, Producer,
    ProducerConfig, PushConsumer, PushConsumerConfig, sort_for_allocation,
};
use fulmen_testkit::LocalCluster;

const TEST_BOUND: Duration = Duration::from_secs(60);

async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_BOUND, test)
        .await
        .expect("the test did not finish within its time bound")
}

/// Polls `condition` every 50 ms until it holds (the caller's bound limits the wait).
async fn eventually(mut condition: impl FnMut() -> bool) {
    while !condition() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A push consumer config with short intervals, reading from the first offset.
fn config(cluster: &LocalCluster, group: &str, topic: &str) -> PushConsumerConfig {
    let mut config = PushConsumerConfig::new(cluster.namesrv_addr(), group).subscribe(topic, "*");
    config.consume_from_where = ConsumeFromWhere::ConsumeFromFirstOffset;
    config.persist_offset_interval = Duration::from_millis(500);
    config.rebalance_interval = Duration::from_secs(2);
    config
}

/// Messages seen by a listener, by body, with every delivery.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<MessageView>>>);

impl Seen {
    fn bodies(&self) -> BTreeSet<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|m| String::from_utf8(m.body.to_vec()).unwrap())
            .collect()
    }

    fn all(&self) -> Vec<MessageView> {
        self.0.lock().unwrap().clone()
    }

    fn listener(
        &self,
    ) -> impl Fn(Vec<MessageView>) -> std::future::Ready<ConsumeResult> + Send + Sync + 'static {
        let seen = self.clone();
        move |messages| {
            seen.0.lock().unwrap().extend(messages);
            std::future::ready(ConsumeResult::Success)
        }
    }
}

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

async fn cluster() -> LocalCluster {
    LocalCluster::builder()
        .configure_broker(|_, broker| broker.message_delay_level = "1s 1s 1s 1s 1s".into())
        .start()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumes_everything_and_the_next_start_resumes_from_the_committed_offsets() {
    bounded(async {
        let cluster = cluster().await;
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let sent = send(&producer, "PushAll", 0..40).await;
        let seen = Seen::default();
        let consumer = PushConsumer::start(config(&cluster, "CG_ALL", "PushAll"), seen.listener())
            .await
            .unwrap();
        eventually(|| seen.bodies() == sent).await;
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

        let later = send(&producer, "PushAll", 40..50).await;
        let again = Seen::default();
        let mut resumed = config(&cluster, "CG_ALL", "PushAll");
        resumed.consume_from_where = ConsumeFromWhere::ConsumeFromFirstOffset;
        let consumer = PushConsumer::start(resumed, again.listener()).await.unwrap();
        eventually(|| again.bodies() == later).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            again.bodies(),
            later,
            "nothing consumed before the restart comes again"
        );
        consumer.shutdown().await;
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

/// The queues of `topic` each consumer should own, as the strategy computes them.
fn expected_split(
    group: &str,
    consumers: &[PushConsumer],
    topic: &str,
) -> BTreeMap<String, Vec<MessageQueue>> {
    let mut queues: Vec<MessageQueue> = (0..4)
        .map(|id| MessageQueue::new(topic, "broker-0", id))
        .collect();
    let mut ids: Vec<String> = consumers.iter().map(|c| c.client_id().to_owned()).collect();
    sort_for_allocation(&mut queues, &mut ids);
    ids.iter()
        .map(|id| {
            let mine = AllocateStrategy::Averagely
                .allocate(group, id, &queues, &ids)
                .unwrap();
            (id.clone(), mine)
        })
        .collect()
}

fn actual_split(consumers: &[PushConsumer], topic: &str) -> BTreeMap<String, Vec<MessageQueue>> {
    consumers
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_consumers_split_the_queues_and_one_leaving_loses_nothing() {
    bounded(async {
        let cluster = cluster().await;
        let broker_name = cluster.brokers()[0].0.clone();
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let mut sent = send(&producer, "PushSplit", 0..8).await;
        let seen = Seen::default();
        let mut consumers = Vec::new();
        for _ in 0..3 {
            let consumer = PushConsumer::start(config(&cluster, "CG_SPLIT", "PushSplit"), seen.listener())
                .await
                .unwrap();
            consumers.push(consumer);
        }
        let fix = |split: BTreeMap<String, Vec<MessageQueue>>| -> BTreeMap<String, Vec<MessageQueue>> {
            split
                .into_iter()
                .map(|(id, queues)| {
                    let queues = queues
                        .into_iter()
                        .map(|q| MessageQueue::new(q.topic, broker_name.clone(), q.queue_id))
                        .collect();
                    (id, queues)
                })
                .collect()
        };
        let expected = fix(expected_split("CG_SPLIT", &consumers, "PushSplit"));
        eventually(|| actual_split(&consumers, "PushSplit") == expected).await;
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
        let expected = fix(expected_split("CG_SPLIT", &consumers, "PushSplit"));
        eventually(|| actual_split(&consumers, "PushSplit") == expected).await;
        eventually(|| seen.bodies().is_superset(&sent)).await;
        for consumer in consumers {
            consumer.shutdown().await;
        }
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconsume_later_is_redelivered_through_the_retry_topic() {
    bounded(async {
        let cluster = cluster().await;
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let sent = producer
            .send(
                Message::new("PushRetry", "again")
                    .with_tags("T1")
                    .with_keys(["k1"])
                    .with_property("p", "v"),
            )
            .await
            .unwrap();
        let seen = Seen::default();
        let listener = {
            let seen = seen.clone();
            move |messages: Vec<MessageView>| {
                let seen = seen.clone();
                async move {
                    let first = messages.iter().any(|m| m.reconsume_times == 0);
                    seen.0.lock().unwrap().extend(messages);
                    if first {
                        ConsumeResult::ReconsumeLater
                    } else {
                        ConsumeResult::Success
                    }
                }
            }
        };
        let consumer = PushConsumer::start(config(&cluster, "CG_RETRY", "PushRetry"), listener)
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
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flow_control_bounds_the_cache_of_a_slow_listener() {
    bounded(async {
        let cluster = cluster().await;
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let sent = send(&producer, "PushSlow", 0..80).await;
        let seen = Seen::default();
        let listener = {
            let seen = seen.clone();
            move |messages: Vec<MessageView>| {
                let seen = seen.clone();
                async move {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    seen.0.lock().unwrap().extend(messages);
                    ConsumeResult::Success
                }
            }
        };
        let mut config = config(&cluster, "CG_SLOW", "PushSlow");
        config.pull_threshold_for_queue = 5;
        config.pull_batch_size = 4;
        config.consume_thread_min = 1;
        config.consume_thread_max = 1;
        let consumer = PushConsumer::start(config, listener).await.unwrap();
        let mut max_cached = 0;
        while seen.bodies() != sent {
            for (_, cached) in consumer.cached_message_counts() {
                max_cached = max_cached.max(cached);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(max_cached > 0);
        assert!(max_cached <= 5 + 4, "cached {max_cached} messages in one queue");
        consumer.shutdown().await;
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcasting_members_each_get_everything_and_resume_from_the_local_offset_file() {
    bounded(async {
        let cluster = cluster().await;
        let dir = std::env::temp_dir().join(format!("fulmen-push-offsets-{}", std::process::id()));
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let sent = send(&producer, "PushBroadcast", 0..20).await;
        let broadcast = |cluster: &LocalCluster| {
            let mut config = config(cluster, "CG_BC", "PushBroadcast");
            config.message_model = fulmen_client::MessageModel::Broadcasting;
            config.local_offset_store_dir = dir.clone();
            config
        };
        let (first, second) = (Seen::default(), Seen::default());
        let failing = {
            let first = first.clone();
            move |messages: Vec<MessageView>| {
                first.0.lock().unwrap().extend(messages);
                std::future::ready(ConsumeResult::ReconsumeLater)
            }
        };
        let a = PushConsumer::start(broadcast(&cluster), failing).await.unwrap();
        let b = PushConsumer::start(broadcast(&cluster), second.listener())
            .await
            .unwrap();
        eventually(|| first.bodies() == sent && second.bodies() == sent).await;
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

        let later = send(&producer, "PushBroadcast", 20..25).await;
        let third = Seen::default();
        let c = PushConsumer::start(broadcast(&cluster), third.listener())
            .await
            .unwrap();
        eventually(|| third.bodies() == later).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(third.bodies(), later);
        c.shutdown().await;
        std::fs::remove_dir_all(&dir).unwrap();
        producer.shutdown().await;
        cluster.shutdown().await;
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

fn start_victim(config: PushConsumerConfig, seen: &Seen) -> Victim {
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
    bounded(async {
        let cluster = cluster().await;
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let mut sent = send(&producer, "PushKill", 0..8).await;
        let seen = Seen::default();
        let victim = {
            let config = config(&cluster, "CG_KILL", "PushKill");
            let seen = seen.clone();
            tokio::task::spawn_blocking(move || start_victim(config, &seen))
                .await
                .unwrap()
        };
        let mut survivors = Vec::new();
        for _ in 0..2 {
            let consumer = PushConsumer::start(config(&cluster, "CG_KILL", "PushKill"), seen.listener())
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
        eventually(|| seen.bodies().is_superset(&sent)).await;
        for consumer in survivors {
            consumer.shutdown().await;
        }
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}
