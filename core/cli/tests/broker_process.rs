//! `fulmen broker` as a process configured by an Apache broker.conf: it registers with the name server given by
//! `-n`, stores under the file's storePathRootDir, stops cleanly on SIGTERM (no abort marker left) and serves the
//! same messages after a restart from that store.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

mod common;

use common::{first_stdout_line, stop_with_sigterm};
use fulmen_client::{Message, Producer, ProducerConfig, PullConsumer, PullConsumerConfig, PullStatus};
use fulmen_namesrv::{NameServer, NamesrvConfig};

/// Starts `fulmen broker` and returns it with the broker address from its boot line.
fn start_broker(conf: &Path, namesrv: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fulmen"))
        .args(["broker", "-c", conf.to_str().unwrap(), "-n", namesrv])
        .env_remove("NAMESRV_ADDR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let boot_line = first_stdout_line(&mut child);
    let expected_suffix = format!("] boot success. serializeType=JSON and name server is {namesrv}");
    let addr = boot_line
        .trim()
        .strip_prefix("The broker[broker-conf, ")
        .and_then(|rest| rest.strip_suffix(&expected_suffix))
        .unwrap_or_else(|| panic!("unexpected boot line {boot_line:?}"))
        .to_owned();
    (child, addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_conf_is_honoured_and_a_clean_restart_serves_the_same_messages() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let conf = dir.path().join("broker.conf");
    std::fs::write(
        &conf,
        format!(
            "# an Apache broker.conf\nbrokerClusterName = DefaultCluster\nbrokerName = broker-conf\nbrokerId = 0\n\
             deleteWhen = 04\nfileReservedTime = 48\nbrokerRole = ASYNC_MASTER\nflushDiskType = SYNC_FLUSH\n\
             listenPort = 0\nstorePathRootDir = {}\nmappedFileSizeCommitLog = 65536\n",
            store.display()
        ),
    )
    .unwrap();
    let namesrv = NameServer::start(NamesrvConfig::default()).await.unwrap();
    let namesrv_addr = namesrv.local_addr().to_string();

    let (broker, _) = start_broker(&conf, &namesrv_addr);
    let producer = Producer::start(ProducerConfig::new(namesrv_addr.clone(), "PG"))
        .await
        .unwrap();
    let mut queues = Vec::new();
    for i in 0..200 {
        let result = producer
            .send(Message::new("ConfTopic", format!("m{i:03}-{}", "x".repeat(500))))
            .await
            .unwrap();
        assert_eq!(result.queue.broker_name, "broker-conf");
        queues.push(result.queue);
    }
    producer.shutdown().await;
    let commit_logs = std::fs::read_dir(store.join("commitlog")).unwrap().count();
    assert!(
        commit_logs >= 2,
        "64 KiB commitlog files roll over ({commit_logs} files)"
    );
    assert!(store.join("abort").exists(), "a running store is marked");
    stop_with_sigterm(broker);
    assert!(
        !store.join("abort").exists(),
        "a clean stop removes the abort marker"
    );

    let (broker, _) = start_broker(&conf, &namesrv_addr);
    let consumer = PullConsumer::start(PullConsumerConfig::new(namesrv_addr, "CG"))
        .await
        .unwrap();
    let mut bodies = Vec::new();
    queues.sort_by_key(|queue| queue.queue_id);
    queues.dedup();
    for queue in &queues {
        let mut offset = 0;
        loop {
            let result = consumer
                .pull(queue, "*", offset, 32, Duration::from_secs(3))
                .await
                .unwrap();
            if result.status != PullStatus::Found {
                break;
            }
            bodies.extend(
                result
                    .messages
                    .iter()
                    .map(|m| String::from_utf8_lossy(&m.body[..4]).into_owned()),
            );
            offset = result.next_begin_offset;
        }
    }
    bodies.sort();
    let expected: Vec<String> = (0..200).map(|i| format!("m{i:03}")).collect();
    assert_eq!(bodies, expected);
    consumer.shutdown().await;
    stop_with_sigterm(broker);
    namesrv.shutdown().await;
}
