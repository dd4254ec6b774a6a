//! Helpers shared by the push consumer tests: bounded test bodies, polling for a condition, a listener that
//! records every delivery, a cluster with a producer, and admin calls to a broker.
#![allow(dead_code)] // each test file uses a different subset
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fulmen_client::{
    AllocateStrategy, ConsumeFromWhere, ConsumeResult, MessageQueue, MessageView, Producer, ProducerConfig,
    PushConsumer, PushConsumerConfig, sort_for_allocation,
};
use fulmen_protocol::body::{ConsumerConnection, JsonBody};
use fulmen_protocol::header::GetConsumerConnectionListRequestHeader;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::RemotingClient;
use fulmen_testkit::LocalCluster;

/// Runs `test` within `bound`.
pub async fn bounded<F: Future>(bound: Duration, test: F) -> F::Output {
    tokio::time::timeout(bound, test)
        .await
        .expect("the test did not finish within its time bound")
}

/// Polls `condition` every 50 ms until it holds (the caller's bound limits the wait).
pub async fn eventually(mut condition: impl FnMut() -> bool) {
    while !condition() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every delivery a listener saw, in order.
#[derive(Clone, Default)]
pub struct Received(Arc<Mutex<Vec<MessageView>>>);

impl Received {
    /// Records `messages`.
    pub fn record(&self, messages: Vec<MessageView>) {
        self.0.lock().unwrap().extend(messages);
    }

    /// Every delivery.
    pub fn all(&self) -> Vec<MessageView> {
        self.0.lock().unwrap().clone()
    }

    /// How many deliveries.
    pub fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// The bodies of every delivery as text, in delivery order.
    pub fn bodies(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|m| String::from_utf8(m.body.to_vec()).unwrap())
            .collect()
    }

    /// The bodies of every delivery, sorted (duplicates kept).
    pub fn sorted_bodies(&self) -> Vec<String> {
        let mut bodies = self.bodies();
        bodies.sort();
        bodies
    }

    /// The distinct bodies.
    pub fn body_set(&self) -> BTreeSet<String> {
        self.bodies().into_iter().collect()
    }

    /// A listener that records and succeeds.
    pub fn listener(
        &self,
    ) -> impl Fn(Vec<MessageView>) -> std::future::Ready<ConsumeResult> + Send + Sync + 'static {
        self.answering(ConsumeResult::Success)
    }

    /// A listener that records and answers `result`.
    pub fn answering(
        &self,
        result: ConsumeResult,
    ) -> impl Fn(Vec<MessageView>) -> std::future::Ready<ConsumeResult> + Send + Sync + 'static {
        let received = self.clone();
        move |messages| {
            received.record(messages);
            std::future::ready(result)
        }
    }

    /// A listener that records, fails the first delivery of each message and then succeeds.
    pub fn failing_first_delivery(
        &self,
    ) -> impl Fn(Vec<MessageView>) -> std::future::Ready<ConsumeResult> + Send + Sync + 'static {
        let received = self.clone();
        move |messages| {
            let first = messages.iter().any(|m| m.reconsume_times == 0);
            received.record(messages);
            std::future::ready(if first {
                ConsumeResult::ReconsumeLater
            } else {
                ConsumeResult::Success
            })
        }
    }
}

/// A one-broker `LocalCluster` whose delay levels are all 1 s (so retries come back quickly) and a producer on it.
pub struct Fixture {
    /// The cluster.
    pub cluster: LocalCluster,
    /// A producer of group `PG`.
    pub producer: Producer,
}

impl Fixture {
    /// Starts the cluster and the producer.
    pub async fn start() -> Fixture {
        let cluster = LocalCluster::builder()
            .configure_broker(|_, broker| broker.message_delay_level = "1s 1s 1s 1s 1s 1s".into())
            .start()
            .await
            .unwrap();
        let producer = Producer::start(ProducerConfig::new(cluster.namesrv_addr(), "PG"))
            .await
            .unwrap();
        Fixture { cluster, producer }
    }

    /// A consumer of `group` subscribing `topic` from the first offset, with short intervals.
    pub fn config(&self, group: &str, topic: &str) -> PushConsumerConfig {
        let mut config = PushConsumerConfig::new(self.cluster.namesrv_addr(), group).subscribe(topic, "*");
        config.consume_from_where = ConsumeFromWhere::ConsumeFromFirstOffset;
        config.persist_offset_interval = Duration::from_millis(500);
        config.rebalance_interval = Duration::from_secs(2);
        config.lock_interval = Duration::from_secs(2);
        config.suspend_current_queue_time = Duration::from_millis(50);
        config
    }

    /// Stops the producer and the cluster.
    pub async fn shutdown(self) {
        self.producer.shutdown().await;
        self.cluster.shutdown().await;
    }
}

/// Sends `request` to the broker at `addr` as an admin tool does and returns the SUCCESS answer.
pub async fn admin_call(addr: &str, request: RemotingCommand) -> RemotingCommand {
    let admin = RemotingClient::new(fulmen_remoting::ClientConfig::default()).unwrap();
    let response = admin
        .invoke(addr, request, Duration::from_secs(10))
        .await
        .unwrap();
    admin.shutdown().await;
    assert_eq!(
        response.response_code(),
        ResponseCode::SUCCESS,
        "{:?}",
        response.remark
    );
    response
}

/// The members of `group` the broker at `addr` lists (GET_CONSUMER_CONNECTION_LIST, `mqadmin consumerConnection`).
pub async fn consumer_connection(addr: &str, group: &str) -> ConsumerConnection {
    let header = GetConsumerConnectionListRequestHeader {
        consumer_group: group.into(),
    };
    let request = RemotingCommand::request(RequestCode::GET_CONSUMER_CONNECTION_LIST).with_header(&header);
    ConsumerConnection::decode(&admin_call(addr, request).await.body).unwrap()
}

/// The queues of `topic` (`queue_count` on `broker_name`) each consumer should own, by client id, as Java's
/// averaging strategy computes them.
pub fn expected_split(
    group: &str,
    consumers: &[&PushConsumer],
    topic: &str,
    broker_name: &str,
    queue_count: i32,
) -> BTreeMap<String, Vec<MessageQueue>> {
    let mut queues: Vec<MessageQueue> = (0..queue_count)
        .map(|id| MessageQueue::new(topic, broker_name, id))
        .collect();
    let mut ids: Vec<String> = consumers.iter().map(|c| c.client_id().to_owned()).collect();
    sort_for_allocation(&mut queues, &mut ids);
    ids.iter()
        .map(|id| {
            let mine = AllocateStrategy::Averagely
                .allocate(group, id, &queues, &ids)
                .unwrap();
            (id.clone(), mine)
        })
        .collect()
}

/// The queues of `topic` each consumer owns now, by client id.
pub fn actual_split(consumers: &[&PushConsumer], topic: &str) -> BTreeMap<String, Vec<MessageQueue>> {
    consumers
        .iter()
        .map(|c| {
            let mine = c
                .assigned_queues()
                .into_iter()
                .filter(|q| q.topic == topic)
                .collect();
            (c.client_id().to_owned(), mine)
        })
        .collect()
}
