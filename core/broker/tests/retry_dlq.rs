//! CONSUMER_SEND_MSG_BACK (36) and SENDs to `%RETRY%group` over the wire: the retry copy (through its delay
//! level) and the dead-letter copy with Java's properties and reconsume count, the group's limit and the client's,
//! Java's answers to a bad offset, and the orderly-lock rule that sends a retry message straight to the
//! dead-letter topic.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use fulmen_protocol::body::{JsonBody, LockBatchRequestBody, MessageQueue};
use fulmen_protocol::header::{ConsumerSendMsgBackRequestHeader, PullSysFlag, SendMessageResponseHeader};
use fulmen_protocol::message::{MessageExt, decode_all};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

const GROUP: &str = "GR";

/// Sends `body` to T queue 0 and reads it back, as a consumer would have it.
async fn sent_and_consumed(cluster: &Cluster, body: &[u8]) -> MessageExt {
    let response = cluster.invoke(send_v2("T", 0, "TagA", body)).await;
    assert_eq!(response.response_code(), ResponseCode::SUCCESS);
    let sent: SendMessageResponseHeader = response.decode_header().unwrap();
    let pulled = pulled_from(cluster, "T", 0, sent.queue_offset).await;
    pulled.into_iter().next().unwrap()
}

/// One pull of `topic` queue `queue_id` from `offset` by a reader group.
async fn pull_once(cluster: &Cluster, topic: &str, queue_id: i32, offset: i64) -> RemotingCommand {
    let header = pull("reader", topic, queue_id, offset, PullSysFlag::SUBSCRIPTION);
    cluster.invoke(pull_request(&header)).await
}

/// The messages of a queue from `offset`, which must be there already.
async fn pulled_from(cluster: &Cluster, topic: &str, queue_id: i32, offset: i64) -> Vec<MessageExt> {
    let response = pull_once(cluster, topic, queue_id, offset).await;
    assert_eq!(
        response.response_code(),
        ResponseCode::SUCCESS,
        "pull {topic}: {:?}",
        response.remark
    );
    decode_all(&response.body).unwrap()
}

fn send_back(message: &MessageExt, delay_level: i32, max_reconsume_times: Option<i32>) -> RemotingCommand {
    RemotingCommand::request(RequestCode::CONSUMER_SEND_MSG_BACK).with_header(
        &ConsumerSendMsgBackRequestHeader {
            offset: message.commit_log_offset,
            group: GROUP.into(),
            delay_level,
            origin_msg_id: message.uniq_key().map(str::to_owned),
            origin_topic: Some(message.topic.clone()),
            unit_mode: Some(false),
            max_reconsume_times,
            broker_name: None,
        },
    )
}

/// A SEND to the group's retry topic as the Java client makes it when send-back fails or an orderly consumer
/// gives up.
fn retry_send(body: &[u8], reconsume_times: i32) -> RemotingCommand {
    let mut header = send_header(&format!("%RETRY%{GROUP}"), 0, &tagged("TagA"));
    header.reconsume_times = Some(reconsume_times);
    RemotingCommand::request(RequestCode::SEND_MESSAGE)
        .with_header(&header)
        .with_body(body.to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_negative_delay_level_sends_a_copy_to_the_dead_letter_topic() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 1, 1)).await;
        let original = sent_and_consumed(&cluster, b"poison").await;

        let response = cluster.invoke(send_back(&original, -1, None)).await;
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );

        let dead = pulled_from(&cluster, "%DLQ%GR", 0, 0).await;
        assert_eq!(dead.len(), 1);
        let copy = &dead[0];
        assert_eq!(copy.body.as_ref(), b"poison");
        assert_eq!(copy.reconsume_times, 1);
        assert_eq!(copy.born_timestamp, original.born_timestamp);
        assert_eq!(copy.uniq_key(), original.uniq_key());
        assert_eq!(copy.properties.get("TAGS"), Some("TagA"));
        assert_eq!(copy.properties.get("RETRY_TOPIC"), Some("T"));
        assert_eq!(copy.properties.get("DELAY"), Some("0"));
        let offset_msg_id = original.offset_msg_id().to_string();
        assert_eq!(
            copy.properties.get("ORIGIN_MESSAGE_ID"),
            Some(offset_msg_id.as_str())
        );
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limit_counts_reconsumes_already_made_and_the_client_limit_wins() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 1, 1)).await;
        let original = sent_and_consumed(&cluster, b"once").await;
        // The message was never reconsumed: a limit of 0 is already reached (>=, unlike a SEND's >).
        let response = cluster.invoke(send_back(&original, 0, Some(0))).await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        let dead = pulled_from(&cluster, "%DLQ%GR", 0, 0).await;
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].reconsume_times, 1);

        // The dead-letter copy keeps the first ORIGIN_MESSAGE_ID when it is sent back again.
        let response = cluster.invoke(send_back(&dead[0], -1, None)).await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        let again = pulled_from(&cluster, "%DLQ%GR", 0, 1).await;
        assert_eq!(again[0].reconsume_times, 2);
        assert_eq!(
            again[0].properties.get("ORIGIN_MESSAGE_ID"),
            dead[0].properties.get("ORIGIN_MESSAGE_ID")
        );
        assert_eq!(again[0].properties.get("RETRY_TOPIC"), Some("T"));
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_offset_is_refused_like_java() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("T", 1, 1)).await;
        let mut original = sent_and_consumed(&cluster, b"x").await;
        original.commit_log_offset = 1 << 40;
        let response = cluster.invoke(send_back(&original, 0, None)).await;
        assert_answer(
            &response,
            ResponseCode::SYSTEM_ERROR,
            &format!("look message by offset failed, {}", 1i64 << 40),
        );
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_send_over_the_limit_goes_to_the_dead_letter_topic_marked_delay_minus_one() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        // 16 is the group's default limit: a SEND goes to the DLQ only above it.
        let response = cluster.invoke(retry_send(b"at-limit", 16)).await;
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        let retried = pulled_from(&cluster, "%RETRY%GR", 0, 0).await;
        assert_eq!(retried[0].body.as_ref(), b"at-limit");
        assert_eq!(retried[0].reconsume_times, 16);

        let response = cluster.invoke(retry_send(b"over-limit", 17)).await;
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        let sent: SendMessageResponseHeader = response.decode_header().unwrap();
        assert_eq!((sent.queue_id, sent.queue_offset), (0, 0));
        let dead = pulled_from(&cluster, "%DLQ%GR", 0, 0).await;
        assert_eq!(dead[0].body.as_ref(), b"over-limit");
        assert_eq!(dead[0].reconsume_times, 17);
        assert_eq!(dead[0].properties.get("DELAY"), Some("-1"));
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_send_of_a_group_holding_an_orderly_lock_goes_to_the_dead_letter_topic() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        let lock = LockBatchRequestBody {
            consumer_group: GROUP.into(),
            client_id: "c1".into(),
            only_this_broker: true,
            mq_set: vec![MessageQueue::new("T", "broker-a", 0)],
        };
        let response = cluster
            .invoke(RemotingCommand::request(RequestCode::LOCK_BATCH_MQ).with_body(lock.encode().unwrap()))
            .await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);

        let response = cluster.invoke(retry_send(b"orderly", 1)).await;
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        let dead = pulled_from(&cluster, "%DLQ%GR", 0, 0).await;
        assert_eq!(dead[0].body.as_ref(), b"orderly");
        cluster.stop().await;
    })
    .await;
}

/// The messages of a queue from `offset`, once there are some (bounded by the test's limit).
async fn pulled_when_there(cluster: &Cluster, topic: &str, queue_id: i32, offset: i64) -> Vec<MessageExt> {
    loop {
        let response = pull_once(cluster, topic, queue_id, offset).await;
        if response.response_code() == ResponseCode::SUCCESS {
            return decode_all(&response.body).unwrap();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_copy_waits_in_its_delay_level_then_reaches_the_retry_topic() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), |config| {
            config.message_delay_level = "1s 1s 1s 2s".into();
        })
        .await;
        cluster.invoke(create_topic("T", 1, 1)).await;
        let original = sent_and_consumed(&cluster, b"again").await;
        let response = cluster.invoke(send_back(&original, 0, None)).await;
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );

        // Level 3 + 0 reconsumes = queue 2 of the schedule topic, bound for the group's retry topic.
        let scheduled = pulled_when_there(&cluster, "SCHEDULE_TOPIC_XXXX", 2, 0).await;
        assert_eq!(scheduled[0].properties.get("REAL_TOPIC"), Some("%RETRY%GR"));
        assert_eq!(scheduled[0].properties.get("DELAY"), Some("3"));

        let retried = pulled_when_there(&cluster, "%RETRY%GR", 0, 0).await;
        let copy = &retried[0];
        assert_eq!(copy.body.as_ref(), b"again");
        assert_eq!(copy.reconsume_times, 1);
        assert_eq!(copy.uniq_key(), original.uniq_key());
        assert_eq!(copy.properties.get("RETRY_TOPIC"), Some("T"));
        let offset_msg_id = original.offset_msg_id().to_string();
        assert_eq!(
            copy.properties.get("ORIGIN_MESSAGE_ID"),
            Some(offset_msg_id.as_str())
        );
        assert!(
            copy.store_timestamp >= scheduled[0].store_timestamp + 1_000,
            "delivered after its 1 s level"
        );
        cluster.stop().await;
    })
    .await;
}
