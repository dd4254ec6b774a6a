//! mqadmin `clusterList` (ClusterListSubCommand, base view): every broker of every cluster with its version, put
//! and get TPS with thread-pool queue sizes, timer progress, page-cache lock time, hours of stored messages, disk
//! ratio and whether it is active, from each broker's runtime statistics table.

use std::collections::BTreeSet;

use clap::Args;
use indexmap::IndexMap;

use super::{CommandResult, NamesrvArg};

/// Options of `clusterList`.
#[derive(Debug, Args)]
pub struct ClusterListArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// Only this cluster.
    #[arg(short = 'c', long = "clusterName")]
    cluster_name: Option<String>,
}

/// The header line of `clusterList`.
pub fn header() -> String {
    format!(
        "{:<22}  {:<22}  {:<4}  {:<22} {:<16}  {:>16}  {:>30}  {:<22}  {:<11}  {:<12}  {:<8}  {:<10}",
        "#Cluster Name",
        "#Broker Name",
        "#BID",
        "#Addr",
        "#Version",
        "#InTPS(LOAD)",
        "#OutTPS(LOAD)",
        "#Timer(Progress)",
        "#PCWait(ms)",
        "#Hour",
        "#SPACE",
        "#ACTIVATED"
    )
}

/// `clusterList`: a row per broker address, clusters and broker names in sorted order.
pub async fn run(args: ClusterListArgs) -> CommandResult {
    let admin = args.namesrv.admin().await?;
    let outcome = async {
        let info = admin.cluster_info().await?;
        let clusters: BTreeSet<&String> = match &args.cluster_name {
            Some(name) => info
                .cluster_addr_table
                .keys()
                .filter(|known| *known == name.trim())
                .collect(),
            None => info.cluster_addr_table.keys().collect(),
        };
        println!("{}", header());
        for cluster in clusters {
            let names: BTreeSet<&String> = info.cluster_addr_table[cluster].iter().collect();
            for name in names {
                let Some(broker) = info.broker_addr_table.get(name) else {
                    continue;
                };
                for (id, addr) in &broker.broker_addrs {
                    let stats = admin.broker_runtime_stats(addr).await.unwrap_or_default();
                    println!("{}", row(cluster, name, *id, addr, &stats, now_millis()));
                }
            }
        }
        Ok::<_, fulmen_client::Error>(())
    }
    .await;
    admin.shutdown().await;
    Ok(outcome?)
}

/// One broker's row, from its runtime statistics (missing keys print as Java prints `null`).
fn row(cluster: &str, name: &str, id: i64, addr: &str, stats: &IndexMap<String, String>, now: i64) -> String {
    let get = |key: &str| stats.get(key).map_or("null", String::as_str);
    let first_number = |key: &str| {
        stats
            .get(key)
            .and_then(|value| value.split(' ').next())
            .and_then(|value| value.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let number = |key: &str| {
        stats
            .get(key)
            .and_then(|value| value.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let in_tps = format!(
        "{:9.2}({},{}ms)",
        first_number("putTps"),
        get("sendThreadPoolQueueSize"),
        get("sendThreadPoolQueueHeadWaitTimeMills")
    );
    let out_tps = format!(
        "{:9.2}({},{}ms|{},{}ms)",
        first_number("getTransferredTps"),
        get("pullThreadPoolQueueSize"),
        get("pullThreadPoolQueueHeadWaitTimeMills"),
        stats.get("ackThreadPoolQueueSize").map_or("N", String::as_str),
        stats
            .get("ackThreadPoolQueueHeadWaitTimeMills")
            .map_or("N", String::as_str),
    );
    let timer = format!(
        "{}-{}({:.1}w, {:.1}, {:.1})",
        number("timerReadBehind") as i64,
        number("timerOffsetBehind") as i64,
        number("timerCongestNum") / 10000.0,
        number("timerEnqueueTps"),
        number("timerDequeueTps")
    );
    let hours = match stats
        .get("earliestMessageTimeStamp")
        .and_then(|value| value.parse::<i64>().ok())
    {
        Some(earliest) => (now - earliest) as f64 / 1000.0 / 60.0 / 60.0,
        None => 0.0,
    };
    let active = stats
        .get("brokerActive")
        .is_some_and(|value| value.eq_ignore_ascii_case("true"));
    format!(
        "{:<22}  {:<22}  {:<4}  {:<22} {:<16}  {:>16}  {:>30}  {:<22}  {:>11}  {:<12}  {:<8}  {:>10}",
        cluster,
        name,
        id,
        addr,
        get("brokerVersionDesc"),
        in_tps,
        out_tps,
        timer,
        get("pageCacheLockTimeMills"),
        format!("{hours:2.2}"),
        format!("{:.4}", number("commitLogDiskRatio")),
        active
    )
}

fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_formats_like_mqadmin() {
        let stats: IndexMap<String, String> = [
            ("brokerVersionDesc", "V5_3_3"),
            ("putTps", "12.5 10.0 9.0"),
            ("brokerActive", "true"),
            ("commitLogDiskRatio", "0.53"),
            ("earliestMessageTimeStamp", "0"),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect();
        let line = row(
            "DefaultCluster",
            "broker-a",
            0,
            "127.0.0.1:10911",
            &stats,
            7_200_000,
        );
        assert!(line.starts_with(
            "DefaultCluster          broker-a                0     127.0.0.1:10911        V5_3_3"
        ));
        assert!(line.contains("    12.50(null,nullms)"));
        assert!(line.contains("2.00"));
        assert!(line.contains("0.5300"));
        assert!(line.ends_with("      true"));
    }
}
