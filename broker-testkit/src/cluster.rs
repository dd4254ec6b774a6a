//! [`LocalCluster`]: name servers and brokers running in this process, with stop / kill / restart of any member
//! for fault tests, and the store directory's lifetime.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tempfile::TempDir;
use tokio::sync::Mutex;

use crate::builder::LocalClusterBuilder;
use crate::error::{Result, TestkitError};
use crate::members::{BrokerMember, NamesrvMember};

/// Name servers and brokers running on the caller's tokio runtime, bound to 127.0.0.1 with free ports.
///
/// Cheap to clone; clones share the cluster. Addresses never change, also across restarts. The store directory
/// is a temporary directory removed when the last clone is dropped, unless the builder was told to keep it or
/// was given a directory. Dropping without [`LocalCluster::shutdown`] stops everything as a crash would.
///
/// ```no_run
/// # async fn demo() -> Result<(), fulmen_testkit::TestkitError> {
/// let cluster = fulmen_testkit::LocalCluster::builder().brokers(2).start().await?;
/// println!("NAMESRV_ADDR={}", cluster.namesrv_addr());
/// cluster.kill_broker(0).await?;
/// cluster.restart_broker(0).await?; // recovers from its store
/// cluster.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct LocalCluster {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    namesrv_addrs: Vec<SocketAddr>,
    brokers_by_index: Vec<(String, SocketAddr)>,
    store_dir: PathBuf,
    name_servers: Mutex<Vec<NamesrvMember>>,
    brokers: Mutex<Vec<BrokerMember>>,
    /// Removes the temporary store directory when dropped (after the members above).
    _temp_dir: Option<TempDir>,
}

impl LocalCluster {
    /// Starts one name server and one broker with the defaults of [`LocalClusterBuilder`].
    pub async fn start() -> Result<LocalCluster> {
        LocalCluster::builder().start().await
    }

    /// Describes a cluster to start.
    pub fn builder() -> LocalClusterBuilder {
        LocalClusterBuilder::default()
    }

    pub(crate) async fn launch(builder: LocalClusterBuilder) -> Result<LocalCluster> {
        let (store_dir, temp_dir) = match &builder.store_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                (dir.clone(), None)
            }
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("fulmen-cluster-")
                    .disable_cleanup(builder.keep_store)
                    .tempdir()?;
                (temp.path().to_path_buf(), Some(temp))
            }
        };
        let mut name_servers = Vec::with_capacity(builder.name_servers);
        let mut brokers: Vec<BrokerMember> = Vec::with_capacity(builder.brokers);
        let started: Result<()> = async {
            for _ in 0..builder.name_servers {
                name_servers.push(NamesrvMember::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?);
            }
            let namesrv_list: Vec<String> = name_servers
                .iter()
                .map(|member| member.addr.to_string())
                .collect();
            for index in 0..builder.brokers {
                let config = builder.broker_config(index, &namesrv_list, &store_dir);
                brokers.push(BrokerMember::start(config).await?);
            }
            Ok(())
        }
        .await;
        if let Err(error) = started {
            for broker in &mut brokers {
                broker.stop().await;
            }
            for namesrv in &mut name_servers {
                namesrv.stop().await;
            }
            return Err(error);
        }
        tracing::info!(
            name_servers = name_servers.len(), brokers = brokers.len(), store = %store_dir.display(),
            "local cluster started"
        );
        Ok(LocalCluster {
            inner: Arc::new(Inner {
                namesrv_addrs: name_servers.iter().map(|member| member.addr).collect(),
                brokers_by_index: brokers
                    .iter()
                    .map(|member| (member.config.broker_name.clone(), member.addr))
                    .collect(),
                store_dir,
                name_servers: Mutex::new(name_servers),
                brokers: Mutex::new(brokers),
                _temp_dir: temp_dir,
            }),
        })
    }

    /// The name server list as clients take it (`NAMESRV_ADDR`): `ip:port` entries joined by `;`.
    pub fn namesrv_addr(&self) -> String {
        let addrs: Vec<String> = self.inner.namesrv_addrs.iter().map(ToString::to_string).collect();
        addrs.join(";")
    }

    /// Each name server's address, by index.
    pub fn namesrv_addrs(&self) -> &[SocketAddr] {
        &self.inner.namesrv_addrs
    }

    /// Each broker's name and advertised address, by index.
    pub fn brokers(&self) -> &[(String, SocketAddr)] {
        &self.inner.brokers_by_index
    }

    /// The advertised address of broker `index`.
    pub fn broker_addr(&self, index: usize) -> Option<SocketAddr> {
        self.inner.brokers_by_index.get(index).map(|(_, addr)| *addr)
    }

    /// The directory holding each broker's store (one subdirectory per broker name).
    pub fn store_dir(&self) -> &Path {
        &self.inner.store_dir
    }

    /// Whether broker `index` is running.
    pub async fn is_broker_running(&self, index: usize) -> Result<bool> {
        let brokers = self.inner.brokers.lock().await;
        Ok(member(&brokers, index, "broker")?.running.is_some())
    }

    /// Stops broker `index` cleanly: held pulls answered, offsets and config written, store flushed.
    pub async fn stop_broker(&self, index: usize) -> Result<()> {
        let mut brokers = self.inner.brokers.lock().await;
        member_mut(&mut brokers, index, "broker")?.stop().await;
        Ok(())
    }

    /// Stops broker `index` as `kill -9` would: nothing is flushed or persisted, and the next start recovers its
    /// store as after a crash.
    pub async fn kill_broker(&self, index: usize) -> Result<()> {
        let mut brokers = self.inner.brokers.lock().await;
        member_mut(&mut brokers, index, "broker")?.kill().await;
        Ok(())
    }

    /// Sets broker `index`'s permission (`brokerPermission`: 6 read and write, 4 stops writes, 2 stops reads) and
    /// registers it at once, so clients route around it; a restart keeps it. With writes stopped, producers see
    /// the broker's topics as read-only in the route and send elsewhere, while consumers keep reading them.
    pub async fn set_broker_permission(&self, index: usize, permission: i32) -> Result<()> {
        let mut brokers = self.inner.brokers.lock().await;
        let broker = member_mut(&mut brokers, index, "broker")?;
        broker.config.broker_permission = permission;
        if let Some(running) = &broker.running {
            running.set_permission(permission).await;
        }
        Ok(())
    }

    /// Starts broker `index` again on its address, from its store; a running broker is stopped cleanly first.
    pub async fn restart_broker(&self, index: usize) -> Result<()> {
        let mut brokers = self.inner.brokers.lock().await;
        let broker = member_mut(&mut brokers, index, "broker")?;
        broker.stop().await;
        broker.restart().await
    }

    /// Stops name server `index`; brokers keep registering with the others.
    pub async fn stop_name_server(&self, index: usize) -> Result<()> {
        let mut name_servers = self.inner.name_servers.lock().await;
        member_mut(&mut name_servers, index, "name server")?.stop().await;
        Ok(())
    }

    /// Starts name server `index` again on its address (empty: it learns the brokers at their next
    /// registration, as a restarted Apache name server does); a running one is stopped first.
    pub async fn restart_name_server(&self, index: usize) -> Result<()> {
        let mut name_servers = self.inner.name_servers.lock().await;
        let namesrv = member_mut(&mut name_servers, index, "name server")?;
        namesrv.stop().await;
        namesrv.restart().await
    }

    /// Stops every broker cleanly, then every name server. Idempotent. The store directory goes when the last
    /// clone is dropped.
    pub async fn shutdown(&self) {
        for broker in self.inner.brokers.lock().await.iter_mut() {
            broker.stop().await;
        }
        for namesrv in self.inner.name_servers.lock().await.iter_mut() {
            namesrv.stop().await;
        }
    }
}

fn member<'a, T>(members: &'a [T], index: usize, what: &'static str) -> Result<&'a T> {
    let count = members.len();
    members
        .get(index)
        .ok_or(TestkitError::NoSuchMember { what, index, count })
}

fn member_mut<'a, T>(members: &'a mut [T], index: usize, what: &'static str) -> Result<&'a mut T> {
    let count = members.len();
    members
        .get_mut(index)
        .ok_or(TestkitError::NoSuchMember { what, index, count })
}
