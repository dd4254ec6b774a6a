//! LOCK_BATCH_MQ (41) / UNLOCK_BATCH_MQ (42) over the wire: grants, refusals, renewal, expiry after the
//! configured live time, unlock by holder only, and `onlyThisBroker` both ways (a single master answers locally).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use fulmen_protocol::body::{
    JsonBody, LockBatchRequestBody, LockBatchResponseBody, MessageQueue, UnlockBatchRequestBody,
};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

const GROUP: &str = "GL";

fn queues(ids: &[i32]) -> Vec<MessageQueue> {
    ids.iter()
        .map(|id| MessageQueue::new("T", "broker-a", *id))
        .collect()
}

/// Locks `ids` for `client`; the queue ids granted, sorted.
async fn lock(cluster: &Cluster, client: &str, ids: &[i32], only_this_broker: bool) -> Vec<i32> {
    let body = LockBatchRequestBody {
        consumer_group: GROUP.into(),
        client_id: client.into(),
        only_this_broker,
        mq_set: queues(ids),
    };
    let request = RemotingCommand::request(RequestCode::LOCK_BATCH_MQ).with_body(body.encode().unwrap());
    let response = cluster.invoke(request).await;
    assert_eq!(response.response_code(), ResponseCode::SUCCESS);
    let granted = LockBatchResponseBody::decode(&response.body).unwrap();
    let mut ids: Vec<i32> = granted
        .lock_ok_mq_set
        .iter()
        .map(|mq| {
            assert_eq!((mq.topic.as_str(), mq.broker_name.as_str()), ("T", "broker-a"));
            mq.queue_id
        })
        .collect();
    ids.sort_unstable();
    ids
}

async fn unlock(cluster: &Cluster, client: &str, ids: &[i32], only_this_broker: bool) {
    let body = UnlockBatchRequestBody {
        consumer_group: GROUP.into(),
        client_id: client.into(),
        only_this_broker,
        mq_set: queues(ids),
    };
    let request = RemotingCommand::request(RequestCode::UNLOCK_BATCH_MQ).with_body(body.encode().unwrap());
    let response = cluster.invoke(request).await;
    assert_eq!(response.response_code(), ResponseCode::SUCCESS);
    assert!(response.body.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locks_are_granted_refused_and_released_by_the_holder_only() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        for only_this_broker in [false, true] {
            assert_eq!(lock(&cluster, "c1", &[0, 1], only_this_broker).await, [0, 1]);
            assert_eq!(lock(&cluster, "c2", &[1, 2, 3], !only_this_broker).await, [2, 3]);
            // Renewal by the holder keeps answering its queues.
            assert_eq!(lock(&cluster, "c1", &[0, 1, 2], only_this_broker).await, [0, 1]);
            // Unlock by a non-holder is ignored.
            unlock(&cluster, "c2", &[0, 1], only_this_broker).await;
            assert_eq!(
                lock(&cluster, "c2", &[0, 1], only_this_broker).await,
                Vec::<i32>::new()
            );
            // Unlock by the holder frees the queue for the other client.
            unlock(&cluster, "c1", &[0], !only_this_broker).await;
            assert_eq!(lock(&cluster, "c2", &[0, 1], only_this_broker).await, [0]);
            // Clean up for the next round.
            unlock(&cluster, "c1", &[0, 1, 2, 3], only_this_broker).await;
            unlock(&cluster, "c2", &[0, 1, 2, 3], only_this_broker).await;
        }
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locks_expire_after_the_live_time_unless_renewed() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let live = Duration::from_millis(1000);
        let cluster =
            Cluster::start_with(dir.path(), |config| config.rebalance_lock_max_live_time = live).await;
        assert_eq!(lock(&cluster, "c1", &[0, 1], false).await, [0, 1]);
        // Renew queue 0 only, half-way through.
        tokio::time::sleep(live / 2).await;
        assert_eq!(lock(&cluster, "c1", &[0], false).await, [0]);
        assert_eq!(lock(&cluster, "c2", &[0, 1], false).await, Vec::<i32>::new());
        // Past the first grant's live time queue 1 has expired and is taken over; queue 0 was renewed.
        tokio::time::sleep(live / 2 + Duration::from_millis(250)).await;
        assert_eq!(lock(&cluster, "c2", &[0, 1], false).await, [1]);
        // The old holder no longer gets queue 1 back.
        assert_eq!(lock(&cluster, "c1", &[0, 1], false).await, [0]);
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_lock_body_is_a_system_error() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        for code in [RequestCode::LOCK_BATCH_MQ, RequestCode::UNLOCK_BATCH_MQ] {
            let response = cluster
                .invoke(RemotingCommand::request(code).with_body(b"not json".to_vec()))
                .await;
            assert_eq!(response.response_code(), ResponseCode::SYSTEM_ERROR);
        }
        cluster.stop().await;
    })
    .await;
}
