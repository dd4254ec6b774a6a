//! mqadmin `clusterList` (ClusterListSubCommand): every broker of every cluster with its version, put
//! and get TPS with thread-pool queue sizes, timer progress, page-cache lock time, hours of stored messages, disk
//! ratio and whether it is active, from each broker's runtime statistics table; `-m` the messages put and got
//! yesterday and today instead; `-i` repeats every interval.

use std::collections::BTreeSet;

use clap::Args;
use indexmap::IndexMap;

use fulmen_client::Admin;

use super::{CommandResult, NamesrvArg};
use fulmen_protocol::java_text::string_set_order;

/// Options of `clusterList`.
#[derive(Debug, Args)]
pub struct ClusterListArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// Only this cluster.
    #[arg(short = 'c', long = "clusterName")]
    cluster_name: Option<String>,
    /// Print the message counts of yesterday and today instead.
    #[arg(short = 'm', long = "moreStats")]
    more_stats: bool,
    /// Print again every this many seconds, until interrupted.
    #[arg(short = 'i', long = "interval")]
    interval: Option<u64>,
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

/// `clusterList`: a row per broker address, brokers sorted by name, clusters in Java's `HashMap` order; with
/// `-i`, again every interval.
pub async fn run(args: ClusterListArgs) -> CommandResult {
    let admin = args.namesrv.admin().await?;
    let outcome = async {
        loop {
            print_once(&admin, &args).await?;
            let Some(seconds) = args.interval else {
                return Ok::<_, fulmen_client::Error>(());
            };
            tokio::time::sleep(std::time::Duration::from_secs(seconds)).await;
        }
    }
    .await;
    admin.shutdown().await;
    Ok(outcome?)
}

async fn print_once(admin: &Admin, args: &ClusterListArgs) -> Result<(), fulmen_client::Error> {
    let info = admin.cluster_info().await?;
    let clusters = match &args.cluster_name {
        Some(name) => vec![name.trim().to_owned()],
        None => string_set_order(info.cluster_addr_table.keys().cloned().collect()),
    };
    println!("{}", if args.more_stats { more_header() } else { header() });
    for cluster in clusters {
        let Some(names) = info.cluster_addr_table.get(&cluster) else {
            continue;
        };
        let names: BTreeSet<&String> = names.iter().collect();
        for name in names {
            let Some(broker) = info.broker_addr_table.get(name) else {
                continue;
            };
            for (id, addr) in &broker.broker_addrs {
                let stats = admin.broker_runtime_stats(addr).await.unwrap_or_default();
                if args.more_stats {
                    println!("{}", more_row(&cluster, name, &stats));
                } else {
                    println!("{}", row(&cluster, name, *id, addr, &stats, now_millis()));
                }
            }
        }
    }
    Ok(())
}

/// The header line of `clusterList -m`.
fn more_header() -> String {
    format!(
        "{:<16}  {:<32} {:>14} {:>14} {:>14} {:>14}",
        "#Cluster Name", "#Broker Name", "#InTotalYest", "#OutTotalYest", "#InTotalToday", "#OutTotalToday"
    )
}

/// One broker's `clusterList -m` row: messages put and got yesterday and today (0 when a count is missing).
fn more_row(cluster: &str, name: &str, stats: &IndexMap<String, String>) -> String {
    let count = |key: &str| stats.get(key).and_then(|value| value.parse::<i64>().ok());
    let between = |from: &str, to: &str| match (count(from), count(to)) {
        (Some(from), Some(to)) => to - from,
        _ => 0,
    };
    format!(
        "{:<16}  {:<32} {:>14} {:>14} {:>14} {:>14}",
        cluster,
        name,
        between("msgPutTotalYesterdayMorning", "msgPutTotalTodayMorning"),
        between("msgGetTotalYesterdayMorning", "msgGetTotalTodayMorning"),
        between("msgPutTotalTodayMorning", "msgPutTotalTodayNow"),
        between("msgGetTotalTodayMorning", "msgGetTotalTodayNow"),
    )
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
