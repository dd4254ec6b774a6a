//! Helpers of the producer tests against `fulmen_testkit::LocalCluster`: a bound on every test, a producer config
//! with short intervals, and reading back everything a topic holds.
#![allow(dead_code)] // each test file uses a different subset
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::future::Future;
use std::time::Duration;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use fulmen_client::{
    LocalTransactionState, Message, MessageView, ProducerConfig, PullConsumer, PullConsumerConfig,
    PullStatus, TransactionArg, TransactionFuture, TransactionListener,
};

/// No test may run longer than this.
pub const TEST_BOUND: Duration = Duration::from_secs(60);

/// Runs `test` within [`TEST_BOUND`].
pub async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_BOUND, test)
        .await
        .expect("the test did not finish within its time bound")
}

/// A producer config for `namesrv_addr` and `group` with a short heartbeat and route refresh.
pub fn producer_config(namesrv_addr: String, group: &str) -> ProducerConfig {
    let mut config = ProducerConfig::new(namesrv_addr, group);
    config.client.heartbeat_interval = Duration::from_millis(200);
    config.client.route_poll_interval = Duration::from_millis(200);
    config
}

/// Everything stored in `topic`, over all its queues, read from offset 0. Waits for the name server to know the
/// topic (a broker registers a new topic shortly after creating it).
pub async fn read_topic(namesrv_addr: String, topic: &str) -> Vec<MessageView> {
    let consumer = PullConsumer::start(PullConsumerConfig::new(namesrv_addr, "READER"))
        .await
        .unwrap();
    let queues = loop {
        match consumer.fetch_message_queues(topic).await {
            Ok(queues) => break queues,
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    let mut messages = Vec::new();
    for queue in queues {
        let mut offset = 0;
        loop {
            let result = consumer
                .pull(&queue, "*", offset, 32, Duration::from_secs(3))
                .await
                .unwrap();
            if result.status != PullStatus::Found {
                break;
            }
            messages.extend(result.messages);
            offset = result.next_begin_offset;
        }
    }
    consumer.shutdown().await;
    messages
}

/// The bodies of `messages` as text, sorted.
pub fn sorted_bodies(messages: &[MessageView]) -> Vec<String> {
    let mut bodies: Vec<String> = messages
        .iter()
        .map(|message| String::from_utf8_lossy(&message.body).into_owned())
        .collect();
    bodies.sort();
    bodies
}

/// The sorted bodies in `topic`, polled until `expected` of them are there or 20 s passed.
pub async fn wait_for_bodies(namesrv_addr: String, topic: &str, expected: usize) -> Vec<String> {
    let mut bodies = Vec::new();
    for _ in 0..100 {
        bodies = sorted_bodies(&read_topic(namesrv_addr.clone(), topic).await);
        if bodies.len() >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bodies
}

/// A transaction listener whose local transaction ends in the state passed as `arg` (anything else panics, as a
/// failing local transaction), and whose checks answer `on_check` and are recorded. Clones share the records.
#[derive(Clone)]
pub struct RecordingListener {
    pub on_check: LocalTransactionState,
    pub checked: Arc<Mutex<Vec<MessageView>>>,
    pub executed: Arc<AtomicUsize>,
}

impl RecordingListener {
    pub fn new(on_check: LocalTransactionState) -> Self {
        RecordingListener {
            on_check,
            checked: Arc::default(),
            executed: Arc::default(),
        }
    }

    /// The messages checked so far.
    pub fn checked(&self) -> Vec<MessageView> {
        self.checked.lock().unwrap().clone()
    }

    /// Waits up to 20 s for a first check.
    pub async fn wait_for_a_check(&self) {
        for _ in 0..100 {
            if !self.checked.lock().unwrap().is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl TransactionListener for RecordingListener {
    fn execute(&self, message: &Message, arg: &TransactionArg) -> TransactionFuture {
        self.executed.fetch_add(1, Ordering::SeqCst);
        assert!(message.properties.contains_key("__transactionId__"));
        let state = arg.downcast_ref::<LocalTransactionState>().copied();
        Box::pin(async move { state.expect("local transaction failed") })
    }

    fn check(&self, message: &MessageView) -> TransactionFuture {
        self.checked.lock().unwrap().push(message.clone());
        let state = self.on_check;
        Box::pin(async move { state })
    }
}
