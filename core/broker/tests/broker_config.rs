//! GET_BROKER_CONFIG (26) answers Java properties text with the `version` header field, and UPDATE_BROKER_CONFIG
//! (25) refuses black-listed keys, applies the live ones and ignores the rest, as Java 5.3.3's
//! `AdminBrokerProcessor` answers.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;

use common::*;
use fulmen_protocol::body::{DataVersion, JsonBody};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode, properties};

async fn broker_config(cluster: &Cluster) -> (Vec<(String, String)>, DataVersion) {
    let response = cluster
        .invoke(RemotingCommand::request(RequestCode::GET_BROKER_CONFIG))
        .await;
    assert_eq!(response.response_code(), ResponseCode::SUCCESS);
    assert_eq!(response.remark, None);
    let text = std::str::from_utf8(&response.body).unwrap();
    let version = DataVersion::decode(response.ext_field("version").unwrap().as_bytes()).unwrap();
    (properties::parse(text), version)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_config_reads_like_javas() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        let (entries, version) = broker_config(&cluster).await;
        let keys: Vec<&str> = entries.iter().map(|(key, _)| key.as_str()).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(keys, sorted, "Java sorts the keys");
        let config: HashMap<&str, &str> = entries
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        let port = cluster.addr.rsplit(':').next().unwrap();
        let root = dir.path().display().to_string();
        let namesrv = cluster.namesrv.local_addr().to_string();
        for (key, value) in [
            ("brokerClusterName", "DefaultCluster"),
            ("brokerName", "broker-a"),
            ("brokerId", "0"),
            ("brokerIP1", "127.0.0.1"),
            ("listenPort", port),
            ("namesrvAddr", namesrv.as_str()),
            ("storePathRootDir", root.as_str()),
            ("flushDiskType", "ASYNC_FLUSH"),
            ("autoCreateTopicEnable", "true"),
            ("autoCreateSubscriptionGroup", "true"),
            ("defaultTopicQueueNums", "8"),
            ("mappedFileSizeCommitLog", "1048576"),
            ("mappedFileSizeConsumeQueue", "20000"),
            ("maxMessageSize", "65536"),
            ("brokerRole", "ASYNC_MASTER"),
            ("traceOn", "true"),
            ("regionId", "DefaultRegion"),
        ] {
            assert_eq!(config.get(key).copied(), Some(value), "{key}");
        }
        assert_eq!(version.counter, 0);
        assert!(version.timestamp > 0);
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_config_updates_refuse_black_listed_keys_and_apply_live_ones() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        let response = cluster
            .invoke(update_broker_config(&[
                ("traceOn", "false"),
                ("brokerConfigPath", "/etc/x"),
            ]))
            .await;
        assert_answer(
            &response,
            ResponseCode::NO_PERMISSION,
            "Can not update config in black list.",
        );
        let (entries, version) = broker_config(&cluster).await;
        assert!(
            entries.contains(&("traceOn".into(), "true".into())),
            "nothing applied"
        );
        assert_eq!(version.counter, 0);

        let response = cluster
            .invoke(update_broker_config(&[
                ("autoCreateTopicEnable", "false"),
                ("regionId", "Region2"),
                ("traceOn", "false"),
                ("noSuchKey", "1"),
            ]))
            .await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        assert_eq!(response.remark, None);
        let (entries, version) = broker_config(&cluster).await;
        for (key, value) in [
            ("autoCreateTopicEnable", "false"),
            ("regionId", "Region2"),
            ("traceOn", "false"),
        ] {
            assert!(entries.contains(&(key.into(), value.into())), "{key}");
        }
        assert!(!entries.iter().any(|(key, _)| key == "noSuchKey"));
        assert_eq!(version.counter, 1);

        // The settings are live: no auto-creation of topics, and sends report the new region.
        let response = cluster.invoke(send_v2("Fresh", -1, "A", b"x")).await;
        assert_eq!(response.response_code(), ResponseCode::TOPIC_NOT_EXIST);
        assert_eq!(response.ext_field("MSG_REGION"), Some("Region2"));
        assert_eq!(response.ext_field("TRACE_ON"), Some("false"));
        cluster.stop().await;
    })
    .await;
}
