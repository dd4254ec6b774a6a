//! `fulmen broker`: a broker configured like Apache's `mqbroker` (a `broker.conf` properties file, `-n` for the
//! name servers), until SIGINT or SIGTERM; the store is flushed and closed cleanly on the way out.

use std::error::Error;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use clap::Args;
use fulmen_broker::{Broker, BrokerConfig};
use fulmen_protocol::properties;

use crate::boot_line;
use crate::signal::StopSignals;

/// Apache's default broker port.
const DEFAULT_LISTEN_PORT: u16 = 10911;

/// Options of `fulmen broker`.
#[derive(Debug, Args)]
pub struct BrokerArgs {
    /// A properties file with Apache's broker.conf keys (brokerClusterName, brokerName, brokerId, namesrvAddr,
    /// listenPort, bindAddress, brokerIP1, storePathRootDir, flushDiskType, autoCreateTopicEnable,
    /// mappedFileSizeCommitLog, mappedFileSizeConsumeQueue, ...). Keys Fulmen does not use are reported and
    /// ignored.
    #[arg(short = 'c', long = "configFile", visible_alias = "config-file")]
    config_file: Option<PathBuf>,
    /// The name servers, `ip:port` joined by `;`. Overrides the file's namesrvAddr, which overrides the
    /// NAMESRV_ADDR variable, as with Apache's broker.
    #[arg(short = 'n', long = "namesrvAddr", visible_alias = "namesrv-addr")]
    namesrv_addr: Option<String>,
    /// Sets one broker.conf key, after the file (repeatable), e.g. `--set listenPort=0`.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_assignment)]
    overrides: Vec<(String, String)>,
}

pub(crate) fn parse_assignment(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(key, value)| (key.trim().to_owned(), value.to_owned()))
        .ok_or_else(|| format!("expected KEY=VALUE, got `{text}`"))
}

/// Builds the configuration: Fulmen's defaults (127.0.0.1:10911, store `fulmen-store`), then NAMESRV_ADDR,
/// the file, `-n` and `--set`, later ones winning.
fn broker_config(args: &BrokerArgs) -> Result<BrokerConfig, Box<dyn Error>> {
    let mut config = BrokerConfig::new("fulmen-store");
    config.listen_addr = SocketAddr::from((Ipv4Addr::LOCALHOST, DEFAULT_LISTEN_PORT));
    let mut entries = Vec::new();
    if let Ok(namesrv_addr) = std::env::var("NAMESRV_ADDR") {
        entries.push(("namesrvAddr".to_owned(), namesrv_addr));
    }
    if let Some(path) = &args.config_file {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        entries.extend(properties::parse(&text));
    }
    if let Some(namesrv_addr) = &args.namesrv_addr {
        entries.push(("namesrvAddr".into(), namesrv_addr.clone()));
    }
    entries.extend(args.overrides.iter().cloned());
    let applied =
        config.apply_properties(entries.iter().map(|(key, value)| (key.as_str(), value.as_str())))?;
    if !applied.ignored.is_empty() {
        tracing::warn!(keys = %applied.ignored.join(", "), "broker.conf keys Fulmen does not use were ignored");
    }
    config.validate()?;
    Ok(config)
}

/// Runs the broker until a stop signal, then shuts it down cleanly.
pub async fn run(args: BrokerArgs) -> Result<(), Box<dyn Error>> {
    let config = broker_config(&args)?;
    let stop = StopSignals::install()?;
    let broker = Broker::start(config).await?;
    boot_line::print_broker(&broker);
    stop.wait().await;
    tracing::info!("stopping the broker");
    broker.shutdown().await;
    Ok(())
}
