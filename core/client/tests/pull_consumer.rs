//! PullConsumer end to end against a Fulmen name server and a fake broker: queues, pull with tag re-filtering
//! and decompression, statuses, and offsets.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::time::Duration;

use common::*;
use fulmen_client::{
    Message, MessageQueue, Producer, ProducerConfig, PullConsumer, PullConsumerConfig, PullStatus,
};
use fulmen_protocol::RequestCode;
use fulmen_protocol::header::PullMessageRequestHeader;

#[tokio::test]
async fn pulls_filter_by_tag_decompress_and_offsets_round_trip() {
    bounded(async {
        let namesrv = namesrv().await;
        let broker = FakeBroker::start("broker-a").await;
        broker.register(&namesrv, &["TopicTest"], true).await;
        let addr = namesrv.local_addr().to_string();
        let producer = Producer::start(ProducerConfig::new(addr.clone(), "PG"))
            .await
            .unwrap();
        let queue = MessageQueue::new("TopicTest", "broker-a", 1);
        let big = vec![b'z'; 10 * 1024];
        for (tag, body) in [("A", b"one".to_vec()), ("B", b"two".to_vec()), ("A", big.clone())] {
            let message = Message::new("TopicTest", body).with_tags(tag);
            producer.send_to_queue(message, queue.clone()).await.unwrap();
        }

        let consumer = PullConsumer::start(PullConsumerConfig::new(addr, "CG"))
            .await
            .unwrap();
        let queues = consumer.fetch_message_queues("TopicTest").await.unwrap();
        assert_eq!(queues.len(), 4);
        assert_eq!(queues[1], queue);

        let timeout = Duration::from_secs(3);
        let result = consumer.pull(&queue, "A", 0, 32, timeout).await.unwrap();
        assert_eq!(result.status, PullStatus::Found);
        assert_eq!(result.next_begin_offset, 3);
        assert_eq!(result.max_offset, 3);
        assert_eq!(result.messages.len(), 2, "B is filtered out by tag string");
        assert_eq!(&result.messages[0].body[..], b"one");
        assert_eq!(&result.messages[1].body[..], &big[..], "decompressed");
        assert_eq!(result.messages[1].queue_offset, 2);
        assert_eq!(result.messages[0].tags.as_deref(), Some("A"));
        assert_eq!(result.messages[0].msg_id.len(), 32);
        assert_eq!(result.messages[0].property("MAX_OFFSET"), Some("3"));
        let header: PullMessageRequestHeader = broker.state.requests(RequestCode::PULL_MESSAGE)[0]
            .decode_header()
            .unwrap();
        assert_eq!(header.consumer_group, "CG");
        assert_eq!(header.sys_flag, 0x4);
        assert_eq!(header.subscription.as_deref(), Some("A"));

        let all = consumer.pull(&queue, "*", 0, 32, timeout).await.unwrap();
        assert_eq!(all.messages.len(), 3);
        let none = consumer.pull(&queue, "*", 3, 32, timeout).await.unwrap();
        assert_eq!(none.status, PullStatus::NoNewMsg);
        assert!(none.messages.is_empty());

        assert_eq!(consumer.query_offset(&queue).await.unwrap(), None);
        consumer.update_offset(&queue, 3).await.unwrap();
        assert_eq!(consumer.query_offset(&queue).await.unwrap(), Some(3));

        consumer.shutdown().await;
        producer.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}
