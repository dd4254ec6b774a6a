//! [`AdminConfig`]: the settings of an [`super::Admin`], with `DefaultMQAdminExt`'s defaults.

use std::time::Duration;

use crate::config::ClientConfig;
use crate::error::Result;

/// The request timeout of admin calls (`DefaultMQAdminExt.timeoutMillis`, 5 s).
pub const DEFAULT_ADMIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Settings of an [`super::Admin`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminConfig {
    /// Name servers and request timeout; the timeout defaults to 5 s as `DefaultMQAdminExt.timeoutMillis`.
    /// Queries that fan out to every broker (consume stats, query message) wait three times as long, as Java.
    pub client: ClientConfig,
}

impl AdminConfig {
    /// Defaults with `namesrv_addr` (`host:port`, `;` separated).
    pub fn new(namesrv_addr: impl Into<String>) -> Self {
        let mut client = ClientConfig::new(namesrv_addr);
        client.rpc_timeout = DEFAULT_ADMIN_TIMEOUT;
        AdminConfig { client }
    }

    /// Checks that every value is usable.
    pub fn validate(&self) -> Result<()> {
        self.client.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_default_mq_admin_ext() {
        let config = AdminConfig::new("127.0.0.1:9876");
        assert_eq!(config.client.rpc_timeout, Duration::from_secs(5));
        assert!(config.validate().is_ok());
        assert!(AdminConfig::new("").validate().is_err());
    }
}
