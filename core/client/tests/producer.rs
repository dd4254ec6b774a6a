//! Producer end to end against a Fulmen name server and a fake broker: request headers and properties,
//! compression, retries, the TBW102 fallback, errors, timeouts, name server failover, heartbeat and shutdown; and
//! the retry rules of sync and async sends (`sendDefaultImpl`, `onExceptionImpl`): statuses other than SEND_OK,
//! retried and final broker codes, Java's "Send [n] times" error, per-attempt timeouts, and SYSTEM_BUSY retried by
//! a sync send but not by an async one.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::time::Duration;

use common::*;
use fulmen_client::{ACCESS_BROKER_TIMEOUT, ErrorKind, Message, Producer, ProducerConfig, SendStatus};
use fulmen_protocol::body::{HeartbeatData, JsonBody};
use fulmen_protocol::header::{SendMessageRequestHeaderV2, UnregisterClientRequestHeader};
use fulmen_protocol::message::{CompressionType, Properties, decompress};
use fulmen_protocol::{RequestCode, ResponseCode};

fn config(namesrv_addr: String) -> ProducerConfig {
    let mut config = ProducerConfig::new(namesrv_addr, "PG");
    config.client.heartbeat_interval = Duration::from_millis(100);
    config
}

fn sent_headers(broker: &FakeBroker) -> Vec<SendMessageRequestHeaderV2> {
    broker
        .state
        .requests(RequestCode::SEND_MESSAGE_V2)
        .iter()
        .map(|request| request.decode_header().unwrap())
        .collect()
}

#[tokio::test]
async fn send_writes_java_headers_heartbeats_and_unregisters() {
    bounded(async {
        let namesrv = namesrv().await;
        let broker = FakeBroker::start("broker-a").await;
        broker.register(&namesrv, &["TopicTest"], true).await;
        let producer = Producer::start(config(namesrv.local_addr().to_string())).await.unwrap();

        let message = Message::new("TopicTest", "hello").with_tags("TagA").with_keys(["k1", "k2"]);
        let result = producer.send(message).await.unwrap();

        let headers = sent_headers(&broker);
        assert_eq!(headers.len(), 1);
        let header = &headers[0];
        assert_eq!(header.producer_group, "PG");
        assert_eq!(header.topic, "TopicTest");
        assert_eq!(header.default_topic, "TBW102");
        assert_eq!(header.default_topic_queue_nums, 4);
        assert_eq!(header.sys_flag, 0);
        assert_eq!(header.broker_name.as_deref(), Some("broker-a"));
        assert!((0..4).contains(&header.queue_id));
        let properties = Properties::decode(header.properties.as_deref().unwrap());
        assert_eq!(properties.get("TAGS"), Some("TagA"));
        assert_eq!(properties.get("KEYS"), Some("k1 k2"));
        assert_eq!(properties.get("WAIT"), Some("true"));
        let uniq_key = properties.get("UNIQ_KEY").unwrap();
        assert_eq!(uniq_key.len(), 32);
        assert_eq!(
            &broker.state.requests(RequestCode::SEND_MESSAGE_V2)[0].body[..],
            b"hello"
        );

        assert_eq!(result.status, SendStatus::SendOk);
        assert_eq!(result.msg_id, uniq_key);
        assert_eq!(result.offset_msg_id, "7F00000100002A9F0000000000000000");
        assert_eq!(result.queue.topic, "TopicTest");
        assert_eq!(result.queue.broker_name, "broker-a");
        assert_eq!(result.queue.queue_id, header.queue_id);
        assert_eq!(result.queue_offset, 0);
        assert_eq!(result.transaction_id.as_deref(), Some(uniq_key));
        assert_eq!(
            result.to_string(),
            format!(
                "SendResult [sendStatus=SEND_OK, msgId={uniq_key}, offsetMsgId=7F00000100002A9F0000000000000000, \
                 messageQueue=MessageQueue [topic=TopicTest, brokerName=broker-a, queueId={}], queueOffset=0, \
                 recallHandle=null]",
                header.queue_id
            )
        );

        // the heartbeat task announces the group to the master
        let heartbeat = loop {
            if let Some(request) = broker.state.requests(RequestCode::HEART_BEAT).first() {
                break HeartbeatData::decode(&request.body).unwrap();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(heartbeat.client_id, producer.client_id());
        assert_eq!(heartbeat.producer_data_set[0].group_name, "PG");
        assert!(heartbeat.consumer_data_set.is_empty());

        producer.shutdown().await;
        producer.shutdown().await;
        let unregister: UnregisterClientRequestHeader = broker.state.requests(RequestCode::UNREGISTER_CLIENT)[0]
            .decode_header()
            .unwrap();
        assert_eq!(unregister.client_id, producer.client_id());
        assert_eq!(unregister.producer_group.as_deref(), Some("PG"));
        let closed = producer.send(Message::new("TopicTest", "x")).await.unwrap_err();
        assert_eq!(closed.kind(), ErrorKind::Closed);
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn large_bodies_are_zlib_compressed_with_sys_flag_0x301() {
    bounded(async {
        let namesrv = namesrv().await;
        let broker = FakeBroker::start("broker-a").await;
        broker.register(&namesrv, &["TopicTest"], true).await;
        let producer = Producer::start(config(namesrv.local_addr().to_string()))
            .await
            .unwrap();
        let body: Vec<u8> = (0..10 * 1024).map(|i| (i % 251) as u8).collect();
        producer
            .send(Message::new("TopicTest", body.clone()))
            .await
            .unwrap();
        let header = &sent_headers(&broker)[0];
        assert_eq!(header.sys_flag, 0x301);
        let wire = &broker.state.requests(RequestCode::SEND_MESSAGE_V2)[0].body;
        assert_ne!(&wire[..], &body[..]);
        assert_eq!(decompress(wire, CompressionType::Zlib, 1 << 20).unwrap(), body);
        producer.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn system_busy_is_retried_then_succeeds() {
    bounded(async {
        let (namesrv, broker) = setup(&[ResponseCode::SYSTEM_BUSY]).await;
        let producer = Producer::start(config(namesrv.local_addr().to_string()))
            .await
            .unwrap();
        let result = producer.send(Message::new("TopicTest", "x")).await.unwrap();
        assert_eq!(result.status, SendStatus::SendOk);
        let headers = sent_headers(&broker);
        assert_eq!(headers.len(), 2);
        let first = Properties::decode(headers[0].properties.as_deref().unwrap());
        let second = Properties::decode(headers[1].properties.as_deref().unwrap());
        assert_eq!(
            first.get("UNIQ_KEY"),
            second.get("UNIQ_KEY"),
            "a retry keeps the message id"
        );
        producer.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn unknown_topics_use_the_tbw102_route_and_broker_refusals_map_to_kinds() {
    bounded(async {
        let namesrv = namesrv().await;
        let broker = FakeBroker::start("broker-a").await;
        broker.register(&namesrv, &["Other"], true).await;
        let producer = Producer::start(config(namesrv.local_addr().to_string()))
            .await
            .unwrap();

        let result = producer.send(Message::new("NewTopic", "x")).await.unwrap();
        assert_eq!(result.queue.topic, "NewTopic");
        let header = &sent_headers(&broker)[0];
        assert_eq!(header.topic, "NewTopic");
        assert!(
            (0..4).contains(&header.queue_id),
            "min(4, 8) queues: {}",
            header.queue_id
        );

        // a broker that refuses the topic: retried, then TOPIC_NOT_FOUND
        for _ in 0..3 {
            broker
                .state
                .send_script
                .lock()
                .unwrap()
                .push_back(ResponseCode::TOPIC_NOT_EXIST);
        }
        let error = producer.send(Message::new("NewTopic", "x")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TopicNotFound);
        assert_eq!(error.response_code(), Some(17));
        assert_eq!(sent_headers(&broker).len(), 4);

        // a refusal Java does not retry
        broker
            .state
            .send_script
            .lock()
            .unwrap()
            .push_back(ResponseCode::MESSAGE_ILLEGAL);
        let error = producer.send(Message::new("NewTopic", "x")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert_eq!(sent_headers(&broker).len(), 5);

        // invalid messages never reach the broker
        let error = producer.send(Message::new("NewTopic", "")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert_eq!(sent_headers(&broker).len(), 5);
        producer.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn no_route_and_no_template_is_route_not_found() {
    bounded(async {
        let namesrv = namesrv().await;
        let broker = FakeBroker::start("broker-a").await;
        broker.register(&namesrv, &["TopicTest", "Other"], false).await;
        let producer = Producer::start(config(namesrv.local_addr().to_string()))
            .await
            .unwrap();
        let error = producer.send(Message::new("Missing", "x")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::RouteNotFound);
        assert!(
            error
                .message()
                .starts_with("No route info of this topic: Missing"),
            "{error}"
        );
        producer.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_slow_broker_gives_timeout() {
    bounded(async {
        let namesrv = namesrv().await;
        let broker = FakeBroker::start("broker-a").await;
        broker.register(&namesrv, &["TopicTest"], true).await;
        *broker.state.send_delay.lock().unwrap() = Duration::from_secs(2);
        let mut config = config(namesrv.local_addr().to_string());
        config.send_timeout = Duration::from_millis(300);
        let producer = Producer::start(config).await.unwrap();
        let started = std::time::Instant::now();
        let error = producer.send(Message::new("TopicTest", "x")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
        assert!(started.elapsed() < Duration::from_secs(2));
        producer.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_dead_name_server_fails_over_to_the_next() {
    bounded(async {
        let namesrv = namesrv().await;
        let broker = FakeBroker::start("broker-a").await;
        broker.register(&namesrv, &["TopicTest"], true).await;
        let alive = namesrv.local_addr().to_string();
        // whichever address the random start picks first, sends succeed
        for addrs in [
            format!("{};{alive}", dead_addr()),
            format!("{alive};{}", dead_addr()),
        ] {
            let producer = Producer::start(config(addrs)).await.unwrap();
            producer.send(Message::new("TopicTest", "x")).await.unwrap();
            producer.shutdown().await;
        }
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}

async fn setup(script: &[ResponseCode]) -> (fulmen_namesrv::NameServer, FakeBroker) {
    let namesrv = namesrv().await;
    let broker = FakeBroker::start("broker-a").await;
    broker.register(&namesrv, &["TopicTest"], true).await;
    broker
        .state
        .send_script
        .lock()
        .unwrap()
        .extend(script.iter().copied());
    (namesrv, broker)
}

fn sends(broker: &FakeBroker) -> usize {
    broker.state.requests(RequestCode::SEND_MESSAGE_V2).len()
}

#[tokio::test]
async fn a_status_other_than_send_ok_is_returned_unless_configured_to_retry() {
    bounded(async {
        let (namesrv, broker) = setup(&[ResponseCode::FLUSH_DISK_TIMEOUT]).await;
        let addr = namesrv.local_addr().to_string();
        let producer = Producer::start(config(addr.clone())).await.unwrap();
        let result = producer.send(Message::new("TopicTest", "x")).await.unwrap();
        assert_eq!(result.status, SendStatus::FlushDiskTimeout);
        assert_eq!(sends(&broker), 1);
        producer.shutdown().await;

        let mut retrying = config(addr.clone());
        retrying.retry_another_broker_when_not_store_ok = true;
        let producer = Producer::start(retrying.clone()).await.unwrap();
        broker
            .state
            .send_script
            .lock()
            .unwrap()
            .extend([ResponseCode::SLAVE_NOT_AVAILABLE]);
        let result = producer.send(Message::new("TopicTest", "x")).await.unwrap();
        assert_eq!(result.status, SendStatus::SendOk, "the retry stored it OK");
        assert_eq!(sends(&broker), 3);
        // every attempt not OK: the last result is returned
        broker.state.send_script.lock().unwrap().extend([
            ResponseCode::FLUSH_DISK_TIMEOUT,
            ResponseCode::FLUSH_SLAVE_TIMEOUT,
            ResponseCode::SLAVE_NOT_AVAILABLE,
        ]);
        let result = producer.send(Message::new("TopicTest", "x")).await.unwrap();
        assert_eq!(result.status, SendStatus::SlaveNotAvailable);
        assert_eq!(sends(&broker), 6);
        // a later final broker error returns the earlier stored result
        broker
            .state
            .send_script
            .lock()
            .unwrap()
            .extend([ResponseCode::FLUSH_DISK_TIMEOUT, ResponseCode::MESSAGE_ILLEGAL]);
        let result = producer.send(Message::new("TopicTest", "x")).await.unwrap();
        assert_eq!(result.status, SendStatus::FlushDiskTimeout);
        assert_eq!(sends(&broker), 8);
        producer.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn exhausted_retries_name_the_attempts_and_keep_the_broker_code() {
    bounded(async {
        let busy = [ResponseCode::SYSTEM_BUSY; 3];
        let (namesrv, broker) = setup(&busy).await;
        let producer = Producer::start(config(namesrv.local_addr().to_string()))
            .await
            .unwrap();
        let error = producer.send(Message::new("TopicTest", "x")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::FlowControl);
        assert_eq!(error.response_code(), Some(2));
        assert!(
            error
                .message()
                .starts_with("Send [3] times, still failed, cost [")
                && error
                    .message()
                    .contains("Topic: TopicTest, BrokersSent: [broker-a, broker-a, broker-a]"),
            "{error}"
        );
        assert_eq!(sends(&broker), 3);
        // a code outside retry_response_codes is not retried
        broker
            .state
            .send_script
            .lock()
            .unwrap()
            .push_back(ResponseCode::FLOW_CONTROL);
        let error = producer.send(Message::new("TopicTest", "x")).await.unwrap_err();
        assert_eq!(error.response_code(), Some(ResponseCode::FLOW_CONTROL.0));
        assert_eq!(sends(&broker), 4);
        producer.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn slow_attempts_are_cut_short_while_retries_remain_and_end_with_access_broker_timeout() {
    bounded(async {
        let (namesrv, broker) = setup(&[]).await;
        *broker.state.send_delay.lock().unwrap() = Duration::from_millis(300);
        let mut capped = config(namesrv.local_addr().to_string());
        capped.send_max_timeout_per_request = Some(Duration::from_millis(100));
        let producer = Producer::start(capped).await.unwrap();
        // attempts 1 and 2 give up after 100 ms, the last one may wait for the rest of the 3 s
        let result = producer.send(Message::new("TopicTest", "x")).await.unwrap();
        assert_eq!(result.status, SendStatus::SendOk);
        assert_eq!(sends(&broker), 3);
        producer.shutdown().await;

        let mut single = config(namesrv.local_addr().to_string());
        single.retry_times = 0;
        single.send_timeout = Duration::from_millis(150);
        let producer = Producer::start(single).await.unwrap();
        let error = producer.send(Message::new("TopicTest", "x")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Timeout);
        assert_eq!(error.response_code(), Some(ACCESS_BROKER_TIMEOUT));
        assert!(
            error.message().starts_with("Send [1] times, still failed"),
            "{error}"
        );
        producer.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn async_sends_do_not_retry_broker_errors() {
    bounded(async {
        let (namesrv, broker) = setup(&[ResponseCode::SYSTEM_BUSY]).await;
        let producer = Producer::start(config(namesrv.local_addr().to_string()))
            .await
            .unwrap();
        let error = producer
            .send_async(Message::new("TopicTest", "x"))
            .await
            .unwrap_err();
        assert_eq!(error.response_code(), Some(2));
        assert_eq!(sends(&broker), 1);
        let result = tokio::spawn(producer.send_async(Message::new("TopicTest", "y")))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(result.status, SendStatus::SendOk);
        assert_eq!(sends(&broker), 2);
        producer.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}
