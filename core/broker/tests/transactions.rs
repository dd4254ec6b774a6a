//! Transactional messages over the wire: a prepared send is stored as a half message, END_TRANSACTION commits
//! (the real message appears) or rolls back (nothing appears), its checks answer with Java's codes and remarks,
//! an unknown verdict gets no answer, unresolved half messages are checked back (CHECK_TRANSACTION_STATE to a
//! producer of the group) until committed, also after a crash and restart, and are discarded to
//! TRANS_CHECK_MAX_TIME_TOPIC after `transactionCheckMax` checks or when older than the store's retention.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use fulmen_broker::{Broker, BrokerConfig};
use fulmen_protocol::body::{HeartbeatData, JsonBody, ProducerData};
use fulmen_protocol::header::{
    CheckTransactionStateRequestHeader, EndTransactionRequestHeader, PullSysFlag, SendMessageResponseHeader,
    ViewMessageRequestHeader,
};
use fulmen_protocol::message::{MessageExt, MessageSysFlag, Properties, decode_all};
use fulmen_protocol::msgid::OffsetMessageId;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::{ClientConfig, RemotingClient, RequestContext, processor_fn};
use tokio::sync::mpsc;

const TOPIC: &str = "TxTopic";
const HALF_TOPIC: &str = "RMQ_SYS_TRANS_HALF_TOPIC";

/// The offsets a prepared send answered with.
#[derive(Debug, Clone, Copy)]
struct Half {
    queue_offset: i64,
    commit_log_offset: i64,
}

fn prepared_with_immunity(uniq_key: &str, seconds: &str, born_timestamp: i64) -> RemotingCommand {
    let mut properties = prepared_properties(uniq_key);
    properties.insert("CHECK_IMMUNITY_TIME_IN_SECONDS", seconds);
    let mut header = send_header(TOPIC, 0, &properties);
    header.sys_flag = MessageSysFlag::TRANSACTION_PREPARED_TYPE;
    header.born_timestamp = born_timestamp;
    RemotingCommand::request(RequestCode::SEND_MESSAGE)
        .with_header(&header)
        .with_body(format!("body-{uniq_key}").into_bytes())
}

fn prepared_properties(uniq_key: &str) -> Properties {
    let mut properties = tagged("TagA");
    properties.insert("KEYS", format!("key-{uniq_key}"));
    properties.insert("TRAN_MSG", "true");
    properties.insert("PGROUP", "PG");
    properties.insert("UNIQ_KEY", uniq_key);
    properties
}

fn prepared_send(uniq_key: &str) -> RemotingCommand {
    prepared_send_born_at(uniq_key, now_millis())
}

fn prepared_send_born_at(uniq_key: &str, born_timestamp: i64) -> RemotingCommand {
    let mut header = send_header(TOPIC, 0, &prepared_properties(uniq_key));
    header.sys_flag = MessageSysFlag::TRANSACTION_PREPARED_TYPE;
    header.born_timestamp = born_timestamp;
    RemotingCommand::request(RequestCode::SEND_MESSAGE)
        .with_header(&header)
        .with_body(format!("body-{uniq_key}").into_bytes())
}

async fn send_prepared(client: &RemotingClient, addr: &str, uniq_key: &str) -> Half {
    send_request(client, addr, prepared_send(uniq_key), uniq_key).await
}

async fn send_request(client: &RemotingClient, addr: &str, request: RemotingCommand, uniq_key: &str) -> Half {
    let response = client.invoke(addr, request, TIMEOUT).await.unwrap();
    assert_success(&response);
    let header: SendMessageResponseHeader = response.decode_header().unwrap();
    assert_eq!(header.transaction_id.as_deref(), Some(uniq_key));
    assert_eq!(header.queue_id, 0);
    Half {
        queue_offset: header.queue_offset,
        commit_log_offset: OffsetMessageId::parse(&header.msg_id).unwrap().commit_log_offset,
    }
}

fn end_transaction(
    half: Half,
    verdict: i32,
    from_check: bool,
    group: &str,
    uniq_key: &str,
) -> RemotingCommand {
    RemotingCommand::request(RequestCode::END_TRANSACTION).with_header(&EndTransactionRequestHeader {
        topic: Some(TOPIC.into()),
        producer_group: group.into(),
        tran_state_table_offset: half.queue_offset,
        commit_log_offset: half.commit_log_offset,
        commit_or_rollback: verdict,
        from_transaction_check: Some(from_check),
        msg_id: uniq_key.into(),
        transaction_id: Some(uniq_key.into()),
        broker_name: None,
    })
}

fn assert_success(response: &RemotingCommand) {
    assert_eq!(
        response.response_code(),
        ResponseCode::SUCCESS,
        "{:?}",
        response.remark
    );
}

/// Every message in queue 0 of `topic` (empty when there is none).
async fn messages_in(client: &RemotingClient, addr: &str, topic: &str) -> Vec<MessageExt> {
    let response = client
        .invoke(
            addr,
            pull_request(&pull("G", topic, 0, 0, PullSysFlag::SUBSCRIPTION)),
            TIMEOUT,
        )
        .await
        .unwrap();
    if response.response_code() != ResponseCode::SUCCESS {
        return Vec::new();
    }
    decode_all(&response.body).unwrap()
}

async fn view(client: &RemotingClient, addr: &str, offset: i64) -> MessageExt {
    let request = RemotingCommand::request(RequestCode::VIEW_MESSAGE_BY_ID)
        .with_header(&ViewMessageRequestHeader { topic: None, offset });
    let response = client.invoke(addr, request, TIMEOUT).await.unwrap();
    assert_success(&response);
    decode_all(&response.body).unwrap().remove(0)
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn short_checks(config: &mut BrokerConfig) {
    config.transaction.check_interval = Duration::from_millis(200);
    config.transaction.timeout = Duration::from_millis(300);
}

/// A producer of group `PG`: its connection receives the broker's checks.
struct Producer {
    client: RemotingClient,
    checks: mpsc::UnboundedReceiver<RemotingCommand>,
}

impl Producer {
    async fn connect(addr: &str) -> Producer {
        let client = RemotingClient::new(ClientConfig::default()).unwrap();
        let (sender, checks) = mpsc::unbounded_channel();
        client.register_processor(
            RequestCode::CHECK_TRANSACTION_STATE,
            processor_fn(move |_: RequestContext, request: RemotingCommand| {
                let sender = sender.clone();
                async move {
                    let _ = sender.send(request);
                    None
                }
            }),
        );
        let heartbeat = HeartbeatData {
            client_id: "127.0.0.1@tx-producer".into(),
            producer_data_set: vec![ProducerData {
                group_name: "PG".into(),
            }],
            ..HeartbeatData::default()
        };
        let request =
            RemotingCommand::request(RequestCode::HEART_BEAT).with_body(heartbeat.encode().unwrap());
        let response = client.invoke(addr, request, TIMEOUT).await.unwrap();
        assert_success(&response);
        Producer { client, checks }
    }

    /// The next check, its header and the message in its body.
    async fn next_check(&mut self) -> (CheckTransactionStateRequestHeader, MessageExt) {
        let request = tokio::time::timeout(Duration::from_secs(10), self.checks.recv())
            .await
            .expect("no transaction check came")
            .unwrap();
        let header: CheckTransactionStateRequestHeader = request.decode_header().unwrap();
        let message = decode_all(&request.body).unwrap().remove(0);
        (header, message)
    }

    /// Answers a check with COMMIT, as the Java producer does (END_TRANSACTION with `fromTransactionCheck`).
    async fn commit_checked(&self, addr: &str, check: &CheckTransactionStateRequestHeader, uniq_key: &str) {
        let checked = Half {
            queue_offset: check.tran_state_table_offset,
            commit_log_offset: check.commit_log_offset,
        };
        let request = end_transaction(checked, 8, true, "PG", uniq_key);
        assert_success(&self.client.invoke(addr, request, TIMEOUT).await.unwrap());
    }

    /// Whether a check comes within `wait`.
    async fn check_within(&mut self, wait: Duration) -> bool {
        tokio::time::timeout(wait, self.checks.recv()).await.is_ok()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_stores_the_real_message_and_rollback_stores_nothing() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        let (client, addr) = (&cluster.client, cluster.addr.as_str());
        let committed = send_prepared(client, addr, "U-commit").await;
        let rolled_back = send_prepared(client, addr, "U-rollback").await;
        assert_eq!(rolled_back.queue_offset, committed.queue_offset + 1);
        assert!(messages_in(client, addr, TOPIC).await.is_empty());

        let half = view(client, addr, committed.commit_log_offset).await;
        assert_eq!((half.topic.as_str(), half.queue_id), (HALF_TOPIC, 0));
        assert_eq!(half.sys_flag & MessageSysFlag::TRANSACTION_MASK, 0);
        assert_eq!(half.properties.get("REAL_TOPIC"), Some(TOPIC));
        assert_eq!(half.properties.get("REAL_QID"), Some("0"));
        assert_eq!(half.properties.get("__transactionId__"), Some("U-commit"));
        assert_eq!(half.properties.get("TRAN_MSG"), Some("true"));

        let response = cluster
            .invoke(end_transaction(committed, 8, false, "PG", "U-commit"))
            .await;
        assert_success(&response);
        let response = cluster
            .invoke(end_transaction(rolled_back, 12, false, "PG", "U-rollback"))
            .await;
        assert_success(&response);

        let real = messages_in(client, addr, TOPIC).await;
        assert_eq!(real.len(), 1);
        let message = &real[0];
        assert_eq!(message.body.as_ref(), b"body-U-commit");
        assert_eq!(message.uniq_key(), Some("U-commit"));
        assert_eq!(message.tags(), Some("TagA"));
        assert_eq!(message.properties.get("KEYS"), Some("key-U-commit"));
        assert_eq!(
            message.sys_flag & MessageSysFlag::TRANSACTION_MASK,
            MessageSysFlag::TRANSACTION_COMMIT_TYPE
        );
        assert_eq!(message.prepared_transaction_offset, committed.commit_log_offset);
        for gone in ["TRAN_MSG", "REAL_TOPIC", "REAL_QID"] {
            assert!(!message.properties.contains(gone), "{gone}");
        }
        assert_eq!(message.properties.get("PGROUP"), Some("PG"));

        let ops = messages_in(client, addr, "RMQ_SYS_TRANS_OP_HALF_TOPIC").await;
        let bodies: Vec<&[u8]> = ops.iter().map(|op| op.body.as_ref()).collect();
        assert_eq!(bodies, [b"0,".as_slice(), b"1,"]);
        assert!(ops.iter().all(|op| op.tags() == Some("d")));
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_transaction_checks_answer_like_java_and_unknown_gets_no_answer() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        let half = send_prepared(&cluster.client, &cluster.addr, "U1").await;
        let cases = [
            (
                end_transaction(half, 8, false, "OtherGroup", "U1"),
                "The producer group wrong",
            ),
            (
                end_transaction(
                    Half {
                        queue_offset: half.queue_offset + 5,
                        ..half
                    },
                    12,
                    false,
                    "PG",
                    "U1",
                ),
                "The transaction state table offset wrong",
            ),
            (
                end_transaction(
                    Half {
                        commit_log_offset: half.commit_log_offset + 1_000_000,
                        ..half
                    },
                    8,
                    true,
                    "PG",
                    "U1",
                ),
                "Find prepared transaction message failed",
            ),
        ];
        for (request, remark) in cases {
            assert_answer(&cluster.invoke(request).await, ResponseCode::SYSTEM_ERROR, remark);
        }
        for verdict in [0, 3] {
            let unanswered = cluster
                .client
                .invoke(
                    &cluster.addr,
                    end_transaction(half, verdict, false, "PG", "U1"),
                    Duration::from_millis(500),
                )
                .await;
            assert!(unanswered.is_err(), "verdict {verdict} was answered");
        }
        assert!(
            messages_in(&cluster.client, &cluster.addr, TOPIC)
                .await
                .is_empty()
        );
        cluster.stop().await;

        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), |config| {
            config.transaction.reject_transaction_message = true;
        })
        .await;
        assert_answer(
            &cluster.invoke(prepared_send("U2")).await,
            ResponseCode::NO_PERMISSION,
            "the broker[127.0.0.1] sending transaction message is forbidden",
        );
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unresolved_half_message_is_checked_back_until_the_producer_commits() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), short_checks).await;
        let mut producer = Producer::connect(&cluster.addr).await;
        let first = send_prepared(&producer.client, &cluster.addr, "U-check").await;

        let (header, message) = producer.next_check().await;
        assert_eq!(header.topic.as_deref(), Some(HALF_TOPIC));
        assert_eq!(header.msg_id.as_deref(), Some("U-check"));
        assert_eq!(header.transaction_id.as_deref(), Some("U-check"));
        assert_eq!(header.broker_name.as_deref(), Some("broker-a"));
        assert!(header.tran_state_table_offset > first.queue_offset);
        assert_eq!(
            OffsetMessageId::parse(header.offset_msg_id.as_deref().unwrap())
                .unwrap()
                .commit_log_offset,
            header.commit_log_offset
        );
        assert_eq!((message.topic.as_str(), message.queue_id), (TOPIC, 0));
        assert_eq!(message.body.as_ref(), b"body-U-check");
        assert_eq!(message.properties.get("TRANSACTION_CHECK_TIMES"), Some("1"));
        assert_eq!(message.properties.get("REAL_TOPIC"), Some(TOPIC));

        let (header, message) = producer.next_check().await;
        assert_eq!(message.properties.get("TRANSACTION_CHECK_TIMES"), Some("2"));
        producer.commit_checked(&cluster.addr, &header, "U-check").await;
        let real = messages_in(&cluster.client, &cluster.addr, TOPIC).await;
        assert_eq!(real.len(), 1);
        assert_eq!(real[0].properties.get("TRANSACTION_CHECK_TIMES"), Some("2"));

        // A check already under way may still arrive; after that, none.
        producer.check_within(Duration::from_millis(800)).await;
        while producer.checks.try_recv().is_ok() {}
        assert!(!producer.check_within(Duration::from_millis(1000)).await);
        producer.client.shutdown().await;
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_message_is_renewed_but_not_checked_within_its_custom_immunity_time() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), short_checks).await;
        let mut producer = Producer::connect(&cluster.addr).await;
        let born = now_millis();
        let request = prepared_with_immunity("U-immune", "2", born);
        send_request(&producer.client, &cluster.addr, request, "U-immune").await;
        // Passes run meanwhile: each renews the half message (TRAN_PREPARED_QUEUE_OFFSET = the first copy).
        assert!(!producer.check_within(Duration::from_millis(1200)).await);
        assert!(half_copies(&producer.client, &cluster.addr).await > 1);
        let (header, message) = producer.next_check().await;
        assert!(
            now_millis() - born >= 2000,
            "checked only after the immunity time"
        );
        assert_eq!(message.properties.get("TRAN_PREPARED_QUEUE_OFFSET"), Some("0"));
        producer.commit_checked(&cluster.addr, &header, "U-immune").await;
        assert_eq!(messages_in(&cluster.client, &cluster.addr, TOPIC).await.len(), 1);
        producer.client.shutdown().await;
        cluster.stop().await;
    })
    .await;
}

/// How many units the half queue holds; every copy after the first names the first one's queue offset.
async fn half_copies(client: &RemotingClient, addr: &str) -> usize {
    let copies = messages_in(client, addr, HALF_TOPIC).await;
    let first = copies[0].queue_offset.to_string();
    for copy in &copies[1..] {
        assert_eq!(
            copy.properties.get("TRAN_PREPARED_QUEUE_OFFSET"),
            Some(first.as_str())
        );
    }
    copies.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_message_is_still_checked_after_a_crash_and_restart() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        send_prepared(&cluster.client, &cluster.addr, "U-restart").await;
        let Cluster {
            namesrv,
            broker,
            client,
            ..
        } = cluster;
        client.shutdown().await;
        broker.kill().await;
        drop(broker);

        let mut config = broker_config(dir.path(), &namesrv);
        short_checks(&mut config);
        let broker = Broker::start(config).await.unwrap();
        let addr = broker.advertised_addr().to_string();
        let mut producer = Producer::connect(&addr).await;
        let (header, message) = producer.next_check().await;
        assert_eq!(header.msg_id.as_deref(), Some("U-restart"));
        assert_eq!(message.body.as_ref(), b"body-U-restart");
        producer.commit_checked(&addr, &header, "U-restart").await;
        let real = messages_in(&producer.client, &addr, TOPIC).await;
        assert_eq!(real.len(), 1);
        assert_eq!(real[0].uniq_key(), Some("U-restart"));
        // Let a pass see the op record, then stop cleanly: the check offsets are persisted and the finished
        // half message is not checked again after the next start.
        producer.check_within(Duration::from_millis(800)).await;
        producer.client.shutdown().await;
        broker.shutdown().await;
        drop(broker);
        let offsets = std::fs::read_to_string(dir.path().join("config/consumerOffset.json")).unwrap();
        assert!(
            offsets.contains("RMQ_SYS_TRANS_HALF_TOPIC@CID_RMQ_SYS_TRANS"),
            "{offsets}"
        );
        assert!(
            offsets.contains("RMQ_SYS_TRANS_OP_HALF_TOPIC@CID_RMQ_SYS_TRANS"),
            "{offsets}"
        );

        let mut config = broker_config(dir.path(), &namesrv);
        short_checks(&mut config);
        let broker = Broker::start(config).await.unwrap();
        let mut producer = Producer::connect(&broker.advertised_addr().to_string()).await;
        assert!(!producer.check_within(Duration::from_millis(1000)).await);
        producer.client.shutdown().await;
        broker.shutdown().await;
        namesrv.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_message_checked_too_often_is_moved_to_the_check_max_time_topic() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), |config| {
            short_checks(config);
            config.transaction.check_max = 2;
        })
        .await;
        let mut producer = Producer::connect(&cluster.addr).await;
        // Born four days ago: older than the store's 72 h retention, so given up on without a check.
        let four_days_ago = now_millis() - 4 * 24 * 3600 * 1000;
        let old = prepared_send_born_at("U-old", four_days_ago);
        send_request(&producer.client, &cluster.addr, old, "U-old").await;
        send_prepared(&producer.client, &cluster.addr, "U-max").await;
        let (header, _) = producer.next_check().await;
        assert_eq!(header.msg_id.as_deref(), Some("U-max"));
        producer.next_check().await;
        let mut discarded = Vec::new();
        for _ in 0..50 {
            discarded = messages_in(&cluster.client, &cluster.addr, "TRANS_CHECK_MAX_TIME_TOPIC").await;
            if discarded.len() >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(discarded.len(), 2);
        assert_eq!(discarded[0].uniq_key(), Some("U-old"));
        assert_eq!(discarded[1].uniq_key(), Some("U-max"));
        assert_eq!(discarded[1].properties.get("TRANSACTION_CHECK_TIMES"), Some("2"));
        assert_eq!(discarded[1].properties.get("REAL_TOPIC"), Some(TOPIC));
        while producer.checks.try_recv().is_ok() {}
        assert!(!producer.check_within(Duration::from_millis(800)).await);
        assert!(
            messages_in(&cluster.client, &cluster.addr, TOPIC)
                .await
                .is_empty()
        );
        producer.client.shutdown().await;
        cluster.stop().await;
    })
    .await;
}
