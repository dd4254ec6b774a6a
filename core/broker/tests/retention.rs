//! Retention seen through the broker: DELETE_EXPIRED_COMMITLOG makes the clean thread delete old commitlog
//! files, GET_MIN_OFFSET and pulls follow the new minimum (PULL_OFFSET_MOVED with nextBeginOffset = min), every
//! row of the pull status table answers like Java's `PullMessageProcessor`, and a full disk refuses sends with
//! Java's SERVICE_NOT_AVAILABLE remark; the retention settings show in GET_BROKER_CONFIG and UPDATE_BROKER_CONFIG
//! changes them live.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use fulmen_protocol::body::{JsonBody, KvTable};
use fulmen_protocol::header::{
    GetMinOffsetRequestHeader, GetMinOffsetResponseHeader, PullMessageResponseHeader, PullSysFlag,
};
use fulmen_protocol::message::decode_all;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_store::SimulatedDiskUsage;

const TOPIC: &str = "RetentionT";

async fn min_offset(cluster: &Cluster, queue_id: i32) -> i64 {
    let response = cluster
        .invoke(RemotingCommand::request(RequestCode::GET_MIN_OFFSET).with_header(
            &GetMinOffsetRequestHeader {
                topic: TOPIC.into(),
                queue_id,
                broker_name: None,
            },
        ))
        .await;
    response
        .decode_header::<GetMinOffsetResponseHeader>()
        .unwrap()
        .offset
}

/// Pulls `offset` of queue 0 with `subscription` and returns the code, remark and offsets header.
async fn pull_at(
    cluster: &Cluster,
    queue_id: i32,
    offset: i64,
    subscription: &str,
) -> (ResponseCode, String, PullMessageResponseHeader, RemotingCommand) {
    let mut header = pull("G", TOPIC, queue_id, offset, PullSysFlag::SUBSCRIPTION);
    header.subscription = Some(subscription.into());
    let response = cluster.invoke(pull_request(&header)).await;
    let offsets: PullMessageResponseHeader = response.decode_header().unwrap();
    (
        response.response_code(),
        response.remark.clone().unwrap_or_default(),
        offsets,
        response,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_files_move_the_min_offset_and_pulls_below_it_are_offset_moved() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let disk = Arc::new(SimulatedDiskUsage::new(0.1));
        let cluster_disk = disk.clone();
        let cluster = Cluster::start_with(dir.path(), move |config| {
            config.apply_properties([
                ("fileReservedTimeMillis", "0"),
                ("deleteWhen", ""),
                ("cleanResourceInitialDelay", "100"),
                ("cleanResourceInterval", "100"),
                ("deleteCommitLogFilesInterval", "0"),
                ("deleteConsumeQueueFilesInterval", "0"),
            ])
            .unwrap();
            config.store.consume_queue_entries_per_file = 20;
            config.store.retention.disk_usage = cluster_disk;
        })
        .await;
        cluster.invoke(create_topic(TOPIC, 2, 2)).await;
        let body = vec![b'x'; 10 * 1024];
        for _ in 0..330 {
            let sent = cluster.invoke(send_v2(TOPIC, 0, "A", &body)).await;
            assert_eq!(sent.response_code(), ResponseCode::SUCCESS, "{:?}", sent.remark);
        }

        // Rows before any deletion.
        let (code, remark, offsets, response) = pull_at(&cluster, 0, 0, "*").await;
        assert_eq!((code, remark.as_str()), (ResponseCode::SUCCESS, "FOUND"));
        assert_eq!((offsets.min_offset, offsets.max_offset), (0, 330));
        assert_eq!(decode_all(&response.body).unwrap().len(), offsets.next_begin_offset as usize);
        let (code, remark, offsets, _) = pull_at(&cluster, 0, 330, "*").await;
        assert_eq!((code, remark.as_str()), (ResponseCode::PULL_NOT_FOUND, "OFFSET_OVERFLOW_ONE"));
        assert_eq!(offsets.next_begin_offset, 330);
        let (code, remark, offsets, _) = pull_at(&cluster, 0, 400, "*").await;
        assert_eq!((code, remark.as_str()), (ResponseCode::PULL_OFFSET_MOVED, "OFFSET_OVERFLOW_BADLY"));
        assert_eq!((offsets.next_begin_offset, offsets.max_offset), (330, 330));
        let (code, remark, offsets, _) = pull_at(&cluster, 0, 5, "B").await;
        assert_eq!((code, remark.as_str()), (ResponseCode::PULL_RETRY_IMMEDIATELY, "NO_MATCHED_MESSAGE"));
        assert!(offsets.next_begin_offset > 5);
        let (code, remark, offsets, _) = pull_at(&cluster, 1, 7, "*").await;
        assert_eq!((code, remark.as_str()), (ResponseCode::PULL_OFFSET_MOVED, "NO_MESSAGE_IN_QUEUE"));
        assert_eq!(offsets.next_begin_offset, 0);
        let (code, remark, _, _) = pull_at(&cluster, 1, 0, "*").await;
        assert_eq!((code, remark.as_str()), (ResponseCode::PULL_NOT_FOUND, "NO_MESSAGE_IN_QUEUE"));

        // Nothing is deleted until asked (not a deleteWhen hour, the disk is roomy).
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(min_offset(&cluster, 0).await, 0);
        let asked = cluster
            .invoke(RemotingCommand::request(RequestCode::DELETE_EXPIRED_COMMITLOG))
            .await;
        assert_eq!((asked.response_code(), asked.remark.as_deref()), (ResponseCode::SUCCESS, None));
        let deadline = Instant::now() + Duration::from_secs(10);
        let min = loop {
            let min = min_offset(&cluster, 0).await;
            if min > 0 {
                break min;
            }
            assert!(Instant::now() < deadline, "the min offset never moved");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(min >= 200, "three of four 1 MiB files hold 300 messages: {min}");

        for below in [0, min - 1] {
            let (code, remark, offsets, _) = pull_at(&cluster, 0, below, "*").await;
            assert_eq!((code, remark.as_str()), (ResponseCode::PULL_OFFSET_MOVED, "OFFSET_TOO_SMALL"));
            assert_eq!(
                (offsets.next_begin_offset, offsets.min_offset, offsets.max_offset),
                (min, min, 330)
            );
        }
        let runtime = cluster
            .invoke(RemotingCommand::request(RequestCode::GET_BROKER_RUNTIME_INFO))
            .await;
        let runtime = KvTable::decode(&runtime.body).unwrap().table;
        assert_eq!(runtime["commitLogMinOffset"], (3 << 20).to_string());
        assert_eq!(runtime["commitLogDiskRatio"], "0.1");
        assert_eq!(runtime["consumeQueueDiskRatio"], "0.1");
        let (code, _, offsets, response) = pull_at(&cluster, 0, min, "*").await;
        assert_eq!(code, ResponseCode::SUCCESS);
        let first = decode_all(&response.body).unwrap();
        assert_eq!(first[0].queue_offset, min);
        assert_eq!(offsets.min_offset, min);

        // A full disk refuses sends like Java, and accepts them again once it drains.
        disk.set(0.95);
        let deadline = Instant::now() + Duration::from_secs(10);
        let refused = loop {
            let sent = cluster.invoke(send_v2(TOPIC, 0, "A", b"late")).await;
            if sent.response_code() != ResponseCode::SUCCESS {
                break sent;
            }
            assert!(Instant::now() < deadline, "the disk was never found full");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(refused.response_code(), ResponseCode::SERVICE_NOT_AVAILABLE);
        assert_eq!(
            refused.remark.as_deref(),
            Some(
                "service not available now. It may be caused by one of the following reasons: the broker's disk is \
                 full [CL:  0.95 CQ:  0.95 INDEX:  0.95], messages are put to the slave, message store has been \
                 shut down, etc."
            )
        );
        disk.set(0.5);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let sent = cluster.invoke(send_v2(TOPIC, 0, "A", b"later")).await;
            if sent.response_code() == ResponseCode::SUCCESS {
                break;
            }
            assert!(Instant::now() < deadline, "the disk never counted as drained");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        cluster.stop().await;
    })
    .await;
}

/// The broker's configuration as (key, value) pairs.
async fn broker_config(cluster: &Cluster) -> std::collections::HashMap<String, String> {
    let response = cluster
        .invoke(RemotingCommand::request(RequestCode::GET_BROKER_CONFIG))
        .await;
    fulmen_protocol::properties::parse(std::str::from_utf8(&response.body).unwrap())
        .into_iter()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_settings_show_in_the_config_and_update_live() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), |config| {
            config
                .apply_properties([
                    ("cleanResourceInitialDelay", "100"),
                    ("cleanResourceInterval", "100"),
                    // The machine's disk may be over a ratio; this test is about the hour and the age.
                    ("simulatedDiskUsedRatio", "0.1"),
                ])
                .unwrap();
        })
        .await;
        let config = broker_config(&cluster).await;
        for (key, value) in [
            ("fileReservedTime", "72"),
            ("deleteWhen", "04"),
            ("diskMaxUsedSpaceRatio", "75"),
            ("diskSpaceWarningLevelRatio", "90"),
            ("diskSpaceCleanForciblyRatio", "85"),
            ("cleanFileForciblyEnable", "true"),
            ("cleanResourceInterval", "100"),
            ("deleteFileBatchMax", "10"),
        ] {
            assert_eq!(config.get(key).map(String::as_str), Some(value), "{key}");
        }
        assert!(
            !config.contains_key("fileReservedTimeMillis"),
            "Fulmen's own keys are not Java's"
        );

        cluster.invoke(create_topic(TOPIC, 1, 1)).await;
        let body = vec![b'y'; 10 * 1024];
        for _ in 0..150 {
            let sent = cluster.invoke(send_v2(TOPIC, 0, "A", &body)).await;
            assert_eq!(sent.response_code(), ResponseCode::SUCCESS, "{:?}", sent.remark);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(min_offset(&cluster, 0).await, 0, "72 h not over");

        let every_hour = (0..24).map(|hour| hour.to_string()).collect::<Vec<_>>().join(";");
        let updated = cluster
            .invoke(update_broker_config(&[
                ("fileReservedTime", "0"),
                ("deleteWhen", every_hour.as_str()),
                ("deleteFileBatchMax", "not a number"),
            ]))
            .await;
        assert_eq!(updated.response_code(), ResponseCode::SUCCESS);
        let config = broker_config(&cluster).await;
        assert_eq!(config["fileReservedTime"], "0");
        assert_eq!(config["deleteWhen"], every_hour);
        assert_eq!(
            config["deleteFileBatchMax"], "10",
            "a bad value leaves the setting"
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while min_offset(&cluster, 0).await == 0 {
            assert!(Instant::now() < deadline, "the live settings were not used");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        cluster.stop().await;
    })
    .await;
}
