//! Helpers of the lite pull consumer tests (`lite_pull.rs` against Fulmen, `apache_lite_pull.rs` against Apache):
//! bounded tests, polling until messages arrive, and the offsets a set of polled messages implies.
#![allow(dead_code)] // each test binary uses its own subset

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::time::Duration;

use fulmen_client::{LitePullConsumer, MessageQueue, MessageView};

/// How long one `poll` of the tests waits.
pub const POLL: Duration = Duration::from_millis(200);

/// Runs `test`, failing it after `bound`.
pub async fn bounded<F: Future>(bound: Duration, test: F) -> F::Output {
    tokio::time::timeout(bound, test)
        .await
        .expect("the test did not finish within its time bound")
}

/// The body of `message` as text.
pub fn body(message: &MessageView) -> String {
    String::from_utf8(message.body.to_vec()).unwrap()
}

/// The queues of `topic`, waiting for the name server to learn the route of a topic just auto-created.
pub async fn queues_of(consumer: &LitePullConsumer, topic: &str) -> Vec<MessageQueue> {
    loop {
        match consumer.fetch_message_queues(topic).await {
            Ok(queues) => return queues,
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Polls until the bodies seen include `wanted`; returns every message polled.
pub async fn poll_until(consumer: &LitePullConsumer, wanted: &BTreeSet<String>) -> Vec<MessageView> {
    let mut all = Vec::new();
    let mut seen = BTreeSet::new();
    while !wanted.is_subset(&seen) {
        for message in consumer.poll(POLL).await.unwrap() {
            seen.insert(body(&message));
            all.push(message);
        }
    }
    all
}

/// Per queue id: one past the largest offset polled.
pub fn next_offsets(messages: &[MessageView]) -> BTreeMap<i32, i64> {
    let mut next = BTreeMap::new();
    for message in messages {
        let entry = next.entry(message.queue.queue_id).or_insert(0);
        *entry = (*entry).max(message.queue_offset + 1);
    }
    next
}
