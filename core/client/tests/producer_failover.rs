//! Producer failover with two Fulmen brokers (`LocalCluster`): broker 0 stops while a task sends continuously.
//! With the default retries every send either succeeds or fails only after its retries, sends go on on broker 1,
//! and none fails once the route no longer lists broker 0. With the latency fault tolerance on, the stopped
//! broker is avoided after its first failure even before the route changes; with it off, it is not. Async sends
//! retry a transport failure on the other broker.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod producer_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use fulmen_client::{
    Message, MessageQueue, Producer, ProducerConfig, PullConsumer, PullConsumerConfig, Result, SendResult,
};
use fulmen_testkit::LocalCluster;
use producer_support::*;
use tokio::time::Instant;

const TOPIC: &str = "Failover";

/// Two brokers, both holding `TOPIC`, and the name server's route listing both.
async fn two_broker_cluster() -> LocalCluster {
    let cluster = LocalCluster::builder().brokers(2).start().await.unwrap();
    // Default intervals: the producer keeps the TBW102-made route (both brokers) while it creates the topic on each;
    // a route refresh in between would leave only the first broker.
    let setup = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "SETUP"))
        .await
        .unwrap();
    for broker in ["broker-a", "broker-b"] {
        setup
            .send_to_queue(Message::new(TOPIC, "setup"), MessageQueue::new(TOPIC, broker, 0))
            .await
            .unwrap();
    }
    setup.shutdown().await;
    wait_for_route_brokers(&cluster, 2).await;
    cluster
}

/// Waits until the name server's route of `TOPIC` lists `count` brokers.
async fn wait_for_route_brokers(cluster: &LocalCluster, count: usize) {
    let reader = PullConsumer::start(PullConsumerConfig::new(cluster.namesrv_addr(), "ROUTE"))
        .await
        .unwrap();
    loop {
        if let Ok(queues) = reader.fetch_message_queues(TOPIC).await {
            let mut brokers: Vec<_> = queues.into_iter().map(|q| q.broker_name).collect();
            brokers.dedup();
            if brokers.len() == count {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    reader.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_survive_a_stopped_broker_with_the_default_retries() {
    bounded(async {
        let cluster = two_broker_cluster().await;
        let producer = Producer::start(producer_config(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let running = Arc::new(AtomicBool::new(true));
        let sender = tokio::spawn({
            let producer = producer.clone();
            let running = running.clone();
            async move {
                let mut outcomes: Vec<(Instant, Result<SendResult>)> = Vec::new();
                let mut n = 0;
                while running.load(Ordering::SeqCst) {
                    let started = Instant::now();
                    let outcome = producer.send(Message::new(TOPIC, format!("m{n}"))).await;
                    outcomes.push((started, outcome));
                    n += 1;
                }
                outcomes
            }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        cluster.stop_broker(0).await.unwrap();
        wait_for_route_brokers(&cluster, 1).await;
        let route_changed = Instant::now();
        // the producer refreshes its route every 200 ms; keep sending well beyond that
        tokio::time::sleep(Duration::from_millis(1500)).await;
        running.store(false, Ordering::SeqCst);
        let outcomes = sender.await.unwrap();

        for (_, outcome) in &outcomes {
            if let Err(error) = outcome {
                assert!(
                    error.message().starts_with("Send [3] times, still failed"),
                    "{error}"
                );
            }
        }
        let settled = route_changed + Duration::from_millis(500);
        let after: Vec<&SendResult> = outcomes
            .iter()
            .filter(|(started, _)| *started >= settled)
            .map(|(_, outcome)| {
                outcome
                    .as_ref()
                    .expect("no send fails once the route dropped broker 0")
            })
            .collect();
        assert!(
            after.len() >= 10,
            "only {} sends after the route changed",
            after.len()
        );
        assert!(after.iter().all(|result| result.queue.broker_name == "broker-b"));
        let before = outcomes
            .iter()
            .filter(|(_, o)| o.as_ref().is_ok_and(|r| r.queue.broker_name == "broker-a"));
        assert!(before.count() > 0, "broker-a took sends before it stopped");
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

/// A producer with `config` that sent to both brokers, then broker 0 stopped.
async fn started_then_broker_0_stopped(cluster: &LocalCluster, config: ProducerConfig) -> Producer {
    let producer = Producer::start(config).await.unwrap();
    for n in 0..8 {
        producer
            .send(Message::new(TOPIC, format!("warm{n}")))
            .await
            .unwrap();
    }
    cluster.stop_broker(0).await.unwrap();
    producer
}

/// Sends `count` messages one by one without retries after broker 0 stopped; returns how many failed.
async fn failures_without_retries(fault_tolerance: bool) -> usize {
    let cluster = two_broker_cluster().await;
    let mut config: ProducerConfig = producer_config(cluster.namesrv_addr(), "PG");
    config.retry_times = 0;
    config.send_latency_fault_enable = fault_tolerance;
    // the route keeps listing broker 0 for the whole test
    config.client.route_poll_interval = Duration::from_secs(600);
    let producer = started_then_broker_0_stopped(&cluster, config).await;
    let mut failures = 0;
    for n in 0..24 {
        if producer.send(Message::new(TOPIC, format!("m{n}"))).await.is_err() {
            failures += 1;
        }
    }
    producer.shutdown().await;
    cluster.shutdown().await;
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_fault_tolerance_the_stopped_broker_is_avoided() {
    bounded(async {
        let on = failures_without_retries(true).await;
        assert!(on <= 1, "{on} sends failed with the fault tolerance on");
        let off = failures_without_retries(false).await;
        assert!(off > 1, "only {off} sends failed with the fault tolerance off");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_sends_retry_transport_failures_on_the_other_broker() {
    bounded(async {
        let cluster = two_broker_cluster().await;
        let mut config = producer_config(cluster.namesrv_addr(), "PG");
        // the route keeps listing broker 0: only the async retry can route around it
        config.client.route_poll_interval = Duration::from_secs(600);
        let producer = started_then_broker_0_stopped(&cluster, config).await;
        let tasks: Vec<_> = (0..24)
            .map(|n| tokio::spawn(producer.send_async(Message::new(TOPIC, format!("m{n}")))))
            .collect();
        for task in tasks {
            let result = task.await.unwrap().unwrap();
            assert_eq!(result.queue.broker_name, "broker-b");
        }
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}
