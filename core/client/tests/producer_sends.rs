//! Producer sends against a Fulmen cluster (`LocalCluster`): batches, queue selectors and sharding keys landing on
//! the queue Java's `SelectMessageQueueByHash` picks, and many asynchronous sends in flight at once.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod producer_support;

use std::collections::HashSet;

use fulmen_client::{ErrorKind, Message, MessageQueue, Producer, SendStatus, queue_index_by_hash};
use fulmen_testkit::LocalCluster;
use producer_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_stored_as_its_messages_with_their_ids() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = Producer::start(producer_config(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let messages: Vec<Message> = (0..3)
            .map(|i| {
                Message::new("BatchTopic", format!("m{i}"))
                    .with_tags("B")
                    .with_keys([format!("k{i}")])
            })
            .collect();
        let result = producer.send_batch(messages).await.unwrap();
        assert_eq!(result.status, SendStatus::SendOk);
        let ids: Vec<&str> = result.msg_id.split(',').collect();
        assert_eq!(ids.len(), 3);

        let stored = read_topic(cluster.namesrv_addr(), "BatchTopic").await;
        assert_eq!(sorted_bodies(&stored), ["m0", "m1", "m2"]);
        let stored_ids: HashSet<&str> = stored.iter().map(|m| m.msg_id.as_str()).collect();
        assert_eq!(stored_ids, ids.iter().copied().collect());
        assert!(
            stored
                .iter()
                .all(|m| m.queue == result.queue && m.tags.as_deref() == Some("B"))
        );
        let first = stored.iter().find(|m| m.body == "m0").unwrap();
        assert_eq!(first.queue_offset, result.queue_offset);
        assert_eq!(first.keys, ["k0"]);
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_batches_are_refused_with_javas_messages() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = Producer::start(producer_config(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        let mixed = vec![Message::new("T1", "a"), Message::new("T2", "b")];
        let error = producer.send_batch(mixed).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert_eq!(
            error.message(),
            "Failed to initiate the MessageBatch: The topic of the messages in one batch should be the same"
        );
        let delayed = vec![Message::new("T1", "a").with_delay_level(3)];
        let error = producer.send_batch(delayed).await.unwrap_err();
        assert!(
            error
                .message()
                .ends_with("TimeDelayLevel is not supported for batching"),
            "{error}"
        );
        assert_eq!(
            producer.send_batch(Vec::new()).await.unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        // the encoded batch must fit the size limit
        let mut config = producer_config(cluster.namesrv_addr(), "PG2");
        config.max_message_size = 100;
        let small = Producer::start(config).await.unwrap();
        let big = vec![
            Message::new("T1", vec![b'x'; 60]),
            Message::new("T1", vec![b'y'; 60]),
        ];
        let error = small.send_batch(big).await.unwrap_err();
        assert_eq!(error.message(), "the message body size over max value, MAX: 100");
        small.shutdown().await;
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharding_keys_and_selectors_pick_the_queue() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = Producer::start(producer_config(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        // creates the topic from TBW102 with 4 queues
        producer.send(Message::new("Orders", "setup")).await.unwrap();
        for (key, expected) in [("order-42", 1), ("TopicTest", 3), ("a", 1)] {
            assert_eq!(queue_index_by_hash(key, 4), expected);
            for n in 0..3 {
                let message = Message::new("Orders", format!("{key}-{n}")).with_sharding_key(key);
                let result = producer.send_orderly(message).await.unwrap();
                assert_eq!(result.queue.queue_id, expected as i32, "{key}");
            }
        }
        let last = |queues: &[MessageQueue], _: &Message| queues.len() - 1;
        let result = producer
            .send_with_selector(Message::new("Orders", "last"), &last)
            .await
            .unwrap();
        assert_eq!(result.queue.queue_id, 3);
        let out_of_range = |queues: &[MessageQueue], _: &Message| queues.len();
        let error = producer
            .send_with_selector(Message::new("Orders", "x"), &out_of_range)
            .await
            .unwrap_err();
        assert_eq!(error.message(), "select message queue return null.");
        let error = producer
            .send_orderly(Message::new("Orders", "no key"))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);

        let stored = read_topic(cluster.namesrv_addr(), "Orders").await;
        let in_order: Vec<String> = stored
            .iter()
            .filter(|m| m.queue.queue_id == 1 && m.property("__SHARDINGKEY") == Some("order-42"))
            .map(|m| String::from_utf8_lossy(&m.body).into_owned())
            .collect();
        assert_eq!(in_order, ["order-42-0", "order-42-1", "order-42-2"]);
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_async_sends_in_flight_all_arrive() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = Producer::start(producer_config(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        producer.send(Message::new("AsyncTopic", "setup")).await.unwrap();
        let tasks: Vec<_> = (0..500)
            .map(|i| tokio::spawn(producer.send_async(Message::new("AsyncTopic", format!("a{i}")))))
            .collect();
        let mut ids = HashSet::new();
        for task in tasks {
            let result = task.await.unwrap().unwrap();
            assert_eq!(result.status, SendStatus::SendOk);
            ids.insert(result.msg_id);
        }
        assert_eq!(ids.len(), 500);
        let stored = read_topic(cluster.namesrv_addr(), "AsyncTopic").await;
        assert_eq!(stored.len(), 501);
        assert!(ids.iter().all(|id| stored.iter().any(|m| &m.msg_id == id)));
        producer.shutdown().await;
        // after shutdown the future fails with CLOSED
        let error = producer
            .send_async(Message::new("AsyncTopic", "late"))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Closed);
        cluster.shutdown().await;
    })
    .await;
}
