//! LocalCluster end to end with Fulmen's client: several name servers and brokers, kill and restart of a broker
//! (recovery from its store), restart of a name server, a broker with writes stopped, and the store directory's
//! lifetime.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::BTreeSet;
use std::future::Future;
use std::time::{Duration, Instant};

use fulmen_client::{
    Message, MessageQueue, Producer, ProducerConfig, PullConsumer, PullConsumerConfig, PullStatus,
};
use fulmen_store::FlushMode;
use fulmen_testkit::{LocalCluster, TestkitError};

const PULL_TIMEOUT: Duration = Duration::from_secs(3);

async fn bounded<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("the test took too long");
}

/// Every body in `queue` from offset 0, as text.
async fn read_queue(consumer: &PullConsumer, queue: &MessageQueue) -> Vec<String> {
    let mut bodies = Vec::new();
    let mut offset = 0;
    loop {
        let result = consumer.pull(queue, "*", offset, 32, PULL_TIMEOUT).await.unwrap();
        if result.status != PullStatus::Found {
            return bodies;
        }
        bodies.extend(
            result
                .messages
                .iter()
                .map(|message| String::from_utf8_lossy(&message.body).into_owned()),
        );
        offset = result.next_begin_offset;
    }
}

/// Broker names in the route of `topic` as seen through one name server, waiting (bounded) until it has `want`.
async fn broker_names_via(namesrv: String, topic: &str, want: usize) -> BTreeSet<String> {
    let consumer = PullConsumer::start(PullConsumerConfig::new(namesrv, "probe"))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let names: BTreeSet<String> = match consumer.fetch_message_queues(topic).await {
            Ok(queues) => queues.into_iter().map(|queue| queue.broker_name).collect(),
            Err(_) => BTreeSet::new(),
        };
        if names.len() >= want || Instant::now() > deadline {
            consumer.shutdown().await;
            return names;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_broker_registers_with_every_name_server() {
    bounded(async {
        let cluster = LocalCluster::builder()
            .name_servers(2)
            .brokers(2)
            .start()
            .await
            .unwrap();
        assert_eq!(cluster.namesrv_addrs().len(), 2);
        assert_eq!(cluster.namesrv_addr().split(';').count(), 2);
        let names: Vec<&str> = cluster.brokers().iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["broker-a", "broker-b"]);
        for addr in cluster.namesrv_addrs() {
            assert!(addr.ip().is_loopback());
            let seen = broker_names_via(addr.to_string(), "TBW102", 2).await;
            assert_eq!(
                seen,
                BTreeSet::from(["broker-a".to_owned(), "broker-b".to_owned()])
            );
        }
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_broker_restarts_on_its_address_with_every_acknowledged_message() {
    bounded(async {
        let cluster = LocalCluster::builder()
            .flush_mode(FlushMode::Sync)
            .start()
            .await
            .unwrap();
        let addr_before = cluster.broker_addr(0).unwrap();
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let mut sent: Vec<(MessageQueue, String)> = Vec::new();
        for i in 0..40 {
            let body = format!("message-{i}");
            let result = producer
                .send(Message::new("KillTest", body.clone()))
                .await
                .unwrap();
            sent.push((result.queue, body));
        }
        producer.shutdown().await;

        cluster.kill_broker(0).await.unwrap();
        assert!(!cluster.is_broker_running(0).await.unwrap());
        cluster.restart_broker(0).await.unwrap();
        assert!(cluster.is_broker_running(0).await.unwrap());
        assert_eq!(cluster.broker_addr(0), Some(addr_before));

        let consumer = PullConsumer::start(PullConsumerConfig::new(cluster.namesrv_addr(), "CG"))
            .await
            .unwrap();
        let queues: BTreeSet<MessageQueue> = sent.iter().map(|(queue, _)| queue.clone()).collect();
        for queue in queues {
            let expected: Vec<&str> = sent
                .iter()
                .filter(|(q, _)| *q == queue)
                .map(|(_, body)| body.as_str())
                .collect();
            assert_eq!(
                read_queue(&consumer, &queue).await,
                expected,
                "queue {}",
                queue.queue_id
            );
        }
        consumer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_name_server_learns_the_brokers_at_their_next_registration() {
    bounded(async {
        let cluster = LocalCluster::builder()
            .configure_broker(|_, config| config.register_period = Duration::from_millis(200))
            .start()
            .await
            .unwrap();
        let namesrv = cluster.namesrv_addrs()[0].to_string();
        cluster.stop_name_server(0).await.unwrap();
        assert!(broker_names_via(namesrv.clone(), "TBW102", 0).await.is_empty());
        cluster.restart_name_server(0).await.unwrap();
        assert_eq!(cluster.namesrv_addrs()[0].to_string(), namesrv);
        assert_eq!(broker_names_via(namesrv, "TBW102", 1).await.len(), 1);
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn the_temporary_store_goes_with_the_cluster_unless_kept() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let dir = cluster.store_dir().to_path_buf();
        assert!(dir.join("broker-a").is_dir());
        cluster.shutdown().await;
        drop(cluster);
        assert!(!dir.exists());

        let kept = LocalCluster::builder().keep_store(true).start().await.unwrap();
        let dir = kept.store_dir().to_path_buf();
        kept.shutdown().await;
        drop(kept);
        assert!(dir.join("broker-a").is_dir());
        std::fs::remove_dir_all(dir).unwrap();
    })
    .await;
}

#[tokio::test]
async fn bad_indexes_and_descriptions_are_named() {
    bounded(async {
        let error = LocalCluster::builder().name_servers(0).start().await.unwrap_err();
        assert!(matches!(error, TestkitError::InvalidConfig(_)));
        let cluster = LocalCluster::start().await.unwrap();
        let error = cluster.kill_broker(3).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "there is no broker with index 3 (the cluster has 1)"
        );
        assert!(cluster.restart_name_server(1).await.is_err());
        cluster.shutdown().await;
    })
    .await;
}

/// The brokers that took `count` sends of a fresh producer to the new topic `topic`.
async fn brokers_taking_sends(cluster: &LocalCluster, topic: &str, count: usize) -> BTreeSet<String> {
    let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PermProducer"))
        .await
        .unwrap();
    let mut brokers = BTreeSet::new();
    for i in 0..count {
        let result = producer.send(Message::new(topic, format!("m{i}"))).await.unwrap();
        brokers.insert(result.queue.broker_name.clone());
    }
    producer.shutdown().await;
    brokers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_with_writes_stopped_gets_no_sends_also_after_a_restart() {
    bounded(async {
        let cluster = LocalCluster::builder().brokers(2).start().await.unwrap();
        let both = BTreeSet::from(["broker-a".to_owned(), "broker-b".to_owned()]);
        assert_eq!(brokers_taking_sends(&cluster, "OpenTopic", 16).await, both);

        cluster.set_broker_permission(0, 4).await.unwrap();
        let only_b = BTreeSet::from(["broker-b".to_owned()]);
        assert_eq!(brokers_taking_sends(&cluster, "ClosedTopic", 16).await, only_b);
        cluster.restart_broker(0).await.unwrap();
        assert_eq!(
            brokers_taking_sends(&cluster, "StillClosedTopic", 16).await,
            only_b
        );

        cluster.set_broker_permission(0, 6).await.unwrap();
        assert_eq!(brokers_taking_sends(&cluster, "ReopenedTopic", 16).await, both);
        cluster.shutdown().await;
    })
    .await;
}
