//! One name server or broker of a local cluster: its fixed address and configuration, and the running server if
//! it is up. Restarts reuse the address, so clients that cached it reconnect as they would to a restarted process.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use fulmen_broker::{Broker, BrokerConfig, BrokerError};
use fulmen_namesrv::{NameServer, NamesrvConfig};
use fulmen_store::StoreError;

use crate::error::Result;

/// How long a restart waits for the previous run of a broker to release its store's lock.
const STORE_LOCK_WAIT: Duration = Duration::from_secs(10);

/// A name server slot.
#[derive(Debug)]
pub(crate) struct NamesrvMember {
    pub(crate) addr: SocketAddr,
    pub(crate) running: Option<NameServer>,
}

impl NamesrvMember {
    /// Starts a name server on `listen` (port 0 picks one) and remembers the address it got.
    pub(crate) async fn start(listen: SocketAddr) -> Result<NamesrvMember> {
        let server = NameServer::start(NamesrvConfig::with_listen_addr(listen)).await?;
        Ok(NamesrvMember {
            addr: server.local_addr(),
            running: Some(server),
        })
    }

    /// Starts it again on its address, if it is stopped.
    pub(crate) async fn restart(&mut self) -> Result<()> {
        if self.running.is_none() {
            self.running = Some(NameServer::start(NamesrvConfig::with_listen_addr(self.addr)).await?);
        }
        Ok(())
    }

    pub(crate) async fn stop(&mut self) {
        if let Some(server) = self.running.take() {
            server.shutdown().await;
        }
    }
}

/// A broker slot.
#[derive(Debug)]
pub(crate) struct BrokerMember {
    /// The configuration of every run; after the first start its listen address is the one the broker got.
    pub(crate) config: BrokerConfig,
    pub(crate) addr: SocketAddr,
    pub(crate) running: Option<Broker>,
}

impl BrokerMember {
    pub(crate) async fn start(mut config: BrokerConfig) -> Result<BrokerMember> {
        let broker = Broker::start(config.clone()).await?;
        config.listen_addr = broker.local_addr();
        Ok(BrokerMember {
            config,
            addr: broker.advertised_addr(),
            running: Some(broker),
        })
    }

    /// Starts the broker again from its store, on its address. The previous run's handle is gone, but its last
    /// tasks may still be letting go of the store, so a held lock is retried for a few seconds.
    pub(crate) async fn restart(&mut self) -> Result<()> {
        if self.running.is_some() {
            return Ok(());
        }
        let deadline = Instant::now() + STORE_LOCK_WAIT;
        loop {
            match Broker::start(self.config.clone()).await {
                Ok(broker) => {
                    self.running = Some(broker);
                    return Ok(());
                }
                Err(BrokerError::Store(StoreError::LockHeld { .. })) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// Stops it cleanly (flushed store, config files written).
    pub(crate) async fn stop(&mut self) {
        if let Some(broker) = self.running.take() {
            broker.shutdown().await;
        }
    }

    /// Stops it as a crash would: nothing flushed or persisted, the store left for crash recovery.
    pub(crate) async fn kill(&mut self) {
        if let Some(broker) = self.running.take() {
            broker.kill().await;
        }
    }
}
