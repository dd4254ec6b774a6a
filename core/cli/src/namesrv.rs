//! `fulmen namesrv`: a name server on the given address (127.0.0.1:9876 by default), until SIGINT or SIGTERM.

use std::error::Error;
use std::net::SocketAddr;

use clap::Args;
use fulmen_namesrv::{NameServer, NamesrvConfig};

use crate::boot_line;
use crate::signal::StopSignals;

/// Options of `fulmen namesrv`.
#[derive(Debug, Args)]
pub struct NamesrvArgs {
    /// Address to listen on; port 0 picks a free port (the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:9876")]
    listen: SocketAddr,
}

/// Runs the name server until a stop signal, then shuts it down gracefully.
pub async fn run(args: NamesrvArgs) -> Result<(), Box<dyn Error>> {
    let config = NamesrvConfig::with_listen_addr(args.listen);
    let stop = StopSignals::install()?;
    let server = NameServer::start(config).await?;
    boot_line::print_namesrv(server.local_addr());
    stop.wait().await;
    tracing::info!("stopping the name server");
    server.shutdown().await;
    Ok(())
}
