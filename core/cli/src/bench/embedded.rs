//! `--embedded`: a name server and a broker started in the benchmark's own process, on 127.0.0.1 with free ports
//! and a store in a temporary directory, so `fulmen bench producer --embedded` needs no running cluster.

use std::error::Error;

use fulmen_broker::{Broker, BrokerConfig};
use fulmen_namesrv::{NameServer, NamesrvConfig};
use tempfile::TempDir;

/// The size of each commitlog file of the embedded broker: a benchmark writes a lot, but the store is thrown away.
const COMMITLOG_FILE_SIZE: usize = 256 << 20;

/// A running in-process cluster; [`EmbeddedCluster::shutdown`] stops it and removes its store.
#[derive(Debug)]
pub struct EmbeddedCluster {
    namesrv: NameServer,
    broker: Broker,
    store: TempDir,
}

impl EmbeddedCluster {
    /// Starts the name server and the broker (asynchronous flush, as `fulmen cluster` by default).
    pub async fn start() -> Result<Self, Box<dyn Error>> {
        let store = tempfile::Builder::new().prefix("fulmen-bench-").tempdir()?;
        let namesrv = NameServer::start(NamesrvConfig::default()).await?;
        let mut config = BrokerConfig::new(store.path());
        config.namesrv_addrs = vec![namesrv.local_addr().to_string()];
        config.store.commit_log_file_size = COMMITLOG_FILE_SIZE;
        let broker = match Broker::start(config).await {
            Ok(broker) => broker,
            Err(error) => {
                namesrv.shutdown().await;
                return Err(error.into());
            }
        };
        Ok(EmbeddedCluster {
            namesrv,
            broker,
            store,
        })
    }

    /// The name server's address.
    pub fn namesrv_addr(&self) -> String {
        self.namesrv.local_addr().to_string()
    }

    /// One line saying what runs where.
    pub fn describe(&self) -> String {
        format!(
            "embedded cluster: name server {}, broker {} at {}, store {}",
            self.namesrv.local_addr(),
            self.broker.config().broker_name,
            self.broker.advertised_addr(),
            self.store.path().display()
        )
    }

    /// Stops the broker (flushing its store), then the name server, then removes the store.
    pub async fn shutdown(self) {
        self.broker.shutdown().await;
        self.namesrv.shutdown().await;
        if let Err(error) = self.store.close() {
            tracing::warn!(%error, "could not remove the embedded broker's store");
        }
    }
}
