//! Controlling a running push consumer against a Fulmen `LocalCluster`: subscribing while running with a tag
//! expression (announced to the broker at once), suspend / resume, a listener call that exceeds the consume
//! timeout coming back through the retry topic, and a shutdown that waits for running listener calls.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use fulmen_client::{ConsumeResult, Message, MessageView, PushConsumer};
use push_support::{Fixture, Received, bounded, consumer_connection, eventually};

mod push_support;

const TEST_BOUND: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_added_while_running_filters_by_tags_and_reaches_the_broker() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let (cluster, producer) = (&fixture.cluster, &fixture.producer);
        producer.send(Message::new("CtlFirst", "first")).await.unwrap();
        for (body, tag) in [("x", "TagX"), ("y", "TagY"), ("z", "TagZ")] {
            producer
                .send(Message::new("CtlLater", body).with_tags(tag))
                .await
                .unwrap();
        }
        producer.send(Message::new("CtlLater", "untagged")).await.unwrap();
        let log = Received::default();
        let consumer = PushConsumer::start(fixture.config("CG_CTL", "CtlFirst"), log.listener())
            .await
            .unwrap();
        eventually(|| log.sorted_bodies() == ["first"]).await;
        consumer.subscribe("CtlLater", "TagX || TagY").await.unwrap();

        let broker = cluster.broker_addr(0).unwrap().to_string();
        let connection = consumer_connection(&broker, "CG_CTL").await;
        assert_eq!(
            connection.subscription_table["CtlLater"].sub_string,
            "TagX || TagY"
        );

        eventually(|| log.sorted_bodies() == ["first", "x", "y"]).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            log.sorted_bodies(),
            ["first", "x", "y"],
            "TagZ and untagged messages are filtered out"
        );
        consumer.shutdown().await;
        fixture.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspend_stops_delivery_until_resume() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let (cluster, producer) = (&fixture.cluster, &fixture.producer);
        producer.send(Message::new("CtlPause", "before")).await.unwrap();
        let log = Received::default();
        let consumer = PushConsumer::start(fixture.config("CG_PAUSE", "CtlPause"), log.listener())
            .await
            .unwrap();
        eventually(|| log.sorted_bodies() == ["before"]).await;
        consumer.suspend();
        // The pull the broker holds for a queue when suspending still answers with its next message (as in Java);
        // the pulls after it wait for resume.
        let queue = fulmen_client::MessageQueue::new("CtlPause", cluster.brokers()[0].0.clone(), 0);
        producer
            .send_to_queue(Message::new("CtlPause", "held"), queue.clone())
            .await
            .unwrap();
        eventually(|| log.sorted_bodies() == ["before", "held"]).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        producer
            .send_to_queue(Message::new("CtlPause", "while paused"), queue)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            log.sorted_bodies(),
            ["before", "held"],
            "nothing is pulled while suspended"
        );
        consumer.resume();
        eventually(|| log.sorted_bodies() == ["before", "held", "while paused"]).await;
        consumer.shutdown().await;
        fixture.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_call_over_the_consume_timeout_is_delivered_again() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let producer = &fixture.producer;
        producer.send(Message::new("CtlSlow", "slow")).await.unwrap();
        let log = Received::default();
        let listener = {
            let log = log.clone();
            move |messages: Vec<MessageView>| {
                let log = log.clone();
                async move {
                    let first = messages.iter().any(|m| m.reconsume_times == 0);
                    log.record(messages);
                    if first {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                    ConsumeResult::Success
                }
            }
        };
        let mut config = fixture.config("CG_SLOWCALL", "CtlSlow");
        config.consume_timeout = Duration::from_millis(300);
        let consumer = PushConsumer::start(config, listener).await.unwrap();
        eventually(|| log.len() >= 2).await;
        let again = log.all()[1].clone();
        assert_eq!((again.reconsume_times, again.topic.as_str()), (1, "CtlSlow"));
        consumer.shutdown().await;
        fixture.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_waits_for_running_listener_calls_and_commits_their_offsets() {
    bounded(TEST_BOUND, async {
        let fixture = Fixture::start().await;
        let producer = &fixture.producer;
        producer.send(Message::new("CtlGraceful", "slow")).await.unwrap();
        let log = Received::default();
        let finished = Arc::new(AtomicBool::new(false));
        let listener = {
            let (log, finished) = (log.clone(), finished.clone());
            move |messages: Vec<MessageView>| {
                let (log, finished) = (log.clone(), finished.clone());
                async move {
                    log.record(messages);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    finished.store(true, Ordering::SeqCst);
                    ConsumeResult::Success
                }
            }
        };
        let mut config = fixture.config("CG_GRACEFUL", "CtlGraceful");
        config.await_termination_when_shutdown = Duration::from_secs(10);
        let consumer = PushConsumer::start(config, listener).await.unwrap();
        eventually(|| log.len() == 1).await;
        consumer.shutdown().await;
        assert!(
            finished.load(Ordering::SeqCst),
            "shutdown returned before the listener call ended"
        );

        producer.send(Message::new("CtlGraceful", "next")).await.unwrap();
        let again = Received::default();
        let consumer = PushConsumer::start(fixture.config("CG_GRACEFUL", "CtlGraceful"), again.listener())
            .await
            .unwrap();
        eventually(|| again.bodies() == ["next"]).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            again.bodies(),
            ["next"],
            "the message consumed during shutdown was committed"
        );
        consumer.shutdown().await;
        fixture.shutdown().await;
    })
    .await;
}
