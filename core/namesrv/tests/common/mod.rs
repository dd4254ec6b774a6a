//! Helpers shared by the end-to-end tests: name servers on 127.0.0.1:0, a remoting client, the requests a
//! broker and an admin send, and time bounds around everything.
#![allow(dead_code)] // each test file uses a different subset
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::future::Future;
use std::time::Duration;

use fulmen_namesrv::{NameServer, NamesrvConfig};
use fulmen_protocol::body::{
    DataVersion, JsonBody, RegisterBrokerBody, TopicConfig, TopicConfigSerializeWrapper,
};
use fulmen_protocol::header::{GetRouteInfoRequestHeader, RegisterBrokerRequestHeader};
use fulmen_protocol::{CommandHeader, RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::{ClientConfig, RemotingClient};
use indexmap::IndexMap;

/// No test may run longer than this.
pub const TEST_BOUND: Duration = Duration::from_secs(30);
/// The timeout of each request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The cluster every test broker joins.
pub const CLUSTER: &str = "DefaultCluster";

/// Runs `test` within [`TEST_BOUND`].
pub async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_BOUND, test)
        .await
        .expect("the test did not finish within its time bound")
}

/// A name server with the default settings on a free local port.
pub async fn namesrv() -> NameServer {
    NameServer::start(NamesrvConfig::default()).await.unwrap()
}

/// A remoting client with the default settings.
pub fn client() -> RemotingClient {
    RemotingClient::new(ClientConfig::default()).unwrap()
}

/// Sends `request` to `namesrv` and returns the response.
pub async fn call(
    client: &RemotingClient,
    namesrv: &NameServer,
    request: RemotingCommand,
) -> RemotingCommand {
    client
        .invoke(&namesrv.local_addr().to_string(), request, REQUEST_TIMEOUT)
        .await
        .unwrap()
}

/// A request with `code` and `header`.
pub fn request<H: CommandHeader>(code: RequestCode, header: &H) -> RemotingCommand {
    RemotingCommand::request(code).with_header(header)
}

/// Asserts `SUCCESS` and returns the response.
pub fn ok(response: RemotingCommand) -> RemotingCommand {
    assert_eq!(
        response.response_code(),
        ResponseCode::SUCCESS,
        "remark: {:?}",
        response.remark
    );
    response
}

/// The response body as text.
pub fn text(response: &RemotingCommand) -> String {
    String::from_utf8(response.body.to_vec()).unwrap()
}

/// A broker's topics: `TBW102` (8 queues, perm 7) and each of `topics` (4 queues, perm 6), at `counter`.
pub fn topic_configs(counter: i64, topics: &[&str]) -> TopicConfigSerializeWrapper {
    let mut table = IndexMap::from([("TBW102".to_owned(), TopicConfig::new("TBW102", 8, 8, 7))]);
    for topic in topics {
        table.insert((*topic).to_owned(), TopicConfig::new(*topic, 4, 4, 6));
    }
    let version = DataVersion {
        counter,
        state_version: 0,
        timestamp: 1_700_000_000_000,
    };
    TopicConfigSerializeWrapper::with_empty_mappings(table, version, version)
}

/// What a broker registers: its identity and topics.
#[derive(Debug, Clone)]
pub struct Broker {
    pub name: String,
    pub id: i64,
    pub addr: String,
    pub heartbeat_timeout_millis: Option<i64>,
    pub topics: TopicConfigSerializeWrapper,
}

impl Broker {
    /// A master `name` at `addr` with `topics` at data version 1.
    pub fn master(name: &str, addr: &str, topics: &[&str]) -> Self {
        Broker {
            name: name.into(),
            id: 0,
            addr: addr.into(),
            heartbeat_timeout_millis: None,
            topics: topic_configs(1, topics),
        }
    }

    /// The REGISTER_BROKER request a 5.3.3 Java broker sends for this broker, with the body's CRC, the body
    /// plain or compressed.
    pub fn register_request(&self, compressed: bool) -> RemotingCommand {
        let body = RegisterBrokerBody {
            topic_config_serialize_wrapper: self.topics.clone(),
            filter_server_list: Vec::new(),
        };
        let body = if compressed {
            body.encode_compressed().unwrap()
        } else {
            body.encode().unwrap()
        };
        let header = RegisterBrokerRequestHeader {
            broker_name: self.name.clone(),
            broker_addr: self.addr.clone(),
            cluster_name: CLUSTER.into(),
            ha_server_addr: format!("{}-ha", self.addr),
            broker_id: self.id,
            heartbeat_timeout_millis: self.heartbeat_timeout_millis,
            enable_acting_master: Some(false),
            compressed: Some(compressed),
            body_crc32: Some((crc32fast::hash(&body) & 0x7FFF_FFFF) as i32),
            zone_name: None,
        };
        request(RequestCode::REGISTER_BROKER, &header).with_body(body)
    }

    /// Registers over `client` and asserts `SUCCESS`.
    pub async fn register(&self, client: &RemotingClient, namesrv: &NameServer) -> RemotingCommand {
        ok(call(client, namesrv, self.register_request(false)).await)
    }
}

/// A GET_ROUTEINFO_BY_TOPIC request from a client announcing `version`.
pub fn route_request(topic: &str, version: i32, accept_standard_json_only: Option<bool>) -> RemotingCommand {
    let mut request = request(
        RequestCode::GET_ROUTEINFO_BY_TOPIC,
        &GetRouteInfoRequestHeader {
            topic: topic.into(),
            accept_standard_json_only,
        },
    );
    request.version = version;
    request
}

/// The response code of a route request for `topic` from a current client.
pub async fn route_code(client: &RemotingClient, namesrv: &NameServer, topic: &str) -> ResponseCode {
    call(client, namesrv, route_request(topic, 479, None))
        .await
        .response_code()
}

/// Polls `condition` every 20 ms until it holds; panics after `within`.
pub async fn eventually<F, Fut>(within: Duration, what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} did not happen within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
