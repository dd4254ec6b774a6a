//! Configuration of the client facade, with Apache RocketMQ's defaults and the checks that run at start.

use std::time::Duration;

use fulmen_protocol::SerializeType;

use crate::error::{Error, Result};
use crate::validation::check_group;

/// The template topic producers fall back to for unknown topics (`TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC`).
pub const DEFAULT_CREATE_TOPIC_KEY: &str = "TBW102";
/// The instance name of a client that sets none (`ClientConfig.instanceName`'s default).
pub const DEFAULT_INSTANCE_NAME: &str = "DEFAULT";
/// The largest message body accepted by default (4 MiB, `DefaultMQProducer.maxMessageSize`).
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

/// Settings every client (producer or consumer) has: where the name servers are and the periodic tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// Name server addresses, `host:port` separated by `;` (Java's `namesrvAddr`).
    pub namesrv_addr: String,
    /// The timeout of name server and admin requests (`mqClientApiTimeout`, 3 s).
    pub rpc_timeout: Duration,
    /// How often routes of used topics are refreshed (`pollNameServerInterval`, 30 s).
    pub route_poll_interval: Duration,
    /// How often brokers get a heartbeat (`heartbeatBrokerInterval`, 30 s).
    pub heartbeat_interval: Duration,
    /// The instance name in the client id `ip@instanceName` (`instanceName`, [`DEFAULT_INSTANCE_NAME`]). Producers
    /// and clustering consumers replace the default with `pid#nanos` at start, as Java does, so that two clients of
    /// one process get different ids; set another name to keep a stable id.
    pub instance_name: String,
    /// Appended to the client id as `@unitName` when set (`unitName`).
    pub unit_name: Option<String>,
    /// The header form of every request the client writes (Java's `rocketmq.serialize.type`, JSON by default;
    /// Apache's benchmark tool sets the binary [`SerializeType::RocketMq`]). Answers are read in either form.
    pub serialize_type: SerializeType,
}

impl ClientConfig {
    /// Defaults with `namesrv_addr`.
    pub fn new(namesrv_addr: impl Into<String>) -> Self {
        ClientConfig {
            namesrv_addr: namesrv_addr.into(),
            rpc_timeout: Duration::from_secs(3),
            route_poll_interval: Duration::from_secs(30),
            heartbeat_interval: Duration::from_secs(30),
            instance_name: DEFAULT_INSTANCE_NAME.to_owned(),
            unit_name: None,
            serialize_type: SerializeType::Json,
        }
    }

    /// The client id: `ip@instanceName`, then `@unitName` when there is one (`ClientConfig.buildMQClientId`).
    pub fn client_id(&self, ip: std::net::IpAddr) -> String {
        match self.unit_name.as_deref().filter(|unit| !unit.is_empty()) {
            Some(unit) => format!("{ip}@{}@{unit}", self.instance_name),
            None => format!("{ip}@{}", self.instance_name),
        }
    }

    /// Replaces the default instance name with `pid#nanos` (`ClientConfig.changeInstanceNameToPID`); any other
    /// name is kept.
    pub(crate) fn with_pid_instance_name(mut self) -> Self {
        if self.instance_name == DEFAULT_INSTANCE_NAME {
            self.instance_name = crate::instance::identity::pid_instance_name();
        }
        self
    }

    /// The name server addresses, in the configured order, empty entries dropped.
    pub fn namesrv_addrs(&self) -> Vec<String> {
        self.namesrv_addr
            .split(';')
            .map(str::trim)
            .filter(|addr| !addr.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<()> {
        let addrs = self.namesrv_addrs();
        if addrs.is_empty() {
            return Err(Error::invalid_argument("no name server address is configured"));
        }
        for addr in &addrs {
            let valid = addr
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
            if !valid {
                return Err(Error::invalid_argument(format!(
                    "the name server address {addr} is not host:port"
                )));
            }
        }
        if self.instance_name.is_empty() || self.instance_name.contains('@') {
            return Err(Error::invalid_argument(format!(
                "the instance name {:?} must be non-empty and without '@'",
                self.instance_name
            )));
        }
        non_zero("rpc_timeout", self.rpc_timeout)?;
        non_zero("route_poll_interval", self.route_poll_interval)?;
        non_zero("heartbeat_interval", self.heartbeat_interval)
    }
}

/// Settings of a [`crate::Producer`]; the defaults are `DefaultMQProducer`'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerConfig {
    /// The client settings.
    pub client: ClientConfig,
    /// The producer group.
    pub group: String,
    /// The time one send may take, retries included (`sendMsgTimeout`, 3 s).
    pub send_timeout: Duration,
    /// Further attempts after a failed synchronous send (`retryTimesWhenSendFailed`, 2).
    pub retry_times: u32,
    /// Bodies at least this long are compressed (`compressMsgBodyOverHowmuch`, 4096).
    pub compress_over: usize,
    /// The zlib level of compression (`rocketmq.message.compressLevel`, 5).
    pub compress_level: i32,
    /// The largest body accepted (`maxMessageSize`, 4 MiB).
    pub max_message_size: usize,
    /// The queue count of auto-created topics (`defaultTopicQueueNums`, 4).
    pub default_topic_queue_nums: i32,
    /// The template topic of auto-created topics (`createTopicKey`, `TBW102`).
    pub create_topic_key: String,
    /// Whether brokers are avoided for a while after slow or failed sends (`sendLatencyEnable`, false); see
    /// [`crate::Producer`].
    pub send_latency_fault_enable: bool,
    /// Further attempts on another broker after an asynchronous send failed in transport
    /// (`retryTimesWhenSendAsyncFailed`, 2).
    pub retry_times_async: u32,
    /// Whether a synchronous send that was stored but not flushed or replicated in time (a status other than
    /// `SEND_OK`) is tried again on another broker (`retryAnotherBrokerWhenNotStoreOK`, false).
    pub retry_another_broker_when_not_store_ok: bool,
    /// The broker response codes a synchronous send retries on another queue (`retryResponseCodes`:
    /// TOPIC_NOT_EXIST, SERVICE_NOT_AVAILABLE, SYSTEM_ERROR, SYSTEM_BUSY, NO_PERMISSION, NO_BUYER_ID,
    /// NOT_IN_CURRENT_UNIT, GO_AWAY).
    pub retry_response_codes: Vec<i32>,
    /// The longest one synchronous attempt may wait while another attempt is still possible
    /// (`sendMsgMaxTimeoutPerRequest`; `None`, Java's −1, lets every attempt use what is left of `send_timeout`).
    pub send_max_timeout_per_request: Option<Duration>,
    /// The reachability detector of the latency fault tolerance (off by default).
    pub detector: crate::producer::FaultDetectorConfig,
}

impl ProducerConfig {
    /// Defaults with the name servers `namesrv_addr` and the producer `group`.
    pub fn new(namesrv_addr: impl Into<String>, group: impl Into<String>) -> Self {
        ProducerConfig {
            client: ClientConfig::new(namesrv_addr),
            group: group.into(),
            send_timeout: Duration::from_secs(3),
            retry_times: 2,
            compress_over: 4096,
            compress_level: 5,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            default_topic_queue_nums: 4,
            create_topic_key: DEFAULT_CREATE_TOPIC_KEY.to_owned(),
            send_latency_fault_enable: false,
            retry_times_async: 2,
            retry_another_broker_when_not_store_ok: false,
            retry_response_codes: vec![17, 14, 1, 2, 16, 204, 205, 1500],
            send_max_timeout_per_request: None,
            detector: crate::producer::FaultDetectorConfig::default(),
        }
    }

    /// Checks that every value is usable, as `DefaultMQProducerImpl.checkConfig` does.
    pub fn validate(&self) -> Result<()> {
        self.client.validate()?;
        check_group(&self.group)?;
        if self.group == "DEFAULT_PRODUCER" {
            return Err(Error::invalid_argument(
                "producerGroup can not equal DEFAULT_PRODUCER, please specify another one.",
            ));
        }
        non_zero("send_timeout", self.send_timeout)?;
        if !(-1..=9).contains(&self.compress_level) {
            return Err(Error::invalid_argument("compress_level must be between -1 and 9"));
        }
        if self.max_message_size == 0 {
            return Err(Error::invalid_argument("max_message_size must be at least 1"));
        }
        if self.default_topic_queue_nums < 1 {
            return Err(Error::invalid_argument(
                "default_topic_queue_nums must be at least 1",
            ));
        }
        self.detector.validate()?;
        crate::validation::check_topic(&self.create_topic_key)
    }
}

/// Settings of a [`crate::PullConsumer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullConsumerConfig {
    /// The client settings.
    pub client: ClientConfig,
    /// The consumer group.
    pub group: String,
    /// The largest body a pulled message may decompress to (4 MiB by default, like the broker's limit).
    pub max_message_size: usize,
}

impl PullConsumerConfig {
    /// Defaults with the name servers `namesrv_addr` and the consumer `group`.
    pub fn new(namesrv_addr: impl Into<String>, group: impl Into<String>) -> Self {
        PullConsumerConfig {
            client: ClientConfig::new(namesrv_addr),
            group: group.into(),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
        }
    }

    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<()> {
        self.client.validate()?;
        check_group(&self.group)?;
        if self.max_message_size == 0 {
            return Err(Error::invalid_argument("max_message_size must be at least 1"));
        }
        Ok(())
    }
}

pub(crate) fn non_zero(name: &str, value: Duration) -> Result<()> {
    if value.is_zero() {
        return Err(Error::invalid_argument(format!(
            "{name} must be longer than zero"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_apache_and_validate() {
        let config = ProducerConfig::new("127.0.0.1:9876;10.0.0.2:9876", "PG");
        assert_eq!(config.send_timeout, Duration::from_secs(3));
        assert_eq!(config.retry_times, 2);
        assert_eq!(config.retry_times_async, 2);
        assert!(!config.send_latency_fault_enable);
        assert!(!config.retry_another_broker_when_not_store_ok);
        assert_eq!(config.retry_response_codes, [17, 14, 1, 2, 16, 204, 205, 1500]);
        assert_eq!(config.compress_over, 4096);
        assert_eq!(config.max_message_size, 4 * 1024 * 1024);
        assert_eq!(config.client.route_poll_interval, Duration::from_secs(30));
        assert_eq!(config.client.heartbeat_interval, Duration::from_secs(30));
        assert_eq!(config.client.serialize_type, SerializeType::Json);
        assert_eq!(config.client.namesrv_addrs(), ["127.0.0.1:9876", "10.0.0.2:9876"]);
        config.validate().unwrap();
        PullConsumerConfig::new("localhost:9876", "CG")
            .validate()
            .unwrap();
    }

    #[test]
    fn client_ids_follow_java() {
        let ip = std::net::IpAddr::from([10, 0, 0, 9]);
        let mut config = ClientConfig::new("h:1");
        assert_eq!(config.client_id(ip), "10.0.0.9@DEFAULT");
        config.unit_name = Some("unit".into());
        assert_eq!(config.client_id(ip), "10.0.0.9@DEFAULT@unit");
        config.unit_name = None;
        let pid = config.clone().with_pid_instance_name();
        let (pid_part, nanos) = pid.instance_name.split_once('#').unwrap();
        assert_eq!(pid_part, std::process::id().to_string());
        assert!(nanos.parse::<u128>().is_ok());
        config.instance_name = "mine".into();
        assert_eq!(config.clone().with_pid_instance_name().instance_name, "mine");
        config.instance_name = "a@b".into();
        assert!(config.validate().is_err());
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(ProducerConfig::new("", "PG").validate().is_err());
        assert!(ProducerConfig::new("nohost", "PG").validate().is_err());
        assert!(ProducerConfig::new("h:99999", "PG").validate().is_err());
        assert!(ProducerConfig::new("h:1", "DEFAULT_PRODUCER").validate().is_err());
        assert!(ProducerConfig::new("h:1", "bad group").validate().is_err());
        let mut config = ProducerConfig::new("h:1", "PG");
        config.send_timeout = Duration::ZERO;
        assert!(config.validate().is_err());
    }
}
