//! Delay levels and 5.x timer messages over the wire: the put hook moves a `DELAY` message to
//! `SCHEDULE_TOPIC_XXXX` (deliver time as its consume-queue tag code) and a `TIMER_*` message to
//! `rmq_sys_wheel_timer`; each reaches its real topic when due and not before; delayOffset.json and
//! GET_ALL_DELAY_OFFSET report the progress; timer limits and a disabled timer are refused as Java refuses them.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::*;
use fulmen_protocol::header::{PullSysFlag, SendMessageRequestHeaderV2, SendMessageResponseHeader};
use fulmen_protocol::message::{MessageExt, Properties, decode_all};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

const SCHEDULE_TOPIC: &str = "SCHEDULE_TOPIC_XXXX";
const TIMER_TOPIC: &str = "rmq_sys_wheel_timer";

fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

fn send_with(topic: &str, queue_id: i32, extra: &[(&str, &str)]) -> RemotingCommand {
    let mut properties = tagged("TagA");
    properties.insert("KEYS", "k1 k2");
    properties.insert("UNIQ_KEY", format!("U-{topic}-{}", extra.len()));
    properties.insert("color", "blue");
    for (key, value) in extra {
        properties.insert(*key, *value);
    }
    RemotingCommand::request(RequestCode::SEND_MESSAGE)
        .with_header(&send_header(topic, queue_id, &properties))
        .with_body(b"payload".to_vec())
}

async fn pull_all(cluster: &Cluster, topic: &str, queue_id: i32) -> Vec<MessageExt> {
    let response = cluster
        .invoke(pull_request(&pull(
            "G",
            topic,
            queue_id,
            0,
            PullSysFlag::SUBSCRIPTION,
        )))
        .await;
    if response.response_code() != ResponseCode::SUCCESS {
        return Vec::new();
    }
    decode_all(&response.body).unwrap()
}

/// Waits (bounded by `limit`) until the queue holds a message; returns them and when they were seen.
async fn wait_for(cluster: &Cluster, topic: &str, queue_id: i32, limit: Duration) -> Vec<MessageExt> {
    let deadline = Instant::now() + limit;
    loop {
        let messages = pull_all(cluster, topic, queue_id).await;
        if !messages.is_empty() || Instant::now() > deadline {
            return messages;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn assert_ok(response: &RemotingCommand) -> SendMessageResponseHeader {
    assert_eq!(
        response.response_code(),
        ResponseCode::SUCCESS,
        "{:?}",
        response.remark
    );
    response.decode_header().unwrap()
}

/// The tag code of entry `index` in a consume-queue file.
fn cq_tags_code(root: &std::path::Path, topic: &str, queue_id: i32, index: usize) -> i64 {
    let path = root
        .join("consumequeue")
        .join(topic)
        .join(queue_id.to_string())
        .join("00000000000000000000");
    let bytes = std::fs::read(path).unwrap();
    let at = index * 20 + 12;
    i64::from_be_bytes(bytes[at..at + 8].try_into().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delayed_message_waits_in_its_schedule_queue_and_arrives_when_due() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), |config| {
            config.message_delay_level = "1s 2s 3s".into();
        })
        .await;
        cluster.invoke(create_topic("Delayed", 4, 4)).await;
        let sent_at = now_millis();
        let response = cluster.invoke(send_with("Delayed", 3, &[("DELAY", "2")])).await;
        let header = assert_ok(&response);
        assert_eq!(
            (header.queue_id, header.queue_offset),
            (3, 0),
            "the asked queue, the schedule queue's offset"
        );

        let waiting = pull_all(&cluster, SCHEDULE_TOPIC, 1).await;
        assert_eq!(waiting.len(), 1);
        let scheduled = &waiting[0];
        assert_eq!(scheduled.properties.get("REAL_TOPIC"), Some("Delayed"));
        assert_eq!(scheduled.properties.get("REAL_QID"), Some("3"));
        assert_eq!(scheduled.properties.get("DELAY"), Some("2"));
        assert!(
            pull_all(&cluster, "Delayed", 3).await.is_empty(),
            "not delivered at once"
        );

        let delivered = wait_for(&cluster, "Delayed", 3, Duration::from_secs(6)).await;
        let arrived_after = now_millis() - sent_at;
        assert_eq!(delivered.len(), 1);
        assert!(arrived_after >= 2000, "arrived after {arrived_after} ms");
        let message = &delivered[0];
        assert_eq!(&message.body[..], b"payload");
        assert_eq!((message.topic.as_str(), message.queue_id), ("Delayed", 3));
        for (key, value) in [
            ("TAGS", "TagA"),
            ("KEYS", "k1 k2"),
            ("color", "blue"),
            ("REAL_TOPIC", "Delayed"),
            ("REAL_QID", "3"),
            // Java quirk: DELAY is cleared from the map after the stored properties string was built.
            ("DELAY", "2"),
        ] {
            assert_eq!(message.properties.get(key), Some(value), "{key}");
        }
        assert_eq!(
            message.properties.get("UNIQ_KEY"),
            scheduled.properties.get("UNIQ_KEY")
        );
        // Delivered once only.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(pull_all(&cluster, "Delayed", 3).await.len(), 1);

        // The progress, as GET_ALL_DELAY_OFFSET and (at shutdown) delayOffset.json show it.
        let response = cluster
            .invoke(RemotingCommand::request(RequestCode::GET_ALL_DELAY_OFFSET))
            .await;
        assert_eq!(response.response_code(), ResponseCode::SUCCESS);
        let body = String::from_utf8(response.body.to_vec()).unwrap();
        assert!(body.contains(r#""offsetTable":{2:1}"#), "{body}");
        let response = cluster
            .invoke(RemotingCommand::request(RequestCode::GET_BROKER_RUNTIME_INFO))
            .await;
        let body = String::from_utf8(response.body.to_vec()).unwrap();
        assert!(body.contains(r#""scheduleMessageOffset_2":"1,1""#), "{body}");
        let stored_at = scheduled.store_timestamp;
        cluster.stop().await;
        let file = std::fs::read_to_string(dir.path().join("config/delayOffset.json")).unwrap();
        assert!(file.contains(r#""offsetTable":{2:1}"#), "{file}");
        assert_eq!(cq_tags_code(dir.path(), SCHEDULE_TOPIC, 1, 0), stored_at + 2000);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn levels_above_the_highest_are_clamped_and_batches_cannot_be_delayed() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), |config| {
            config.message_delay_level = "1h 2h".into();
        })
        .await;
        assert_ok(&cluster.invoke(send_with("Clamp", 0, &[("DELAY", "9")])).await);
        let waiting = pull_all(&cluster, SCHEDULE_TOPIC, 1).await;
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].properties.get("DELAY"), Some("2"));

        let mut properties = Properties::new();
        properties.insert("DELAY", "1");
        let mut header = send_header("Clamp", 0, &properties);
        header.batch = Some(true);
        let batch = RemotingCommand::request(RequestCode::SEND_BATCH_MESSAGE)
            .with_header(&SendMessageRequestHeaderV2::from(header))
            .with_body(send_batch("Clamp", 0, &[b"a", b"b"]).body);
        let response = cluster.invoke(batch).await;
        assert_eq!(response.response_code(), ResponseCode::MESSAGE_ILLEGAL);
        cluster.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timer_message_waits_in_the_timer_topic_and_arrives_when_due() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        cluster.invoke(create_topic("Timed", 2, 2)).await;
        let sent_at = now_millis();
        let deliver_at = sent_at + 2500;
        let deliver = deliver_at.to_string();
        let header = assert_ok(
            &cluster
                .invoke(send_with("Timed", 1, &[("TIMER_DELIVER_MS", &deliver)]))
                .await,
        );
        assert_eq!(header.queue_id, 1);

        let waiting = pull_all(&cluster, TIMER_TOPIC, 0).await;
        assert_eq!(waiting.len(), 1);
        let expected_out = (deliver_at / 1000 * 1000).to_string();
        assert_eq!(
            waiting[0].properties.get("TIMER_OUT_MS"),
            Some(expected_out.as_str())
        );
        assert_eq!(waiting[0].properties.get("REAL_TOPIC"), Some("Timed"));
        assert!(pull_all(&cluster, "Timed", 1).await.is_empty());

        let delivered = wait_for(&cluster, "Timed", 1, Duration::from_secs(6)).await;
        let arrived = now_millis();
        assert_eq!(delivered.len(), 1);
        assert!(
            arrived >= deliver_at / 1000 * 1000,
            "arrived {} ms early",
            deliver_at - arrived
        );
        let message = &delivered[0];
        assert_eq!(&message.body[..], b"payload");
        assert_eq!(
            message.properties.get("TIMER_OUT_MS"),
            Some(expected_out.as_str())
        );
        assert_eq!(message.properties.get("TIMER_DELIVER_MS"), Some(deliver.as_str()));
        assert!(message.properties.contains("TIMER_ENQUEUE_MS"));
        assert!(message.properties.contains("TIMER_DEQUEUE_MS"));
        assert_eq!(message.properties.get("color"), Some("blue"));
        assert_eq!(
            message.properties.get("UNIQ_KEY"),
            waiting[0].properties.get("UNIQ_KEY")
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(pull_all(&cluster, "Timed", 1).await.len(), 1, "delivered once");
        cluster.stop().await;
        let progress = std::fs::read_to_string(dir.path().join("config/timerProgress.json")).unwrap();
        assert_eq!(progress, r#"{"checkpointOffset":1,"doneRanges":[]}"#);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timer_messages_beyond_the_limit_or_with_the_timer_off_are_refused() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start(dir.path()).await;
        let response = cluster.invoke(send_with("Timed", 0, &[("TIMER_DELAY_SEC", "259201")])).await;
        assert_answer(
            &response,
            ResponseCode::MESSAGE_ILLEGAL,
            "timer message illegal, the delay time should not be bigger than the max delay 259200000ms; or if set \
             del msg, the delay time should be bigger than the current time",
        );
        let response = cluster.invoke(send_with("Timed", 0, &[("TIMER_DELAY_MS", "soon")])).await;
        assert_eq!(response.response_code(), ResponseCode::MESSAGE_ILLEGAL);
        // A deliver time already past is stored at once in its own topic.
        assert_ok(&cluster.invoke(send_with("Timed", 0, &[("TIMER_DELIVER_MS", "1000")])).await);
        assert_eq!(pull_all(&cluster, "Timed", 0).await.len(), 1);
        cluster.stop().await;

        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster::start_with(dir.path(), |config| config.timer_wheel_enable = false).await;
        let response = cluster.invoke(send_with("Timed", 0, &[("TIMER_DELAY_SEC", "5")])).await;
        assert_answer(
            &response,
            ResponseCode::SYSTEM_ERROR,
            "accurate timer message is not enabled, timerWheelEnable is false",
        );
        cluster.stop().await;
    })
    .await;
}
