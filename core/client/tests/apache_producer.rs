//! Fulmen's producer against the official Apache RocketMQ 5.3.3 name server and broker (feature `apache`): a batch,
//! sharding-key sends and a compressed body read back by the official Java client (ids, queue, decompressed body,
//! sysFlag), and transactions settled by Apache's own check-back (commit, rollback, unknown then checked).
//!
//! The broker of this binary checks half messages every second, older than two seconds
//! (`transactionCheckInterval=1000`, `transactionTimeOut=2000`; Apache's defaults are 30 s and 6 s). Run with
//! `cargo test -p fulmen-client --features apache --test apache_producer` (needs Java and Maven).
#![allow(clippy::unwrap_used)] // tests may unwrap

mod apache;
mod producer_support;

use std::time::Duration;

use apache::{ApacheCluster, run_java_client};
use fulmen_client::{
    LocalTransactionState, Message, Producer, SendStatus, TransactionProducer, TransactionProducerConfig,
    queue_index_by_hash,
};
use producer_support::*;

/// Op messages (the broker's record of settled transactions) are written every 100 ms instead of 3 s, so that no
/// check round sees a settled half message as unsettled.
const BROKER_SETTINGS: &[&str] = &[
    "transactionCheckInterval=1000",
    "transactionTimeOut=2000",
    "transactionOpBatchInterval=100",
];

fn cluster() -> &'static ApacheCluster {
    ApacheCluster::shared_with(BROKER_SETTINGS)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn java_reads_batches_sharded_and_compressed_sends() {
    let namesrv = cluster().namesrv_addr.clone();
    bounded(async {
        let topic = "FulmenProducerToJava";
        let producer = Producer::start(producer_config(namesrv.clone(), "ApacheProducerPG"))
            .await
            .unwrap();
        let mut sharded = Vec::new();
        for n in 0..3 {
            let message = Message::new(topic, format!("order-42 #{n}")).with_sharding_key("order-42");
            let result = producer.send_orderly(message).await.unwrap();
            assert_eq!(result.queue.queue_id, queue_index_by_hash("order-42", 4) as i32);
            sharded.push(result.msg_id);
        }
        let batch = vec![
            Message::new(topic, "batch one").with_tags("B"),
            Message::new(topic, "batch two").with_keys(["k2"]),
            Message::new(topic, "x".repeat(5000)),
        ];
        let batch_result = producer.send_batch(batch).await.unwrap();
        assert_eq!(batch_result.status, SendStatus::SendOk);
        let batch_ids: Vec<String> = batch_result.msg_id.split(',').map(str::to_owned).collect();
        assert_eq!(batch_ids.len(), 3);
        let big = "compressible ".repeat(1000);
        let compressed = producer.send(Message::new(topic, big.clone())).await.unwrap();
        producer.shutdown().await;

        let run = tokio::task::spawn_blocking({
            let namesrv = namesrv.clone();
            move || run_java_client(&namesrv, topic, 7, "FulmenProducerFromJava")
        })
        .await
        .unwrap();
        assert_eq!(run.read.len(), 7);
        let by_id = |id: &str| {
            run.read
                .iter()
                .find(|m| m.msg_id == id)
                .unwrap_or_else(|| panic!("{id} not read"))
        };
        let mut sharded_read: Vec<_> = sharded.iter().map(|id| by_id(id)).collect();
        sharded_read.sort_by_key(|m| m.queue_offset);
        for (n, message) in sharded_read.iter().enumerate() {
            assert_eq!(message.queue_id, 1);
            assert_eq!(message.body, format!("order-42 #{n}").as_bytes());
            assert_eq!(
                message.properties.get("__SHARDINGKEY").map(String::as_str),
                Some("order-42")
            );
        }
        // Apache's store appends the batch's own properties (its UNIQ_KEY included) to every message of the batch
        // (MessageExtEncoder.encodeBatch), so readers see one id, the batch's, on all of them; a Java producer's
        // batch reads the same. The ids in the SendResult are the inner ones, as Java reports them.
        let mut batch_read: Vec<_> = run
            .read
            .iter()
            .filter(|m| m.body.starts_with(b"batch ") || m.body == [b'x'; 5000])
            .collect();
        batch_read.sort_by_key(|m| m.queue_offset);
        assert_eq!(batch_read.len(), 3);
        assert!(
            batch_read
                .iter()
                .all(|m| m.queue_id == batch_result.queue.queue_id)
        );
        assert_eq!(batch_read[0].queue_offset, batch_result.queue_offset);
        assert!(batch_read.iter().all(|m| m.msg_id == batch_read[0].msg_id));
        assert!(!batch_ids.contains(&batch_read[0].msg_id));
        assert_eq!(batch_read[0].body, b"batch one");
        assert_eq!(batch_read[0].tags.as_deref(), Some("B"));
        assert_eq!(batch_read[1].keys.as_deref(), Some("k2"));
        assert_eq!(batch_read[2].body.len(), 5000);
        assert_eq!(batch_read[2].sys_flag & 0x301, 0, "batches are never compressed");
        assert!(batch_read[2].store_size > 5000);
        let big_read = by_id(&compressed.msg_id);
        assert_eq!(big_read.body, big.as_bytes());
        // the Java client clears the COMPRESSED bit once it decompressed; the ZLIB type bits stay
        assert_eq!(big_read.sys_flag & 0x300, 0x300, "stored zlib-compressed");
        assert!((big_read.store_size as usize) < big.len() / 4);
    })
    .await;
}

async fn transaction_producer(
    namesrv: &str,
    group: &str,
    on_check: LocalTransactionState,
) -> (TransactionProducer, RecordingListener) {
    let listener = RecordingListener::new(on_check);
    let mut config = TransactionProducerConfig::from(producer_config(namesrv.to_owned(), group));
    config.producer.client.heartbeat_interval = Duration::from_millis(500);
    let producer = TransactionProducer::start(config, listener.clone())
        .await
        .unwrap();
    (producer, listener)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apache_commits_rolls_back_and_checks_back_fulmen_transactions() {
    let namesrv = cluster().namesrv_addr.clone();
    bounded(async {
        let topic = "FulmenApacheTx";
        let (producer, listener) =
            transaction_producer(&namesrv, "FulmenApacheTxPG", LocalTransactionState::CommitMessage).await;
        let commit = producer
            .send_in_transaction(
                Message::new(topic, "commit"),
                LocalTransactionState::CommitMessage,
            )
            .await
            .unwrap();
        assert_eq!(commit.send_result.status, SendStatus::SendOk);
        assert!(commit.send_result.transaction_id.is_some());
        producer
            .send_in_transaction(
                Message::new(topic, "rollback"),
                LocalTransactionState::RollbackMessage,
            )
            .await
            .unwrap();
        let unknown = producer
            .send_in_transaction(Message::new(topic, "unknown"), LocalTransactionState::Unknown)
            .await
            .unwrap();

        let bodies = wait_for_bodies(namesrv.clone(), topic, 2).await;
        assert_eq!(bodies, ["commit", "unknown"]);
        let checked_ids: Vec<String> = listener.checked().iter().map(|m| m.msg_id.clone()).collect();
        assert!(
            checked_ids.contains(&unknown.send_result.msg_id),
            "{checked_ids:?}"
        );
        assert!(!checked_ids.contains(&commit.send_result.msg_id));
        // settled once: later check rounds change nothing
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(
            sorted_bodies(&read_topic(namesrv.clone(), topic).await),
            ["commit", "unknown"]
        );
        producer.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_answered_to_apaches_check_never_delivers() {
    let namesrv = cluster().namesrv_addr.clone();
    bounded(async {
        let topic = "FulmenApacheTxRollback";
        let (producer, listener) = transaction_producer(
            &namesrv,
            "FulmenApacheTxRbPG",
            LocalTransactionState::RollbackMessage,
        )
        .await;
        producer
            .producer()
            .send(Message::new(topic, "plain"))
            .await
            .unwrap();
        producer
            .send_in_transaction(Message::new(topic, "never"), LocalTransactionState::Unknown)
            .await
            .unwrap();
        listener.wait_for_a_check().await;
        assert!(!listener.checked().is_empty(), "Apache checked back");
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(
            sorted_bodies(&read_topic(namesrv.clone(), topic).await),
            ["plain"]
        );
        producer.shutdown().await;
    })
    .await;
}
