//! Configuration of connections, the client and the server, with their defaults and validation.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use fulmen_protocol::{DEFAULT_MAX_FRAME_LEN, SerializeType};

use crate::error::{RemotingError, Result};

/// What a connection does with a request that arrives while `max_in_flight_requests` requests from the same peer
/// are already being processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverloadPolicy {
    /// Stop reading the connection until a request finishes, so TCP pushes back on the peer. Nothing fails, but
    /// responses to requests *this* side sent on the same connection are not read until a slot frees.
    #[default]
    Wait,
    /// Answer at once with `SYSTEM_BUSY (2)` and keep reading (oneway requests are dropped). This is what a Java
    /// broker does when an executor queue is full; Java clients retry sends on it.
    RejectBusy,
}

/// Settings every connection has, on either side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionConfig {
    /// The header form of every command this side writes, requests and responses alike (Java's
    /// `rocketmq.serialize.type`). Every received frame is decoded in whichever form it uses.
    pub serialize_type: SerializeType,
    /// The longest frame accepted, length field included; a longer one closes the connection.
    pub max_frame_len: usize,
    /// How many requests from the peer may be processed at once on one connection.
    pub max_in_flight_requests: usize,
    /// What happens to a request beyond `max_in_flight_requests`.
    pub overload_policy: OverloadPolicy,
    /// How many encoded frames may wait for the connection's writer task.
    pub write_queue_capacity: usize,
    /// How long a oneway request may wait for room in the write queue.
    pub oneway_send_timeout: Duration,
    /// A connection that receives no frame for this long while none of this side's requests waits for an answer
    /// is closed (Java's `serverChannelMaxIdleTimeSeconds` / `clientChannelMaxIdleTimeSeconds`, 120 s). This also
    /// frees the slot and buffer of a peer that stops in the middle of a frame.
    pub idle_timeout: Duration,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        ConnectionConfig {
            serialize_type: SerializeType::Json,
            max_frame_len: DEFAULT_MAX_FRAME_LEN,
            max_in_flight_requests: 1024,
            overload_policy: OverloadPolicy::Wait,
            write_queue_capacity: 1024,
            oneway_send_timeout: Duration::from_secs(3),
            idle_timeout: Duration::from_secs(120),
        }
    }
}

impl ConnectionConfig {
    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<()> {
        positive("max_frame_len", self.max_frame_len)?;
        positive("max_in_flight_requests", self.max_in_flight_requests)?;
        if self.max_in_flight_requests > MAX_PERMITS {
            return invalid(format!("max_in_flight_requests must be at most {MAX_PERMITS}"));
        }
        positive("write_queue_capacity", self.write_queue_capacity)?;
        non_zero("oneway_send_timeout", self.oneway_send_timeout)?;
        non_zero("idle_timeout", self.idle_timeout)
    }
}

/// Settings of a [`crate::RemotingClient`]. Its connections answer server-initiated requests beyond the in-flight
/// bound with `SYSTEM_BUSY` ([`OverloadPolicy::RejectBusy`]) rather than pausing their reads, so a slow callback
/// never delays the responses to the client's own requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// How long setting up one TCP connection may take (Java's `connectTimeoutMillis`, 3 s).
    pub connect_timeout: Duration,
    /// Settings of each connection.
    pub connection: ConnectionConfig,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(3),
            connection: ConnectionConfig {
                max_in_flight_requests: 64,
                overload_policy: OverloadPolicy::RejectBusy,
                ..ConnectionConfig::default()
            },
        }
    }
}

impl ClientConfig {
    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<()> {
        non_zero("connect_timeout", self.connect_timeout)?;
        self.connection.validate()
    }
}

/// Settings of a [`crate::RemotingServer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// Where to listen; port 0 picks a free port (see [`crate::RemotingServer::local_addr`]).
    /// The default is `127.0.0.1:0`: listening on every interface is an explicit choice.
    pub bind_addr: SocketAddr,
    /// How many connections may be open at once; further ones are closed as soon as they are accepted.
    pub max_connections: usize,
    /// How long a graceful shutdown waits for in-flight requests to finish and their responses to be written
    /// before the remaining connections are closed.
    pub shutdown_timeout: Duration,
    /// Settings of each connection.
    pub connection: ConnectionConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            max_connections: 10_000,
            shutdown_timeout: Duration::from_secs(5),
            connection: ConnectionConfig::default(),
        }
    }
}

impl ServerConfig {
    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<()> {
        positive("max_connections", self.max_connections)?;
        if self.max_connections > MAX_PERMITS {
            return invalid(format!("max_connections must be at most {MAX_PERMITS}"));
        }
        non_zero("shutdown_timeout", self.shutdown_timeout)?;
        self.connection.validate()
    }
}

/// The largest limit accepted: it must fit a tokio semaphore on every platform and `acquire_many`'s `u32`.
const MAX_PERMITS: usize = u32::MAX as usize >> 3;

fn positive(name: &str, value: usize) -> Result<()> {
    if value == 0 {
        return invalid(format!("{name} must be at least 1"));
    }
    Ok(())
}

fn non_zero(name: &str, value: Duration) -> Result<()> {
    if value.is_zero() {
        return invalid(format!("{name} must be longer than zero"));
    }
    Ok(())
}

fn invalid(reason: String) -> Result<()> {
    Err(RemotingError::InvalidConfig(reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_zeros_are_refused() {
        ClientConfig::default().validate().unwrap();
        ServerConfig::default().validate().unwrap();

        let mut config = ServerConfig::default();
        config.connection.max_in_flight_requests = 0;
        let err = config.validate().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid remoting configuration: max_in_flight_requests must be at least 1"
        );

        let config = ClientConfig {
            connect_timeout: Duration::ZERO,
            ..ClientConfig::default()
        };
        assert!(config.validate().is_err());
    }
}
