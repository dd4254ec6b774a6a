//! Cluster information: brokers by cluster (`GET_BROKER_CLUSTER_INFO` from the name server) and a broker's
//! runtime statistics (`GET_BROKER_RUNTIME_INFO`), what mqadmin's `ClusterListSubCommand` and
//! `CommandUtil.fetchMasterAddrByClusterName` use.

use fulmen_protocol::body::{BrokerData, ClusterInfo, JsonBody, KvTable, MASTER_ID};
use fulmen_protocol::{RemotingCommand, RequestCode};
use indexmap::IndexMap;

use super::{Admin, expect_success};
use crate::error::{Error, ErrorKind, Result};

impl Admin {
    /// Every broker group by name and the broker names of every cluster, as the name server knows them.
    pub async fn cluster_info(&self) -> Result<ClusterInfo> {
        let request = RemotingCommand::request(RequestCode::GET_BROKER_CLUSTER_INFO);
        let response = self.instance().invoke_namesrv(request).await?;
        let response = expect_success(response, "the name server")?;
        Ok(ClusterInfo::decode(&response.body)?)
    }

    /// The runtime statistics table of the broker at `addr` (`putTps`, `getTransferredTps`,
    /// `brokerVersionDesc`, `commitLogDiskRatio`, ...; the keys Java's `BrokerController` reports).
    pub async fn broker_runtime_stats(&self, addr: &str) -> Result<IndexMap<String, String>> {
        let request = RemotingCommand::request(RequestCode::GET_BROKER_RUNTIME_INFO);
        let response = self.call(addr, request, self.timeout()).await?;
        Ok(KvTable::decode(&response.body)?.table)
    }

    /// The broker groups of `cluster`, sorted by broker name.
    pub async fn cluster_brokers(&self, cluster: &str) -> Result<Vec<BrokerData>> {
        let info = self.cluster_info().await?;
        let Some(names) = info.cluster_addr_table.get(cluster) else {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("the cluster {cluster} is not known to the name server"),
            ));
        };
        let mut brokers: Vec<BrokerData> = names
            .iter()
            .filter_map(|name| info.broker_addr_table.get(name).cloned())
            .collect();
        brokers.sort_by(|a, b| a.broker_name.cmp(&b.broker_name));
        Ok(brokers)
    }

    /// `(broker name, master address)` of every broker group of `cluster` with a registered master.
    pub(super) async fn cluster_masters(&self, cluster: &str) -> Result<Vec<(String, String)>> {
        Ok(self
            .cluster_brokers(cluster)
            .await?
            .into_iter()
            .filter_map(|broker| {
                let addr = broker.broker_addrs.get(&MASTER_ID)?.clone();
                Some((broker.broker_name, addr))
            })
            .collect())
    }
}
