//! Test helpers: a Fulmen name server, a fake broker made of `RemotingServer` processors that records every
//! request and answers like a broker, and its registration with the name server.
#![allow(dead_code)] // each test file uses a different subset
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::BytesMut;
use fulmen_namesrv::{NameServer, NamesrvConfig};
use fulmen_protocol::body::{
    DataVersion, JsonBody, RegisterBrokerBody, TopicConfig, TopicConfigSerializeWrapper,
};
use fulmen_protocol::header::{
    PullMessageRequestHeader, PullMessageResponseHeader, QueryConsumerOffsetRequestHeader,
    QueryConsumerOffsetResponseHeader, RegisterBrokerRequestHeader, SendMessageRequestHeaderV2,
    SendMessageResponseHeader, UpdateConsumerOffsetRequestHeader,
};
use fulmen_protocol::message::{MessageExt, Properties};
use fulmen_protocol::msgid::OffsetMessageId;
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::{ClientConfig, RemotingClient, RemotingServer, ServerConfig, processor_fn};
use indexmap::IndexMap;

/// No test may run longer than this.
pub const TEST_BOUND: Duration = Duration::from_secs(20);

/// Runs `test` within [`TEST_BOUND`].
pub async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_BOUND, test)
        .await
        .expect("the test did not finish within its time bound")
}

/// A name server on a free local port.
pub async fn namesrv() -> NameServer {
    NameServer::start(NamesrvConfig::default()).await.unwrap()
}

/// What the fake broker does and has seen.
#[derive(Default)]
pub struct BrokerState {
    /// Every request received, in order.
    pub received: Mutex<Vec<RemotingCommand>>,
    /// Codes to answer the next sends with, before answering SUCCESS.
    pub send_script: Mutex<VecDeque<ResponseCode>>,
    /// How long each send is held before its answer.
    pub send_delay: Mutex<Duration>,
    /// Stored messages.
    pub messages: Mutex<Vec<MessageExt>>,
    /// Stored consumer offsets by (group, topic, queue).
    pub offsets: Mutex<HashMap<(String, String, i32), i64>>,
    /// Fixed answers by request code, given before any built-in handling.
    pub scripted: Mutex<HashMap<i32, RemotingCommand>>,
}

impl BrokerState {
    /// The received requests with `code`.
    pub fn requests(&self, code: RequestCode) -> Vec<RemotingCommand> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|request| request.code == code.0)
            .cloned()
            .collect()
    }
}

/// A fake broker on a free local port.
pub struct FakeBroker {
    pub name: String,
    pub server: RemotingServer,
    pub state: Arc<BrokerState>,
    registration: Mutex<Option<RemotingClient>>,
}

impl FakeBroker {
    pub async fn start(name: &str) -> FakeBroker {
        let state = Arc::new(BrokerState::default());
        let shared = state.clone();
        let server = RemotingServer::builder(ServerConfig::default())
            .default_processor(processor_fn(move |_ctx, request| {
                let state = shared.clone();
                async move { handle(&state, request).await }
            }))
            .bind()
            .await
            .unwrap();
        FakeBroker {
            name: name.to_owned(),
            server,
            state,
            registration: Mutex::new(None),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Registers this broker as a master with `namesrv`, with `topics` (4 queues, perm 6) and, if
    /// `with_template`, `TBW102` (8 queues, perm 7).
    pub async fn register(&self, namesrv: &NameServer, topics: &[&str], with_template: bool) {
        let mut table = IndexMap::new();
        if with_template {
            table.insert("TBW102".to_owned(), TopicConfig::new("TBW102", 8, 8, 7));
        }
        for topic in topics {
            table.insert((*topic).to_owned(), TopicConfig::new(*topic, 4, 4, 6));
        }
        let version = DataVersion {
            counter: 1,
            state_version: 0,
            timestamp: 1_700_000_000_000,
        };
        let body = RegisterBrokerBody {
            topic_config_serialize_wrapper: TopicConfigSerializeWrapper::with_empty_mappings(
                table, version, version,
            ),
            filter_server_list: Vec::new(),
        }
        .encode()
        .unwrap();
        let header = RegisterBrokerRequestHeader {
            broker_name: self.name.clone(),
            broker_addr: self.addr().to_string(),
            cluster_name: "DefaultCluster".into(),
            ha_server_addr: format!("{}-ha", self.addr()),
            broker_id: 0,
            heartbeat_timeout_millis: None,
            enable_acting_master: Some(false),
            compressed: Some(false),
            body_crc32: Some((crc32fast::hash(&body) & 0x7FFF_FFFF) as i32),
            zone_name: None,
        };
        let request = RemotingCommand::request(RequestCode::REGISTER_BROKER)
            .with_header(&header)
            .with_body(body);
        let client = RemotingClient::new(ClientConfig::default()).unwrap();
        let response = client
            .invoke(&namesrv.local_addr().to_string(), request, Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(
            response.response_code(),
            ResponseCode::SUCCESS,
            "{:?}",
            response.remark
        );
        // the name server forgets a broker whose registration connection closes: keep it open
        *self.registration.lock().unwrap() = Some(client);
    }

    pub async fn shutdown(&self) {
        let registration = self.registration.lock().unwrap().take();
        if let Some(client) = registration {
            client.shutdown().await;
        }
        self.server.shutdown().await;
    }
}

async fn handle(state: &BrokerState, request: RemotingCommand) -> Option<RemotingCommand> {
    state.received.lock().unwrap().push(request.clone());
    let code = request.request_code();
    if let Some(answer) = state.scripted.lock().unwrap().get(&code.0) {
        return Some(answer.clone());
    }
    if code == RequestCode::SEND_MESSAGE_V2 {
        Some(send(state, &request).await)
    } else if code == RequestCode::PULL_MESSAGE {
        Some(pull(state, &request))
    } else if code == RequestCode::QUERY_CONSUMER_OFFSET {
        let header: QueryConsumerOffsetRequestHeader = request.decode_header().unwrap();
        let key = (header.consumer_group, header.topic, header.queue_id);
        Some(match state.offsets.lock().unwrap().get(&key) {
            Some(offset) => RemotingCommand::response(ResponseCode::SUCCESS, None)
                .with_header(&QueryConsumerOffsetResponseHeader { offset: *offset }),
            None => RemotingCommand::response(ResponseCode::QUERY_NOT_FOUND, Some("Not found".into())),
        })
    } else if code == RequestCode::UPDATE_CONSUMER_OFFSET {
        let header: UpdateConsumerOffsetRequestHeader = request.decode_header().unwrap();
        let key = (header.consumer_group, header.topic, header.queue_id);
        state.offsets.lock().unwrap().insert(key, header.commit_offset);
        Some(RemotingCommand::response(ResponseCode::SUCCESS, None))
    } else {
        Some(RemotingCommand::response(ResponseCode::SUCCESS, None))
    }
}

async fn send(state: &BrokerState, request: &RemotingCommand) -> RemotingCommand {
    let delay = *state.send_delay.lock().unwrap();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    // FLUSH_DISK_TIMEOUT (10), SLAVE_NOT_AVAILABLE (11), FLUSH_SLAVE_TIMEOUT (12): stored, answered with the code
    let status = match state.send_script.lock().unwrap().pop_front() {
        Some(code) if (10..=12).contains(&code.0) => code,
        Some(code) => return RemotingCommand::response(code, Some(format!("scripted {code}"))),
        None => ResponseCode::SUCCESS,
    };
    let header: SendMessageRequestHeaderV2 = request.decode_header().unwrap();
    let properties = Properties::decode(header.properties.as_deref().unwrap_or_default());
    let mut messages = state.messages.lock().unwrap();
    let queue_offset = messages
        .iter()
        .filter(|m| m.topic == header.topic && m.queue_id == header.queue_id)
        .count() as i64;
    let commit_log_offset = messages.len() as i64 * 1000;
    let store_host: SocketAddr = "127.0.0.1:10911".parse().unwrap();
    let uniq_key = properties.get("UNIQ_KEY").map(str::to_owned);
    messages.push(MessageExt {
        queue_id: header.queue_id,
        flag: header.flag,
        queue_offset,
        commit_log_offset,
        sys_flag: header.sys_flag,
        born_timestamp: header.born_timestamp,
        born_host: "127.0.0.1:50000".parse().unwrap(),
        store_timestamp: header.born_timestamp + 1,
        store_host,
        body: request.body.clone(),
        topic: header.topic.clone(),
        properties,
        ..MessageExt::default()
    });
    let response_header = SendMessageResponseHeader {
        msg_id: OffsetMessageId::new(store_host, commit_log_offset).to_string(),
        queue_id: header.queue_id,
        queue_offset,
        transaction_id: uniq_key,
        msg_region: Some("DefaultRegion".into()),
        trace_on: Some(true),
        ..SendMessageResponseHeader::default()
    };
    RemotingCommand::response(status, None).with_header(&response_header)
}

fn pull(state: &BrokerState, request: &RemotingCommand) -> RemotingCommand {
    let header: PullMessageRequestHeader = request.decode_header().unwrap();
    let messages = state.messages.lock().unwrap();
    let in_queue: Vec<&MessageExt> = messages
        .iter()
        .filter(|m| m.topic == header.topic && m.queue_id == header.queue_id)
        .collect();
    let max_offset = in_queue.len() as i64;
    let found: Vec<&&MessageExt> = in_queue
        .iter()
        .filter(|m| m.queue_offset >= header.queue_offset)
        .take(header.max_msg_nums as usize)
        .collect();
    let next = found.last().map_or(header.queue_offset, |m| m.queue_offset + 1);
    let response_header = PullMessageResponseHeader {
        suggest_which_broker_id: 0,
        next_begin_offset: next,
        min_offset: 0,
        max_offset,
        ..PullMessageResponseHeader::default()
    };
    if found.is_empty() {
        return RemotingCommand::response(ResponseCode::PULL_NOT_FOUND, None).with_header(&response_header);
    }
    let mut body = BytesMut::new();
    for message in found {
        let mut message = (*message).clone();
        message.update_body_crc();
        message.encode(&mut body).unwrap();
    }
    RemotingCommand::response(ResponseCode::SUCCESS, Some("FOUND".into()))
        .with_header(&response_header)
        .with_body(body.freeze())
}

/// A local address nothing listens on.
pub fn dead_addr() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr.to_string()
}
