//! `NamesrvConfig`: where a name server listens, how it expires brokers, and the switches Java's `NamesrvConfig`
//! has, with Apache's defaults and validation.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use fulmen_remoting::{ConnectionConfig, ServerConfig};

use crate::error::{NamesrvError, Result};

/// The port Apache's name server listens on; the CLI uses it, embedded name servers pick a free port.
pub const DEFAULT_NAMESRV_PORT: u16 = 9876;

/// Settings of a [`crate::NameServer`]. `Default` gives Apache's values, except the listen address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamesrvConfig {
    /// Where to listen. The default, `127.0.0.1:0`, picks a free local port (see
    /// [`crate::NameServer::local_addr`]); a standalone name server listens on port [`DEFAULT_NAMESRV_PORT`].
    pub listen_addr: SocketAddr,
    /// How often brokers whose registration timed out are removed (Java's `scanNotActiveBrokerInterval`, 5 s).
    pub scan_interval: Duration,
    /// How long a registration lives without a new one when the broker's `heartbeatTimeoutMillis` header is
    /// absent (Java's 120 s).
    pub default_broker_timeout: Duration,
    /// Whether topic routes carry `orderTopicConf` from the `ORDER_TOPIC_CONFIG` KV namespace (Java's
    /// `orderMessageEnable`, default false). Java clients then build their queues from that text instead of the
    /// queue data, so it is off unless asked for.
    pub order_message_enable: bool,
    /// Whether REGISTER_BROKER answers carry the `ORDER_TOPIC_CONFIG` KV namespace (Java's
    /// `returnOrderTopicConfigToBroker`, default true).
    pub return_order_topic_config_to_broker: bool,
    /// Whether GET_ALL_TOPIC_LIST_FROM_NAMESERVER is answered (Java's `enableAllTopicList`, default true).
    pub enable_all_topic_list: bool,
    /// Whether GET_TOPICS_BY_CLUSTER is answered (Java's `enableTopicList`, default true).
    pub enable_topic_list: bool,
    /// Whether a master's registration removes its topics that are no longer in its topic table (Java's
    /// `deleteTopicWithBrokerRegistration`, default false).
    pub delete_topic_with_broker_registration: bool,
    /// How many connections may be open at once.
    pub max_connections: usize,
    /// How long a graceful shutdown waits for requests in flight.
    pub shutdown_timeout: Duration,
    /// Settings of each connection (header form of responses, frame limit, in-flight limit).
    pub connection: ConnectionConfig,
}

impl Default for NamesrvConfig {
    fn default() -> Self {
        let server = ServerConfig::default();
        NamesrvConfig {
            listen_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            scan_interval: Duration::from_secs(5),
            default_broker_timeout: Duration::from_secs(120),
            order_message_enable: false,
            return_order_topic_config_to_broker: true,
            enable_all_topic_list: true,
            enable_topic_list: true,
            delete_topic_with_broker_registration: false,
            max_connections: server.max_connections,
            shutdown_timeout: server.shutdown_timeout,
            connection: server.connection,
        }
    }
}

impl NamesrvConfig {
    /// The default settings with another listen address.
    pub fn with_listen_addr(listen_addr: SocketAddr) -> Self {
        NamesrvConfig {
            listen_addr,
            ..NamesrvConfig::default()
        }
    }

    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<()> {
        if self.scan_interval.is_zero() {
            return Err(invalid("scan_interval must be longer than zero"));
        }
        if self.default_broker_timeout.is_zero() {
            return Err(invalid("default_broker_timeout must be longer than zero"));
        }
        if i64::try_from(self.default_broker_timeout.as_millis()).is_err() {
            return Err(invalid("default_broker_timeout is too long"));
        }
        self.server_config()
            .validate()
            .map_err(|error| invalid(&error.to_string()))
    }

    /// The remoting server's settings.
    pub(crate) fn server_config(&self) -> ServerConfig {
        ServerConfig {
            bind_addr: self.listen_addr,
            max_connections: self.max_connections,
            shutdown_timeout: self.shutdown_timeout,
            connection: self.connection.clone(),
        }
    }

    /// The switches that UPDATE_NAMESRV_CONFIG may change while the name server runs.
    pub(crate) fn switches(&self) -> Switches {
        Switches {
            order_message_enable: self.order_message_enable,
            return_order_topic_config_to_broker: self.return_order_topic_config_to_broker,
            enable_all_topic_list: self.enable_all_topic_list,
            enable_topic_list: self.enable_topic_list,
            delete_topic_with_broker_registration: self.delete_topic_with_broker_registration,
        }
    }
}

/// The boolean settings a running name server reads on every request, so an admin can change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Switches {
    pub(crate) order_message_enable: bool,
    pub(crate) return_order_topic_config_to_broker: bool,
    pub(crate) enable_all_topic_list: bool,
    pub(crate) enable_topic_list: bool,
    pub(crate) delete_topic_with_broker_registration: bool,
}

fn invalid(reason: &str) -> NamesrvError {
    NamesrvError::InvalidConfig(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_apaches_and_valid() {
        let config = NamesrvConfig::default();
        config.validate().unwrap();
        assert_eq!(config.listen_addr.to_string(), "127.0.0.1:0");
        assert_eq!(config.scan_interval, Duration::from_secs(5));
        assert_eq!(config.default_broker_timeout, Duration::from_secs(120));
        assert!(!config.order_message_enable);
        assert!(config.return_order_topic_config_to_broker);
    }

    #[test]
    fn zero_durations_and_bad_remoting_settings_are_refused() {
        let config = NamesrvConfig {
            scan_interval: Duration::ZERO,
            ..NamesrvConfig::default()
        };
        assert_eq!(
            config.validate().unwrap_err().to_string(),
            "invalid name server configuration: scan_interval must be longer than zero"
        );
        let config = NamesrvConfig {
            default_broker_timeout: Duration::ZERO,
            ..NamesrvConfig::default()
        };
        assert!(config.validate().is_err());
        let config = NamesrvConfig {
            max_connections: 0,
            ..NamesrvConfig::default()
        };
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("max_connections")
        );
    }
}
