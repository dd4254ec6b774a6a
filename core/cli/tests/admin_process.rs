//! The mqadmin-like subcommands of the built `fulmen` binary against an in-process two-broker `LocalCluster`:
//! the printed headers, rows and labels are mqadmin's, and the commands do what they say (topics created on every
//! master and deleted everywhere, messages sent, found by id and key, consumed, progress and reset).
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::process::Command;
use std::time::Duration;

use fulmen_client::{MessageQueue, PullConsumer, PullConsumerConfig};
use fulmen_testkit::LocalCluster;

const TEST_BOUND: Duration = Duration::from_secs(120);
const TOPIC: &str = "CliAdminTopic";
const GROUP: &str = "CliAdminGroup";

/// Runs `fulmen <args>` off the runtime's threads; fails unless it exits 0. Returns stdout.
async fn fulmen(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_fulmen"))
            .args(&args)
            .env("FULMEN_LOG", "warn")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "exit {:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// `fulmen <args>` expected to fail; returns stderr.
async fn fulmen_fails(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_fulmen"))
            .args(&args)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(!output.status.success());
    String::from_utf8(output.stderr).unwrap()
}

fn java_row(widths: &[(usize, &str)]) -> String {
    widths
        .iter()
        .map(|(width, text)| format!("{text:<width$}"))
        .collect::<Vec<_>>()
        .join("  ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mqadmin_subcommands_print_mqadmin_output() {
    tokio::time::timeout(TEST_BOUND, scenario())
        .await
        .expect("the test did not finish within its time bound");
}

async fn scenario() {
    let cluster = LocalCluster::builder()
        .brokers(2)
        .auto_create_topics(false)
        .start()
        .await
        .unwrap();
    let namesrv = cluster.namesrv_addr();
    let n = namesrv.as_str();
    let addrs: Vec<String> = cluster
        .brokers()
        .iter()
        .map(|(_, addr)| addr.to_string())
        .collect();

    // updateTopic -c: created on both masters, then Java's TopicConfig line.
    let out = fulmen(&[
        "updateTopic",
        "-n",
        n,
        "-c",
        "DefaultCluster",
        "-t",
        TOPIC,
        "-r",
        "4",
        "-w",
        "4",
    ])
    .await;
    for addr in &addrs {
        assert!(
            out.contains(&format!("create topic to {addr} success.\n")),
            "{out}"
        );
    }
    assert!(out.ends_with(&format!(
        "TopicConfig [topicName={TOPIC}, readQueueNums=4, writeQueueNums=4, perm=RW-, topicFilterType=SINGLE_TAG, \
         topicSysFlag=0, order=false, attributes={{}}]\n"
    )));
    // Visible through the name server after the brokers' registration.
    loop {
        let out = fulmen(&["topicRoute", "-n", n, "-t", TOPIC, "-l"]).await;
        if out
            .lines()
            .filter(|line| line.starts_with("DefaultCluster"))
            .count()
            == 2
        {
            let header = format!(
                "{:<45} {:<32} {:<50} {:<10} {:<11} {:<5}",
                "#ClusterName", "#BrokerName", "#BrokerAddrs", "#ReadQueue", "#WriteQueue", "#Perm"
            );
            assert_eq!(out.lines().next().unwrap(), header);
            assert!(out.contains(&"-".repeat(158)));
            let total = out.lines().last().unwrap();
            assert!(total.starts_with("Total:"), "{out}");
            assert_eq!(
                total.split_whitespace().collect::<Vec<_>>(),
                ["Total:", "2", "8", "8"]
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let json = fulmen(&["topicRoute", "-n", n, "-t", TOPIC]).await;
    assert!(json.starts_with("{\n\t\"brokerDatas\":[\n\t\t{\n"), "{json}");

    // topicList: one topic per line; -c: mqadmin's header.
    let out = fulmen(&["topicList", "-n", n]).await;
    assert!(out.lines().any(|line| line == TOPIC), "{out}");
    let out = fulmen(&["topicList", "-n", n, "-c"]).await;
    assert_eq!(
        out.lines().next().unwrap(),
        format!(
            "{:<20}  {:<48}  {:<48}",
            "#Cluster Name", "#Topic", "#Consumer Group"
        )
    );
    assert!(
        out.lines()
            .any(|line| line.starts_with("DefaultCluster") && line.contains(TOPIC)),
        "{out}"
    );

    // sendMessage: header and one SEND_OK row per message, to a chosen queue.
    let mut msg_ids = Vec::new();
    for (i, queue) in [0, 1, 1].iter().enumerate() {
        let body = format!("body-{i}");
        let queue = queue.to_string();
        let out = fulmen(&[
            "sendMessage",
            "-n",
            n,
            "-t",
            TOPIC,
            "-p",
            &body,
            "-k",
            "cli-key",
            "-c",
            "TagA",
            "-b",
            "broker-a",
            "-i",
            &queue,
        ])
        .await;
        let mut lines = out.lines();
        assert_eq!(
            lines.next().unwrap(),
            format!(
                "{:<32}  {:<4}  {:<20}    {}",
                "#Broker Name", "#QID", "#Send Result", "#MsgId"
            )
        );
        let row: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
        assert_eq!(&row[..3], ["broker-a", queue.as_str(), "SEND_OK"]);
        assert_eq!(row[3].len(), 32);
        msg_ids.push(row[3].to_owned());
    }

    // topicStatus: mqadmin's header, 8 queues sorted, offsets.
    let out = fulmen(&["topicStatus", "-n", n, "-t", TOPIC]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "{:<32}  {:<4}  {:<20}  {:<20}    {}",
            "#Broker Name", "#QID", "#Min Offset", "#Max Offset", "#Last Updated"
        )
    );
    assert_eq!(lines.len(), 1 + 8 + 2, "{out}");
    assert_eq!(
        lines[2].split_whitespace().take(4).collect::<Vec<_>>(),
        ["broker-a", "1", "0", "2"]
    );
    assert!(lines[5].starts_with("broker-b"));
    assert_eq!(lines[9], "");
    assert!(lines[10].starts_with("Topic Put TPS: "));

    // queryMsgById by client message id: labelled lines.
    let out = fulmen(&["queryMsgById", "-n", n, "-t", TOPIC, "-i", &msg_ids[2]]).await;
    assert!(out.contains(&format!("{:<20} {}\n", "Topic:", TOPIC)), "{out}");
    assert!(out.contains(&format!("{:<20} {}\n", "Tags:", "[TagA]")), "{out}");
    assert!(
        out.contains(&format!("{:<20} {}\n", "Keys:", "[cli-key]")),
        "{out}"
    );
    assert!(out.contains(&format!("{:<20} {}\n", "Queue ID:", "1")), "{out}");
    assert!(
        out.contains(&format!("{:<20} {}\n", "Queue Offset:", "1")),
        "{out}"
    );
    let offset_id = out
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{:<20} ", "OffsetID:")))
        .unwrap()
        .to_owned();
    let body_path = out
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{:<20} ", "Message Body Path:")))
        .unwrap();
    assert_eq!(std::fs::read_to_string(body_path).unwrap(), "body-2");
    // ... and by the offset message id.
    let out = fulmen(&["queryMsgById", "-n", n, "-t", TOPIC, "-i", &offset_id]).await;
    assert!(
        out.contains(&format!("{:<20} {}\n", "OffsetID:", offset_id)),
        "{out}"
    );
    let out = fulmen(&[
        "queryMsgById",
        "-n",
        n,
        "-t",
        TOPIC,
        "-i",
        "00112233445566778899AABBCCDDEEFF",
    ])
    .await;
    assert!(out.contains("Message not found!"), "{out}");

    // queryMsgByKey: header, one row per message with the key.
    let out = fulmen(&["queryMsgByKey", "-n", n, "-t", TOPIC, "-k", "cli-key"]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        format!("{:<50} {:>4} {:>40}", "#Message ID", "#QID", "#Offset")
    );
    assert_eq!(lines.len(), 4, "{out}");
    for id in &msg_ids {
        assert!(lines.iter().any(|line| line.starts_with(id.as_str())), "{out}");
    }

    // consumeMessage on one queue: a batch and one line per message, then the end of the queue.
    let out = fulmen(&[
        "consumeMessage",
        "-n",
        n,
        "-t",
        TOPIC,
        "-b",
        "broker-a",
        "-i",
        "1",
    ])
    .await;
    assert!(out.starts_with("Consume ok\n"), "{out}");
    let messages: Vec<&str> = out.lines().filter(|line| line.starts_with("MSGID: ")).collect();
    assert_eq!(messages.len(), 2, "{out}");
    assert!(messages[0].starts_with(&format!(
        "MSGID: {} MessageExt [brokerName=broker-a, queueId=1",
        msg_ids[1]
    )));
    assert!(messages[1].ends_with(" BODY: body-2"), "{out}");
    // Over the topic: every queue (in Java's HashSet order) to its end.
    let out = fulmen(&["consumeMessage", "-n", n, "-t", TOPIC, "-c", "100"]).await;
    assert_eq!(
        out.lines().filter(|line| line.starts_with("MSGID: ")).count(),
        3,
        "{out}"
    );
    assert_eq!(
        out.lines()
            .filter(|line| line.contains(" print msg finished. status=NO_NEW_MSG"))
            .count(),
        8,
        "{out}"
    );

    // consumerProgress -g: a group with committed offsets (announced by a Fulmen pull consumer's heartbeat).
    let mut config = PullConsumerConfig::new(namesrv.clone(), GROUP);
    config.client.heartbeat_interval = Duration::from_millis(100);
    let consumer = PullConsumer::start(config).await.unwrap();
    let a1 = MessageQueue::new(TOPIC, "broker-a", 1);
    while consumer.update_offset(&a1, 1).await.is_err() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The group must exist on broker-b too (resetOffsetByTime asks every broker of the topic): the heartbeat on
    // the new connection reached broker-a only; wait for a periodic one. Broker-b's queues are empty, so
    // committing 0 there changes no figure below.
    let b0 = MessageQueue::new(TOPIC, "broker-b", 0);
    while consumer.update_offset(&b0, 0).await.is_err() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let out = fulmen(&["consumerProgress", "-n", n, "-g", GROUP, "-t", TOPIC]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "{:<64}  {:<32}  {:<4}  {:<20}  {:<20}  {:<20} {:<20}{}",
            "#Topic",
            "#Broker Name",
            "#QID",
            "#Broker Offset",
            "#Consumer Offset",
            "#Diff",
            "#Inflight",
            "#LastTime"
        )
    );
    let row = lines
        .iter()
        .find(|line| line.contains("broker-a") && line.split_whitespace().nth(2) == Some("1"));
    assert_eq!(
        row.unwrap().split_whitespace().take(6).collect::<Vec<_>>(),
        [TOPIC, "broker-a", "1", "2", "1", "1"]
    );
    assert!(lines.contains(&"Consume Diff Total: 2"), "{out}"); // 1 on a1, 1 on a0
    assert!(lines.iter().any(|line| line.starts_with("Consume TPS: ")));
    // Without -g: one line per group that has a retry topic.
    let out = fulmen(&["consumerProgress", "-n", n]).await;
    assert!(out.starts_with(&format!(
        "{:<64}  {:<6}  {:<24} {:<5}  {:<14}  {:<7}  {}",
        "#Group", "#Count", "#Version", "#Type", "#Model", "#TPS", "#Diff Total"
    )));

    // resetOffsetByTime to now: every queue moves to the offset the broker finds for now, as printed.
    let out = fulmen(&[
        "resetOffsetByTime",
        "-n",
        n,
        "-g",
        GROUP,
        "-t",
        TOPIC,
        "-s",
        "now",
    ])
    .await;
    let lines: Vec<&str> = out.lines().collect();
    let start = format!(
        "start reset consumer offset by specified, group[{GROUP}], topic[{TOPIC}], force[true], \
         timestamp(string)[now], timestamp(long)["
    );
    assert!(lines[0].starts_with(&start), "{out}");
    assert_eq!(
        lines[1],
        format!("{:<40}  {:<40}  {:<40}", "#brokerName", "#queueId", "#offset")
    );
    assert_eq!(lines.len(), 2 + 8, "{out}");
    let printed_a1: i64 = lines
        .iter()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .find(|row| row[..2] == ["broker-a", "1"])
        .unwrap()[2]
        .parse()
        .unwrap();
    assert!((1..=2).contains(&printed_a1), "{out}");
    assert_eq!(consumer.query_offset(&a1).await.unwrap(), Some(printed_a1));
    // One queue by address and id, to an explicit offset.
    let out = fulmen(&[
        "resetOffsetByTime",
        "-n",
        n,
        "-g",
        GROUP,
        "-t",
        TOPIC,
        "-s",
        "now",
        "-b",
        &addrs[0],
        "-q",
        "1",
        "-o",
        "1",
    ])
    .await;
    assert!(out.contains("reset consumer offset to 1\n"), "{out}");
    consumer.shutdown().await;

    // clusterList: mqadmin's header and one row per broker.
    let out = fulmen(&["clusterList", "-n", n]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with(&java_row(&[
        (22, "#Cluster Name"),
        (22, "#Broker Name"),
        (4, "#BID")
    ])));
    assert!(lines[0].ends_with("#ACTIVATED"));
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[1].starts_with(&java_row(&[
        (22, "DefaultCluster"),
        (22, "broker-a"),
        (4, "0"),
        (22, &addrs[0])
    ])));

    // deleteTopic: both lines, and gone from the name server.
    let out = fulmen(&["deleteTopic", "-n", n, "-c", "DefaultCluster", "-t", TOPIC]).await;
    assert_eq!(
        out,
        format!(
            "delete topic [{TOPIC}] from cluster [DefaultCluster] success.\ndelete topic [{TOPIC}] from NameServer \
             success.\n"
        )
    );
    let out = fulmen(&["topicList", "-n", n]).await;
    assert!(!out.lines().any(|line| line == TOPIC), "{out}");
    let error = fulmen_fails(&["topicStatus", "-n", n, "-t", TOPIC]).await;
    assert!(error.contains("TopicStatusSubCommand command failed"), "{error}");

    cluster.shutdown().await;
}
