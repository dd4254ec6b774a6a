//! `fulmen cluster`: a name server (127.0.0.1:9876) and a broker (127.0.0.1:10911) in one process, for local
//! development, until SIGINT or SIGTERM; the broker's store is flushed and closed cleanly on the way out.

use std::error::Error;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use fulmen_broker::{Broker, BrokerConfig};
use fulmen_namesrv::{NameServer, NamesrvConfig};
use fulmen_store::FlushMode;

use crate::boot_line;
use crate::signal::StopSignals;

/// Options of `fulmen cluster`.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// Address of the name server; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:9876")]
    namesrv_listen: SocketAddr,
    /// Address of the broker; port 0 picks a free port. The broker advertises this address.
    #[arg(long, default_value = "127.0.0.1:10911")]
    broker_listen: SocketAddr,
    /// Directory of the broker's store (commitlog, consume queues, config files); kept between runs.
    #[arg(long, default_value = "fulmen-store")]
    store_dir: PathBuf,
    /// Size of each commitlog file in bytes (Apache's `mappedFileSizeCommitLog`).
    #[arg(long, default_value_t = 1 << 30)]
    commitlog_file_size: usize,
    /// When a send is acknowledged: after the page cache has it (async) or after fsync (sync).
    #[arg(long, value_enum, default_value_t = Flush::Async)]
    flush: Flush,
    /// Sets one broker.conf key of the broker, after the options above (repeatable), e.g.
    /// `--set messageDelayLevel="1s 2s"`.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = crate::broker::parse_assignment)]
    broker_overrides: Vec<(String, String)>,
}

/// Apache's `flushDiskType`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Flush {
    /// ASYNC_FLUSH.
    Async,
    /// SYNC_FLUSH.
    Sync,
}

/// Runs both servers until a stop signal, then stops the broker (flushing its store) and the name server.
pub async fn run(args: ClusterArgs) -> Result<(), Box<dyn Error>> {
    let stop = StopSignals::install()?;
    let mut config = BrokerConfig::new(&args.store_dir);
    config.listen_addr = args.broker_listen;
    config.store.commit_log_file_size = args.commitlog_file_size;
    config.store.flush_mode = match args.flush {
        Flush::Async => FlushMode::Async {
            interval: Duration::from_millis(500),
        },
        Flush::Sync => FlushMode::Sync,
    };
    let applied = config.apply_properties(
        args.broker_overrides
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str())),
    )?;
    if !applied.ignored.is_empty() {
        tracing::warn!(keys = %applied.ignored.join(", "), "broker.conf keys Fulmen does not use were ignored");
    }
    config.validate()?;
    let namesrv = NameServer::start(NamesrvConfig::with_listen_addr(args.namesrv_listen)).await?;
    let namesrv_addr = namesrv.local_addr();
    config.namesrv_addrs = vec![namesrv_addr.to_string()];
    let broker = match Broker::start(config).await {
        Ok(broker) => broker,
        Err(error) => {
            namesrv.shutdown().await;
            return Err(error.into());
        }
    };
    boot_line::print_namesrv(namesrv_addr);
    boot_line::print_broker(&broker);
    stop.wait().await;
    tracing::info!("stopping the broker and the name server");
    broker.shutdown().await;
    namesrv.shutdown().await;
    Ok(())
}
