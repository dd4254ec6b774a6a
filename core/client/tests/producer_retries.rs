//! The retry rules of sync and async sends against a scripted fake broker (`sendDefaultImpl` and
//! `onExceptionImpl`): statuses other than SEND_OK, retried and final broker codes, Java's "Send [n] times"
//! error, and SYSTEM_BUSY retried by a sync send but not by an async one.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::time::Duration;

use common::*;
use fulmen_client::{ErrorKind, Message, Producer, ProducerConfig, SendStatus};
use fulmen_protocol::{RequestCode, ResponseCode};

fn config(namesrv_addr: String) -> ProducerConfig {
    let mut config = ProducerConfig::new(namesrv_addr, "PG");
    config.client.heartbeat_interval = Duration::from_millis(100);
    config
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
        assert_eq!(error.response_code(), Some(fulmen_client::ACCESS_BROKER_TIMEOUT));
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
