//! The state one name server shares between its processors, its connection listener and its liveness scan: the
//! route tables, the KV store and the switches, each behind a lock held only for short, synchronous sections.

use std::net::SocketAddr;
use std::sync::{OnceLock, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use crate::clock::Clock;
use crate::config::{NamesrvConfig, Switches};
use crate::kv_config::KvConfigManager;
use crate::route::RouteInfoManager;

/// Everything a running name server knows.
#[derive(Debug)]
pub(crate) struct NamesrvState {
    pub(crate) routes: RwLock<RouteInfoManager>,
    pub(crate) kv: RwLock<KvConfigManager>,
    pub(crate) switches: RwLock<Switches>,
    pub(crate) clock: Clock,
    /// Settings fixed at start, reported by GET_NAMESRV_CONFIG.
    pub(crate) fixed: FixedSettings,
}

/// The settings a running name server cannot change.
#[derive(Debug)]
pub(crate) struct FixedSettings {
    /// The configured listen address.
    configured_addr: SocketAddr,
    /// The address actually bound, once known.
    bound_addr: OnceLock<SocketAddr>,
    pub(crate) scan_interval: Duration,
}

impl FixedSettings {
    /// The address the name server listens on: the bound one, or the configured one before binding.
    pub(crate) fn listen_addr(&self) -> SocketAddr {
        self.bound_addr.get().copied().unwrap_or(self.configured_addr)
    }
}

impl NamesrvState {
    /// The state of a fresh name server.
    pub(crate) fn new(config: &NamesrvConfig) -> Self {
        let default_timeout = i64::try_from(config.default_broker_timeout.as_millis()).unwrap_or(i64::MAX);
        let mut routes = RouteInfoManager::new(default_timeout);
        routes.set_delete_topic_with_broker_registration(config.delete_topic_with_broker_registration);
        NamesrvState {
            routes: RwLock::new(routes),
            kv: RwLock::new(KvConfigManager::new()),
            switches: RwLock::new(config.switches()),
            clock: Clock::start(),
            fixed: FixedSettings {
                configured_addr: config.listen_addr,
                bound_addr: OnceLock::new(),
                scan_interval: config.scan_interval,
            },
        }
    }

    /// Records the address the server bound.
    pub(crate) fn set_bound_addr(&self, addr: SocketAddr) {
        let _ = self.fixed.bound_addr.set(addr);
    }

    /// The current switches.
    pub(crate) fn switches(&self) -> Switches {
        *read(&self.switches)
    }
}

/// Reads behind `lock`. No section under these locks can panic halfway, so a poisoned lock still holds
/// consistent data and is used as it is.
pub(crate) fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

/// Writes behind `lock` (see [`read`] about poisoning).
pub(crate) fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}
