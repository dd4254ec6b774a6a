//! `ClientConfig::serialize_type`: a client set to the binary (ROCKETMQ) header writes every request in that form,
//! and a message sent and pulled that way round-trips through a real Fulmen cluster unchanged.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::time::Duration;

use common::*;
use fulmen_client::{
    Message, Producer, ProducerConfig, PullConsumer, PullConsumerConfig, PullStatus, SendStatus,
    SerializeType,
};
use fulmen_protocol::RequestCode;
use fulmen_protocol::header::SendMessageRequestHeaderV2;
use fulmen_testkit::LocalCluster;

fn binary(mut config: ProducerConfig) -> ProducerConfig {
    config.client.serialize_type = SerializeType::RocketMq;
    config
}

#[tokio::test]
async fn requests_use_the_configured_header_form() {
    bounded(async {
        let namesrv = namesrv().await;
        let broker = FakeBroker::start("broker-a").await;
        broker.register(&namesrv, &["TopicTest"], true).await;
        let addr = namesrv.local_addr().to_string();

        let json = Producer::start(ProducerConfig::new(addr.clone(), "PG_JSON"))
            .await
            .unwrap();
        json.send(Message::new("TopicTest", "as json")).await.unwrap();
        let rocketmq = Producer::start(binary(ProducerConfig::new(addr, "PG_BINARY")))
            .await
            .unwrap();
        rocketmq
            .send(Message::new("TopicTest", "as binary").with_tags("T"))
            .await
            .unwrap();

        let sends = broker.state.requests(RequestCode::SEND_MESSAGE_V2);
        assert_eq!(sends.len(), 2);
        assert_eq!(sends[0].serialize_type, SerializeType::Json);
        assert_eq!(sends[1].serialize_type, SerializeType::RocketMq);
        let header: SendMessageRequestHeaderV2 = sends[1].decode_header().unwrap();
        assert_eq!(header.producer_group, "PG_BINARY");
        assert_eq!(header.topic, "TopicTest");
        assert_eq!(&sends[1].body[..], b"as binary");

        json.shutdown().await;
        rocketmq.shutdown().await;
        // Unregistering at shutdown is binary too: every request goes through the one setting.
        let unregisters = broker.state.requests(RequestCode::UNREGISTER_CLIENT);
        let forms: Vec<_> = unregisters.iter().map(|request| request.serialize_type).collect();
        assert_eq!(forms, [SerializeType::Json, SerializeType::RocketMq]);
        broker.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn binary_header_round_trips_through_local_cluster() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let addr = cluster.namesrv_addr();
        let producer = Producer::start(binary(ProducerConfig::new(addr.clone(), "PG")))
            .await
            .unwrap();
        let message = Message::new("BinaryTopic", "binary header body")
            .with_tags("TagB")
            .with_keys(["k1", "k2"])
            .with_property("color", "blue");
        let sent = producer.send(message).await.unwrap();
        assert_eq!(sent.status, SendStatus::SendOk);

        let mut config = PullConsumerConfig::new(addr, "CG");
        config.client.serialize_type = SerializeType::RocketMq;
        let consumer = PullConsumer::start(config).await.unwrap();
        // The broker registers the topic the send created asynchronously; the pull needs its route.
        while consumer.fetch_message_queues("BinaryTopic").await.is_err() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let result = consumer
            .pull(&sent.queue, "TagB", sent.queue_offset, 32, Duration::from_secs(3))
            .await
            .unwrap();
        assert_eq!(result.status, PullStatus::Found);
        let got = &result.messages[0];
        assert_eq!(&got.body[..], b"binary header body");
        assert_eq!(got.msg_id, sent.msg_id);
        assert_eq!(got.tags.as_deref(), Some("TagB"));
        assert_eq!(got.keys, ["k1", "k2"]);
        assert_eq!(got.property("color"), Some("blue"));
        consumer
            .update_offset(&sent.queue, sent.queue_offset + 1)
            .await
            .unwrap();
        assert_eq!(
            consumer.query_offset(&sent.queue).await.unwrap(),
            Some(sent.queue_offset + 1)
        );

        producer.shutdown().await;
        consumer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}
