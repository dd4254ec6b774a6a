//! Helpers shared by the broker's integration tests: an in-process name server + broker on 127.0.0.1 with a
//! small store in a temp dir, and typed request builders.
#![allow(dead_code, clippy::unwrap_used)]

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use bytes::BytesMut;
use fulmen_broker::{Broker, BrokerConfig};
use fulmen_namesrv::{NameServer, NamesrvConfig};
use fulmen_protocol::body::{
    ConsumeType, ConsumerData, HeartbeatData, JsonBody, ProducerData, SubscriptionData,
};
use fulmen_protocol::header::{
    CreateTopicRequestHeader, PullMessageRequestHeader, PullSysFlag, QueryConsumerOffsetRequestHeader,
    SendMessageRequestHeader, SendMessageRequestHeaderV2, UpdateConsumerOffsetRequestHeader,
};
use fulmen_protocol::message::{BatchEntry, Properties, encode_batch};
use fulmen_protocol::{RemotingCommand, RequestCode};
use fulmen_remoting::{ClientConfig, RemotingClient};

pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Runs a test body with an overall bound.
pub async fn bounded<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(30), body)
        .await
        .expect("the test took too long");
}

pub fn broker_config(root: &Path, namesrv: &NameServer) -> BrokerConfig {
    let mut config = BrokerConfig::new(root);
    config.namesrv_addrs = vec![namesrv.local_addr().to_string()];
    config.store.commit_log_file_size = 1024 * 1024;
    config.store.consume_queue_entries_per_file = 1000;
    config.store.max_message_size = 64 * 1024;
    config.shutdown_timeout = Duration::from_secs(2);
    config
}

pub struct Cluster {
    pub namesrv: NameServer,
    pub broker: Broker,
    pub client: RemotingClient,
    pub addr: String,
}

impl Cluster {
    pub async fn start(root: &Path) -> Cluster {
        Cluster::start_with(root, |_| {}).await
    }

    /// A cluster whose broker config `adjust` changed first.
    pub async fn start_with(root: &Path, adjust: impl FnOnce(&mut BrokerConfig)) -> Cluster {
        let namesrv = NameServer::start(NamesrvConfig::default()).await.unwrap();
        let mut config = broker_config(root, &namesrv);
        adjust(&mut config);
        let broker = Broker::start(config).await.unwrap();
        let addr = broker.advertised_addr().to_string();
        Cluster {
            namesrv,
            broker,
            client: RemotingClient::new(ClientConfig::default()).unwrap(),
            addr,
        }
    }

    pub async fn invoke(&self, request: RemotingCommand) -> RemotingCommand {
        self.client.invoke(&self.addr, request, TIMEOUT).await.unwrap()
    }

    pub async fn stop(self) {
        self.client.shutdown().await;
        self.broker.shutdown().await;
        self.namesrv.shutdown().await;
    }
}

pub fn send_header(topic: &str, queue_id: i32, properties: &Properties) -> SendMessageRequestHeader {
    SendMessageRequestHeader {
        producer_group: "PG".into(),
        topic: topic.into(),
        default_topic: "TBW102".into(),
        default_topic_queue_nums: 4,
        queue_id,
        sys_flag: 0,
        born_timestamp: 1_700_000_000_000,
        flag: 0,
        properties: Some(properties.encode().unwrap()),
        reconsume_times: Some(0),
        unit_mode: Some(false),
        batch: Some(false),
        max_reconsume_times: None,
        broker_name: None,
    }
}

pub fn tagged(tag: &str) -> Properties {
    let mut properties = Properties::new();
    properties.insert("TAGS", tag);
    properties.insert("WAIT", "true");
    properties
}

/// A SEND_MESSAGE (long header).
pub fn send_v1(topic: &str, queue_id: i32, tag: &str, body: &[u8]) -> RemotingCommand {
    RemotingCommand::request(RequestCode::SEND_MESSAGE)
        .with_header(&send_header(topic, queue_id, &tagged(tag)))
        .with_body(body.to_vec())
}

/// A SEND_MESSAGE_V2 (short header), as the Java client sends.
pub fn send_v2(topic: &str, queue_id: i32, tag: &str, body: &[u8]) -> RemotingCommand {
    RemotingCommand::request(RequestCode::SEND_MESSAGE_V2)
        .with_header(&SendMessageRequestHeaderV2::from(send_header(
            topic,
            queue_id,
            &tagged(tag),
        )))
        .with_body(body.to_vec())
}

/// A SEND_BATCH_MESSAGE of `bodies`, each with its own UNIQ_KEY (`{topic}-{index}`), as Java's `MessageBatch`
/// sets them.
pub fn send_batch(topic: &str, queue_id: i32, bodies: &[&[u8]]) -> RemotingCommand {
    let mut request = send_batch_without_keys(topic, queue_id, bodies);
    let entries: Vec<BatchEntry> = bodies
        .iter()
        .enumerate()
        .map(|(index, body)| {
            let mut properties = tagged("B");
            properties.insert("UNIQ_KEY", format!("{topic}-{index}"));
            BatchEntry {
                flag: 0,
                body: body.to_vec().into(),
                properties,
            }
        })
        .collect();
    let mut encoded = BytesMut::new();
    encode_batch(&entries, &mut encoded).unwrap();
    request.body = encoded.freeze();
    request
}

/// A SEND_BATCH_MESSAGE of `bodies` whose entries carry no UNIQ_KEY.
pub fn send_batch_without_keys(topic: &str, queue_id: i32, bodies: &[&[u8]]) -> RemotingCommand {
    let entries: Vec<BatchEntry> = bodies
        .iter()
        .map(|body| BatchEntry {
            flag: 0,
            body: body.to_vec().into(),
            properties: tagged("B"),
        })
        .collect();
    let mut encoded = BytesMut::new();
    encode_batch(&entries, &mut encoded).unwrap();
    let mut header = send_header(topic, queue_id, &Properties::new());
    header.batch = Some(true);
    RemotingCommand::request(RequestCode::SEND_BATCH_MESSAGE)
        .with_header(&SendMessageRequestHeaderV2::from(header))
        .with_body(encoded.freeze())
}

pub fn pull(
    group: &str,
    topic: &str,
    queue_id: i32,
    offset: i64,
    flags: PullSysFlag,
) -> PullMessageRequestHeader {
    PullMessageRequestHeader {
        consumer_group: group.into(),
        topic: topic.into(),
        queue_id,
        queue_offset: offset,
        max_msg_nums: 32,
        sys_flag: flags.bits(),
        commit_offset: 0,
        suspend_timeout_millis: 0,
        subscription: Some("*".into()),
        sub_version: 0,
        expression_type: Some("TAG".into()),
        ..PullMessageRequestHeader::default()
    }
}

pub fn pull_request(header: &PullMessageRequestHeader) -> RemotingCommand {
    RemotingCommand::request(RequestCode::PULL_MESSAGE).with_header(header)
}

pub fn create_topic(topic: &str, read: i32, write: i32) -> RemotingCommand {
    RemotingCommand::request(RequestCode::UPDATE_AND_CREATE_TOPIC).with_header(&CreateTopicRequestHeader {
        topic: topic.into(),
        default_topic: "TBW102".into(),
        read_queue_nums: read,
        write_queue_nums: write,
        perm: 6,
        topic_filter_type: "SINGLE_TAG".into(),
        topic_sys_flag: Some(0),
        order: false,
        attributes: None,
        force: None,
    })
}

pub fn heartbeat(
    client_id: &str,
    group: &str,
    topic: &str,
    expression: &str,
    sub_version: i64,
) -> RemotingCommand {
    let data = HeartbeatData {
        client_id: client_id.into(),
        producer_data_set: vec![ProducerData {
            group_name: "CLIENT_INNER_PRODUCER".into(),
        }],
        consumer_data_set: vec![ConsumerData {
            group_name: group.into(),
            consume_type: ConsumeType::ConsumePassively,
            subscription_data_set: vec![SubscriptionData::from_tag_expression(
                topic,
                expression,
                sub_version,
            )],
            ..ConsumerData::default()
        }],
        ..HeartbeatData::default()
    };
    RemotingCommand::request(RequestCode::HEART_BEAT).with_body(data.encode().unwrap())
}

pub fn query(group: &str, topic: &str, queue_id: i32, zero: Option<bool>) -> RemotingCommand {
    RemotingCommand::request(RequestCode::QUERY_CONSUMER_OFFSET).with_header(
        &QueryConsumerOffsetRequestHeader {
            consumer_group: group.into(),
            topic: topic.into(),
            queue_id,
            set_zero_if_not_found: zero,
            broker_name: None,
        },
    )
}

pub fn update(group: &str, topic: &str, queue_id: i32, offset: i64) -> RemotingCommand {
    RemotingCommand::request(RequestCode::UPDATE_CONSUMER_OFFSET).with_header(
        &UpdateConsumerOffsetRequestHeader {
            consumer_group: group.into(),
            topic: topic.into(),
            queue_id,
            commit_offset: offset,
            broker_name: None,
        },
    )
}

/// An UPDATE_BROKER_CONFIG carrying `entries` as properties text.
pub fn update_broker_config(entries: &[(&str, &str)]) -> RemotingCommand {
    let text: String = entries.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    RemotingCommand::request(RequestCode::UPDATE_BROKER_CONFIG).with_body(text.into_bytes())
}

/// Asserts the code and the remark of a response.
#[track_caller]
pub fn assert_answer(response: &RemotingCommand, code: fulmen_protocol::ResponseCode, remark: &str) {
    assert_eq!(
        (response.response_code(), response.remark.as_deref()),
        (code, Some(remark)),
    );
}
