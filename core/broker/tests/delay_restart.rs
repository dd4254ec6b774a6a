//! Delay levels and timer messages across broker restarts: after a clean restart (progress written at
//! shutdown) each due message arrives exactly once, including those that came due while the broker was down;
//! after a kill the progress since the last periodic write is lost and those messages are delivered again (at
//! least once), as Java's `delayOffset.json` behaves.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use fulmen_broker::{Broker, BrokerConfig};
use fulmen_protocol::header::PullSysFlag;
use fulmen_protocol::message::decode_all;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

/// Delay levels of 1 s and 2 s; progress written only at shutdown (the periodic writes are an hour apart), so
/// a kill loses it.
fn adjust(config: &mut BrokerConfig) {
    config.message_delay_level = "1s 2s".into();
    config.flush_delay_offset_interval = Duration::from_secs(3600);
    config.timer_flush_interval = Duration::from_secs(3600);
}

fn send(topic: &str, body: &str, key: &str, value: &str) -> RemotingCommand {
    let mut properties = tagged("T");
    properties.insert(key, value);
    RemotingCommand::request(RequestCode::SEND_MESSAGE)
        .with_header(&send_header(topic, 0, &properties))
        .with_body(body.as_bytes().to_vec())
}

async fn send_ok(cluster: &Cluster, request: RemotingCommand) {
    let response = cluster.invoke(request).await;
    assert_eq!(
        response.response_code(),
        ResponseCode::SUCCESS,
        "{:?}",
        response.remark
    );
}

async fn bodies(cluster: &Cluster, topic: &str) -> Vec<String> {
    let response = cluster
        .invoke(pull_request(&pull("G", topic, 0, 0, PullSysFlag::SUBSCRIPTION)))
        .await;
    if response.response_code() != ResponseCode::SUCCESS {
        return Vec::new();
    }
    let mut bodies: Vec<String> = decode_all(&response.body)
        .unwrap()
        .iter()
        .map(|message| String::from_utf8_lossy(&message.body).into_owned())
        .collect();
    bodies.sort();
    bodies
}

/// Waits (bounded) until `topic` queue 0 holds `count` messages; returns its bodies, sorted.
async fn wait_for_count(cluster: &Cluster, topic: &str, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(8);
    loop {
        let found = bodies(cluster, topic).await;
        if found.len() >= count || Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Starts a new broker on the same store once the stopped one let go of it (its lock is released when its
/// last handle and task are gone).
async fn restart(cluster: Cluster, root: &std::path::Path) -> Cluster {
    let Cluster {
        namesrv,
        broker,
        client,
        ..
    } = cluster;
    drop(broker);
    let mut config = broker_config(root, &namesrv);
    adjust(&mut config);
    let deadline = Instant::now() + Duration::from_secs(5);
    let broker = loop {
        match Broker::start(config.clone()).await {
            Ok(broker) => break broker,
            Err(error) if Instant::now() < deadline => {
                assert!(error.to_string().contains("lock"), "{error}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(error) => panic!("the broker did not restart: {error}"),
        }
    };
    Cluster {
        addr: broker.advertised_addr().to_string(),
        namesrv,
        broker,
        client,
    }
}

/// Sends `body` once with delay level `level` to `Delayed{suffix}` and once with `TIMER_DELAY_MS` to
/// `Timed{suffix}`.
async fn send_both(cluster: &Cluster, suffix: &str, body: &str, level: &str, timer_ms: &str) {
    send_ok(cluster, send(&format!("Delayed{suffix}"), body, "DELAY", level)).await;
    send_ok(
        cluster,
        send(&format!("Timed{suffix}"), body, "TIMER_DELAY_MS", timer_ms),
    )
    .await;
}

/// Waits (bounded) until both topics hold `expected`, then checks that nothing more arrives for 1.5 s.
async fn assert_both_settle(cluster: &Cluster, suffix: &str, expected: &[&str]) {
    for topic in [format!("Delayed{suffix}"), format!("Timed{suffix}")] {
        assert_eq!(
            wait_for_count(cluster, &topic, expected.len()).await,
            expected,
            "{topic}"
        );
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for topic in [format!("Delayed{suffix}"), format!("Timed{suffix}")] {
        assert_eq!(bodies(cluster, &topic).await, expected, "{topic}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_restart_delivers_each_due_message_exactly_once() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), adjust).await;
        send_both(&cluster, "R", "early", "1", "500").await;
        assert_both_settle(&cluster, "R", &["early"]).await;

        // These come due while the broker is down.
        send_both(&cluster, "R", "late", "2", "1500").await;
        cluster.broker.shutdown().await;
        tokio::time::sleep(Duration::from_millis(2000)).await;
        let cluster = restart(cluster, dir.path()).await;

        // Each arrives once; "early" does not come again.
        assert_both_settle(&cluster, "R", &["early", "late"]).await;
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_kill_due_messages_are_delivered_at_least_once() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), adjust).await;
        send_both(&cluster, "K", "m", "1", "500").await;
        for topic in ["DelayedK", "TimedK"] {
            assert_eq!(wait_for_count(&cluster, topic, 1).await, ["m"], "{topic}");
        }
        // Sent before the kill, due after the restart: it must not be lost.
        send_both(&cluster, "K", "n", "2", "1500").await;

        cluster.broker.kill().await;
        let cluster = restart(cluster, dir.path()).await;

        // The progress was never written, so "m" comes again (at least once, as in Java); "n" comes once.
        assert_both_settle(&cluster, "K", &["m", "m", "n"]).await;
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timer_message_due_sooner_goes_first_and_is_not_repeated_after_a_restart() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), adjust).await;
        send_ok(&cluster, send("TimedO", "far", "TIMER_DELAY_MS", "3500")).await;
        send_ok(&cluster, send("TimedO", "near", "TIMER_DELAY_MS", "500")).await;
        assert_eq!(wait_for_count(&cluster, "TimedO", 1).await, ["near"]);

        // "near" is done above the checkpoint (offset 1, while "far" at offset 0 waits): a restart keeps that.
        cluster.broker.shutdown().await;
        let progress = std::fs::read_to_string(dir.path().join("config/timerProgress.json")).unwrap();
        assert_eq!(progress, r#"{"checkpointOffset":0,"doneRanges":[[1,2]]}"#);
        let cluster = restart(cluster, dir.path()).await;
        assert_eq!(wait_for_count(&cluster, "TimedO", 2).await, ["far", "near"]);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(bodies(&cluster, "TimedO").await, ["far", "near"]);
        cluster.stop().await;
    })
    .await;
}
