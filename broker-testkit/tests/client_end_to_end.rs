//! Fulmen's client against Fulmen's broker, in one process through LocalCluster: what is sent comes back exactly
//! (body, tags, keys, user properties, compressed bodies), tag filtering happens on the broker, a blocking pull is
//! long-polled, and consumer offsets survive a clean broker restart.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::future::Future;
use std::time::Duration;

use fulmen_client::{
    Message, MessageQueue, MessageView, Producer, ProducerConfig, PullConsumer, PullConsumerConfig,
    PullStatus,
};
use fulmen_testkit::LocalCluster;

const PULL_TIMEOUT: Duration = Duration::from_secs(3);

async fn bounded<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("the test took too long");
}

/// A pull consumer of group `CG`, once the name server routes `topic` (the broker registers a topic it created on
/// the first send asynchronously, and a pull needs the route to find the broker).
async fn consumer_of(cluster: &LocalCluster, topic: &str) -> PullConsumer {
    let consumer = PullConsumer::start(PullConsumerConfig::new(cluster.namesrv_addr(), "CG"))
        .await
        .unwrap();
    while consumer.fetch_message_queues(topic).await.is_err() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    consumer
}

/// Everything in `queue` from offset 0 that matches `expression`.
async fn read(consumer: &PullConsumer, queue: &MessageQueue, expression: &str) -> Vec<MessageView> {
    let mut messages = Vec::new();
    let mut offset = 0;
    loop {
        let result = consumer
            .pull(queue, expression, offset, 32, PULL_TIMEOUT)
            .await
            .unwrap();
        messages.extend(result.messages);
        if result.status != PullStatus::Found {
            return messages;
        }
        offset = result.next_begin_offset;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_come_back_exactly_and_tags_filter_on_the_broker() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let queue = MessageQueue::new("E2E", "broker-a", 0);
        // The first send creates the topic from TBW102; later sends may then address queue 0 directly.
        producer
            .send(Message::new("E2E", "create").with_tags("Setup"))
            .await
            .unwrap();
        let big = "compressible ".repeat(1000);
        let sent = [
            Message::new("E2E", "a1")
                .with_tags("A")
                .with_keys(["k1", "k2"])
                .with_property("color", "red"),
            Message::new("E2E", "b1").with_tags("B"),
            Message::new("E2E", big.clone()).with_tags("A"),
            Message::new("E2E", "c1"),
        ];
        let mut msg_ids = Vec::new();
        for message in sent {
            let result = producer.send_to_queue(message, queue.clone()).await.unwrap();
            assert_eq!(result.queue, queue);
            msg_ids.push(result.msg_id);
        }
        producer.shutdown().await;

        let consumer = consumer_of(&cluster, "E2E").await;
        let all = read(&consumer, &queue, "*").await;
        let bodies: Vec<String> = all
            .iter()
            .map(|m| String::from_utf8_lossy(&m.body).into_owned())
            .collect();
        let start = bodies.iter().position(|body| body == "a1").unwrap();
        assert_eq!(&bodies[start..], ["a1", "b1", big.as_str(), "c1"]);
        let first = &all[start];
        assert_eq!(first.msg_id, msg_ids[0]);
        assert_eq!(first.tags.as_deref(), Some("A"));
        assert_eq!(first.keys, ["k1", "k2"]);
        assert_eq!(first.property("color"), Some("red"));
        assert_eq!(first.store_host, cluster.broker_addr(0).unwrap().to_string());

        let tagged = read(&consumer, &queue, "A || C").await;
        let bodies: Vec<&[u8]> = tagged.iter().map(|m| &m.body[..]).collect();
        assert_eq!(bodies, [b"a1".as_slice(), big.as_bytes()]);
        consumer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumer_offsets_survive_a_clean_restart() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let queue = producer.send(Message::new("Offsets", "one")).await.unwrap().queue;
        producer.shutdown().await;
        let consumer = consumer_of(&cluster, "Offsets").await;
        // Java's rule: a group with no committed offset starts at 0 while the queue still begins at offset 0.
        assert_eq!(consumer.query_offset(&queue).await.unwrap(), Some(0));
        assert_eq!(read(&consumer, &queue, "*").await.len(), 1);
        consumer.update_offset(&queue, 1).await.unwrap();

        cluster.restart_broker(0).await.unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let offset = loop {
            // The client reconnects on its next request; the first may fail on the closed connection.
            match consumer.query_offset(&queue).await {
                Ok(offset) => break offset,
                Err(_) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(error) => panic!("query after restart failed: {error}"),
            }
        };
        assert_eq!(offset, Some(1));
        consumer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_pull_is_held_by_the_broker_until_a_message_arrives() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let queue = MessageQueue::new("Held", "broker-a", 0);
        producer
            .send_to_queue(Message::new("Held", "first"), queue.clone())
            .await
            .unwrap();
        let consumer = consumer_of(&cluster, "Held").await;
        // A plain pull at the end answers at once; a blocking one waits on the broker.
        let at_end = consumer.pull(&queue, "*", 1, 32, PULL_TIMEOUT).await.unwrap();
        assert_eq!(at_end.status, PullStatus::NoNewMsg);
        let held = tokio::spawn({
            let (consumer, queue) = (consumer.clone(), queue.clone());
            async move {
                consumer
                    .pull_block_if_not_found(&queue, "*", 1, 32)
                    .await
                    .unwrap()
            }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!held.is_finished(), "the broker holds the pull");
        producer
            .send_to_queue(Message::new("Held", "second"), queue.clone())
            .await
            .unwrap();
        let result = held.await.unwrap();
        assert_eq!(result.status, PullStatus::Found);
        assert_eq!(&result.messages[0].body[..], b"second");
        consumer.shutdown().await;
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}
