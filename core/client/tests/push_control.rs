//! Controlling a running push consumer against a Fulmen `LocalCluster`: subscribing while running with a tag
//! expression (announced to the broker at once), suspend / resume, and a listener call that exceeds the consume
//! timeout coming back through the retry topic.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fulmen_client::{
    ConsumeFromWhere, ConsumeResult, Message, MessageView, Producer, ProducerConfig, PushConsumer,
    PushConsumerConfig,
};
use fulmen_protocol::body::{ConsumerConnection, JsonBody};
use fulmen_protocol::header::GetConsumerConnectionListRequestHeader;
use fulmen_protocol::{RemotingCommand, RequestCode};
use fulmen_remoting::RemotingClient;
use fulmen_testkit::LocalCluster;

const TEST_BOUND: Duration = Duration::from_secs(60);

async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_BOUND, test)
        .await
        .expect("the test did not finish within its time bound")
}

async fn eventually(mut condition: impl FnMut() -> bool) {
    while !condition() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

type Log = Arc<Mutex<Vec<MessageView>>>;

fn bodies(log: &Log) -> Vec<String> {
    let mut bodies: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .map(|m| String::from_utf8(m.body.to_vec()).unwrap())
        .collect();
    bodies.sort();
    bodies
}

fn recording(
    log: &Log,
) -> impl Fn(Vec<MessageView>) -> std::future::Ready<ConsumeResult> + Send + Sync + 'static {
    let log = log.clone();
    move |messages| {
        log.lock().unwrap().extend(messages);
        std::future::ready(ConsumeResult::Success)
    }
}

fn config(cluster: &LocalCluster, group: &str, topic: &str) -> PushConsumerConfig {
    let mut config = PushConsumerConfig::new(cluster.namesrv_addr(), group).subscribe(topic, "*");
    config.consume_from_where = ConsumeFromWhere::ConsumeFromFirstOffset;
    config.rebalance_interval = Duration::from_secs(2);
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_added_while_running_filters_by_tags_and_reaches_the_broker() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        producer.send(Message::new("CtlFirst", "first")).await.unwrap();
        for (body, tag) in [("x", "TagX"), ("y", "TagY"), ("z", "TagZ")] {
            producer
                .send(Message::new("CtlLater", body).with_tags(tag))
                .await
                .unwrap();
        }
        producer.send(Message::new("CtlLater", "untagged")).await.unwrap();
        let log: Log = Arc::default();
        let consumer = PushConsumer::start(config(&cluster, "CG_CTL", "CtlFirst"), recording(&log))
            .await
            .unwrap();
        eventually(|| bodies(&log) == ["first"]).await;
        consumer.subscribe("CtlLater", "TagX || TagY").await.unwrap();

        let admin = RemotingClient::new(fulmen_remoting::ClientConfig::default()).unwrap();
        let request = RemotingCommand::request(RequestCode::GET_CONSUMER_CONNECTION_LIST).with_header(
            &GetConsumerConnectionListRequestHeader {
                consumer_group: "CG_CTL".into(),
            },
        );
        let broker = cluster.broker_addr(0).unwrap().to_string();
        let response = admin
            .invoke(&broker, request, Duration::from_secs(3))
            .await
            .unwrap();
        let connection = ConsumerConnection::decode(&response.body).unwrap();
        assert_eq!(
            connection.subscription_table["CtlLater"].sub_string,
            "TagX || TagY"
        );
        admin.shutdown().await;

        eventually(|| bodies(&log) == ["first", "x", "y"]).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            bodies(&log),
            ["first", "x", "y"],
            "TagZ and untagged messages are filtered out"
        );
        consumer.shutdown().await;
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspend_stops_delivery_until_resume() {
    bounded(async {
        let cluster = LocalCluster::start().await.unwrap();
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        producer.send(Message::new("CtlPause", "before")).await.unwrap();
        let log: Log = Arc::default();
        let consumer = PushConsumer::start(config(&cluster, "CG_PAUSE", "CtlPause"), recording(&log))
            .await
            .unwrap();
        eventually(|| bodies(&log) == ["before"]).await;
        consumer.suspend();
        // The pull the broker holds for a queue when suspending still answers with its next message (as in Java);
        // the pulls after it wait for resume.
        let queue = fulmen_client::MessageQueue::new("CtlPause", cluster.brokers()[0].0.clone(), 0);
        producer
            .send_to_queue(Message::new("CtlPause", "held"), queue.clone())
            .await
            .unwrap();
        eventually(|| bodies(&log) == ["before", "held"]).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        producer
            .send_to_queue(Message::new("CtlPause", "while paused"), queue)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            bodies(&log),
            ["before", "held"],
            "nothing is pulled while suspended"
        );
        consumer.resume();
        eventually(|| bodies(&log) == ["before", "held", "while paused"]).await;
        consumer.shutdown().await;
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_call_over_the_consume_timeout_is_delivered_again() {
    bounded(async {
        let cluster = LocalCluster::builder()
            .configure_broker(|_, broker| broker.message_delay_level = "1s 1s 1s 1s".into())
            .start()
            .await
            .unwrap();
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        producer.send(Message::new("CtlSlow", "slow")).await.unwrap();
        let log: Log = Arc::default();
        let listener = {
            let log = log.clone();
            move |messages: Vec<MessageView>| {
                let log = log.clone();
                async move {
                    let first = messages.iter().any(|m| m.reconsume_times == 0);
                    log.lock().unwrap().extend(messages);
                    if first {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                    ConsumeResult::Success
                }
            }
        };
        let mut config = config(&cluster, "CG_SLOWCALL", "CtlSlow");
        config.consume_timeout = Duration::from_millis(300);
        let consumer = PushConsumer::start(config, listener).await.unwrap();
        eventually(|| log.lock().unwrap().len() >= 2).await;
        let again = log.lock().unwrap()[1].clone();
        assert_eq!((again.reconsume_times, again.topic.as_str()), (1, "CtlSlow"));
        consumer.shutdown().await;
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}
