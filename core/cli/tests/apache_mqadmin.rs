//! `fulmen`'s mqadmin-like subcommands side by side with Apache's own `mqadmin` (rocketmq-tools 5.3.3,
//! `org.apache.rocketmq.tools.command.MQAdminStartup`, run from interop/apache's classpath) against the same
//! Apache 5.3.3 name server and broker (feature `apache`): the same text for topicList (and -c), topicRoute (JSON
//! and -l), topicStatus (but the put TPS), queryMsgById, queryMsgByKey, consumerProgress (with and without -g),
//! resetOffsetByTime, updateTopic and deleteTopic, and the same header lines for clusterList (and -m) and
//! sendMessage, whose values move between the two runs. Run with
//! `cargo test -p fulmen-cli --features apache --test apache_mqadmin` (needs Java and Maven).
#![allow(clippy::unwrap_used)] // tests may unwrap

#[path = "../../client/tests/apache/cluster.rs"]
mod apache_cluster;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use apache_cluster::ApacheCluster;
use fulmen_client::{
    Admin, AdminConfig, Message, MessageQueue, Producer, ProducerConfig, PullConsumer, PullConsumerConfig,
    TopicSettings, TopicTarget,
};

/// Each Java run starts a JVM (several seconds); the whole comparison stays well within this.
const TEST_BOUND: Duration = Duration::from_secs(400);
const TOPIC: &str = "MqadminCompareTopic";
const GROUP: &str = "MqadminCompareGroup";

/// `mqadmin <args> -n <namesrv>` with Apache's classes; its stdout.
async fn java_mqadmin(args: &[&str]) -> String {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../interop/apache/run-apache-java.sh");
    run(
        Command::new(script).arg("org.apache.rocketmq.tools.command.MQAdminStartup"),
        args,
    )
    .await
}

/// `fulmen <args> -n <namesrv>`; its stdout.
async fn fulmen(args: &[&str]) -> String {
    run(&mut Command::new(env!("CARGO_BIN_EXE_fulmen")), args).await
}

async fn run(command: &mut Command, args: &[&str]) -> String {
    let namesrv = ApacheCluster::shared().namesrv_addr.clone();
    command
        .args(args)
        .args(["-n", &namesrv])
        .env("FULMEN_LOG", "warn");
    let mut command = std::mem::replace(command, Command::new("true"));
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{args:?}: exit {:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Both tools' output of `args`, asserted equal.
async fn same_output(args: &[&str]) -> String {
    let java = java_mqadmin(args).await;
    let ours = fulmen(args).await;
    assert_eq!(ours, java, "{args:?}: fulmen (left) and mqadmin (right) differ");
    ours
}

/// Both tools' first line of `args`, asserted equal.
async fn same_header(args: &[&str]) {
    let java = java_mqadmin(args).await;
    let ours = fulmen(args).await;
    assert_eq!(
        ours.lines().next(),
        java.lines().next(),
        "{args:?}\nfulmen:\n{ours}\nmqadmin:\n{java}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fulmen_prints_what_mqadmin_prints() {
    let apache = ApacheCluster::shared(); // outside the bound: the first start may build the project
    tokio::time::timeout(TEST_BOUND, async {
        // A topic with messages and a group with a committed offset, made with the Rust client.
        let admin = Admin::start(AdminConfig::new(apache.namesrv_addr.clone()))
            .await
            .unwrap();
        let mut settings = TopicSettings::new(TOPIC);
        settings.read_queue_nums = 4;
        settings.write_queue_nums = 4;
        admin
            .create_topic(&TopicTarget::Broker(apache.broker_addr.clone()), &settings)
            .await
            .unwrap();
        while admin.topic_route(TOPIC).await.is_err() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let producer = Producer::start(ProducerConfig::new(
            apache.namesrv_addr.clone(),
            "MqadminComparePG",
        ))
        .await
        .unwrap();
        let q2 = MessageQueue::new(TOPIC, apache.broker_name.clone(), 2);
        let mut sent = Vec::new();
        for body in ["a", "b", "c"] {
            let message = Message::new(TOPIC, body)
                .with_keys(["compare-key"])
                .with_tags("TagA");
            sent.push(producer.send_to_queue(message, q2.clone()).await.unwrap());
        }
        producer.shutdown().await;
        let mut config = PullConsumerConfig::new(apache.namesrv_addr.clone(), GROUP);
        config.client.heartbeat_interval = Duration::from_millis(200);
        let consumer = PullConsumer::start(config).await.unwrap();
        while consumer.update_offset(&q2, 1).await.is_err() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The key index is built asynchronously.
        while admin
            .query_messages_by_key(TOPIC, "compare-key", 64, 0, i64::MAX)
            .await
            .unwrap()
            .len()
            < 3
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        while admin.consume_stats(GROUP, Some(TOPIC)).await.is_err() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        let list = same_output(&["topicList"]).await;
        assert!(list.lines().any(|line| line == TOPIC), "{list}");
        same_output(&["topicRoute", "-t", TOPIC]).await;
        same_output(&["topicRoute", "-t", TOPIC, "-l"]).await;
        // Java's examineTopicStats drops the brokers' put TPS and always prints 0.0; Fulmen sums them (on purpose).
        let java = java_mqadmin(&["topicStatus", "-t", TOPIC]).await;
        let ours = fulmen(&["topicStatus", "-t", TOPIC]).await;
        let (java_rows, java_tps) = java.trim_end().rsplit_once('\n').unwrap();
        let (our_rows, our_tps) = ours.trim_end().rsplit_once('\n').unwrap();
        assert_eq!(our_rows, java_rows);
        assert_eq!(java_tps, "Topic Put TPS: 0.0");
        assert!(our_tps.starts_with("Topic Put TPS: "), "{ours}");
        let by_key = same_output(&["queryMsgByKey", "-t", TOPIC, "-k", "compare-key"]).await;
        assert_eq!(by_key.lines().count(), 4, "{by_key}");
        // Every field, the body file and the consumer-track section (the online pull group).
        let by_id = same_output(&["queryMsgById", "-t", TOPIC, "-i", &sent[1].msg_id]).await;
        assert!(
            by_id.contains(&format!("consumerGroup={GROUP}, trackType=PULL")),
            "{by_id}"
        );
        same_output(&["queryMsgById", "-t", TOPIC, "-i", &sent[2].offset_msg_id]).await;
        let progress = same_output(&["consumerProgress", "-g", GROUP, "-t", TOPIC]).await;
        assert!(progress.contains("Consume Diff Total: 2"), "{progress}");
        let reset = same_output(&["resetOffsetByTime", "-g", GROUP, "-t", TOPIC, "-s", "0"]).await;
        assert_eq!(reset.lines().count(), 2 + 4, "{reset}");
        let addr = apache.broker_addr.as_str();
        let update = same_output(&[
            "updateTopic",
            "-b",
            addr,
            "-t",
            "MqadminCompareOther",
            "-r",
            "2",
            "-p",
            "4",
        ])
        .await;
        assert!(update.contains("perm=R--"), "{update}");
        same_output(&["consumerProgress"]).await;
        same_header(&["clusterList"]).await;
        same_header(&["clusterList", "-m"]).await;
        same_output(&["topicList", "-c"]).await;

        // Last, as they change the cluster: one message each, and the second tool deletes a deleted topic.
        same_header(&["sendMessage", "-t", TOPIC, "-p", "hello", "-k", "k", "-c", "TagB"]).await;
        let cluster = "ApacheCluster";
        same_output(&["deleteTopic", "-c", cluster, "-t", "MqadminCompareOther"]).await;

        consumer.shutdown().await;
        admin.shutdown().await;
    })
    .await
    .expect("the comparison did not finish within its time bound");
}
