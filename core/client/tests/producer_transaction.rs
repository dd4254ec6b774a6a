//! Transactional messages against a Fulmen cluster (`LocalCluster`, whose broker checks back unresolved half
//! messages): commit delivers, rollback never does, an unknown outcome (or a panicking local transaction) is
//! settled by the broker's CHECK_TRANSACTION_STATE, answered with the listener's `check`.
#![allow(clippy::unwrap_used)] // tests may unwrap

mod producer_support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use fulmen_client::{
    LocalTransactionState, Message, SendStatus, TransactionProducer, TransactionProducerConfig,
};
use fulmen_testkit::LocalCluster;
use producer_support::*;

async fn cluster() -> LocalCluster {
    LocalCluster::builder()
        .configure_broker(|_, config| {
            config.transaction.timeout = Duration::from_millis(500);
            config.transaction.check_interval = Duration::from_millis(300);
        })
        .start()
        .await
        .unwrap()
}

async fn producer(
    cluster: &LocalCluster,
    group: &str,
    on_check: LocalTransactionState,
) -> (TransactionProducer, RecordingListener) {
    let listener = RecordingListener::new(on_check);
    let config = TransactionProducerConfig::from(producer_config(cluster.namesrv_addr(), group));
    let producer = TransactionProducer::start(config, listener.clone())
        .await
        .unwrap();
    (producer, listener)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_delivers_and_rollback_discards() {
    bounded(async {
        let cluster = cluster().await;
        let (producer, listener) = producer(&cluster, "TPG", LocalTransactionState::RollbackMessage).await;
        producer
            .producer()
            .send(Message::new("TxTopic", "plain"))
            .await
            .unwrap();
        let committed = producer
            .send_in_transaction(
                Message::new("TxTopic", "commit").with_delay_level(3),
                LocalTransactionState::CommitMessage,
            )
            .await
            .unwrap();
        assert_eq!(
            committed.local_transaction_state,
            LocalTransactionState::CommitMessage
        );
        assert_eq!(committed.send_result.status, SendStatus::SendOk);
        let rolled_back = producer
            .send_in_transaction(
                Message::new("TxTopic", "rollback"),
                LocalTransactionState::RollbackMessage,
            )
            .await
            .unwrap();
        assert_eq!(
            rolled_back.local_transaction_state,
            LocalTransactionState::RollbackMessage
        );
        assert_eq!(listener.executed.load(Ordering::SeqCst), 2);

        let bodies = wait_for_bodies(cluster.namesrv_addr(), "TxTopic", 2).await;
        assert_eq!(bodies, ["commit", "plain"]);
        let stored = read_topic(cluster.namesrv_addr(), "TxTopic").await;
        let commit = stored.iter().find(|m| m.body == "commit").unwrap();
        assert_eq!(commit.msg_id, committed.send_result.msg_id);
        assert_eq!(commit.delay_level(), None, "the delay level is stripped");
        // nothing to check: both were settled at once
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert!(listener.checked().is_empty());
        assert_eq!(
            sorted_bodies(&read_topic(cluster.namesrv_addr(), "TxTopic").await),
            ["commit", "plain"]
        );
        producer.shutdown().await;
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_panicking_transactions_are_settled_by_the_check() {
    bounded(async {
        let cluster = cluster().await;
        let (producer, listener) = producer(&cluster, "TPG", LocalTransactionState::CommitMessage).await;
        let unknown = producer
            .send_in_transaction(Message::new("TxCheck", "unknown"), LocalTransactionState::Unknown)
            .await
            .unwrap();
        assert_eq!(unknown.local_transaction_state, LocalTransactionState::Unknown);
        let panicked = producer
            .send_in_transaction(Message::new("TxCheck", "panicked"), "not a state")
            .await
            .unwrap();
        assert_eq!(panicked.local_transaction_state, LocalTransactionState::Unknown);

        let bodies = wait_for_bodies(cluster.namesrv_addr(), "TxCheck", 2).await;
        assert_eq!(bodies, ["panicked", "unknown"]);
        let checked = listener.checked();
        let ids: Vec<&str> = checked.iter().map(|m| m.msg_id.as_str()).collect();
        // both ended unknown, so only the check can have committed them
        assert!(ids.contains(&unknown.send_result.msg_id.as_str()), "{ids:?}");
        assert!(ids.contains(&panicked.send_result.msg_id.as_str()), "{ids:?}");
        assert!(checked.iter().all(|m| m.property("PGROUP") == Some("TPG")));
        // committed once: no duplicate after further check rounds
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            sorted_bodies(&read_topic(cluster.namesrv_addr(), "TxCheck").await),
            ["panicked", "unknown"]
        );
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_answered_rollback_never_delivers() {
    bounded(async {
        let cluster = cluster().await;
        let (producer, listener) = producer(&cluster, "TPG", LocalTransactionState::RollbackMessage).await;
        producer
            .send_in_transaction(
                Message::new("TxRollback", "never"),
                LocalTransactionState::Unknown,
            )
            .await
            .unwrap();
        listener.wait_for_a_check().await;
        assert!(!listener.checked().is_empty(), "the broker checked back");
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert!(read_topic(cluster.namesrv_addr(), "TxRollback").await.is_empty());
        producer.shutdown().await;
        cluster.shutdown().await;
    })
    .await;
}
