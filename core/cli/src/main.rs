//! `fulmen`: runs Fulmen's embedded RocketMQ servers from the command line.
//!
//! `fulmen namesrv` starts a name server, `fulmen broker` a broker configured by an Apache broker.conf,
//! `fulmen cluster` both in one process, and `fulmen quickstart` shows a producer and a consumer at work on an
//! in-process cluster; `fulmen bench producer|consumer` measures throughput and latency like Apache's benchmark
//! tool, with percentiles. mqadmin's commands are top-level subcommands with mqadmin's names, options and output
//! (`fulmen updateTopic -n ... -c DefaultCluster -t T`, `fulmen topicStatus`, `fulmen consumerProgress`, ...). Logs go to stderr, filtered by
//! `FULMEN_LOG` (default `info`).

mod admin;
mod bench;
mod boot_line;
mod broker;
mod cluster;
mod namesrv;
mod quickstart;
mod signal;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Fulmen: Apache RocketMQ, embedded.
#[derive(Debug, Parser)]
#[command(name = "fulmen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs a name server until SIGINT or SIGTERM.
    Namesrv(namesrv::NamesrvArgs),
    /// Runs a broker configured like Apache's mqbroker (-c broker.conf, -n name servers) until SIGINT or SIGTERM.
    Broker(broker::BrokerArgs),
    /// Runs a name server and a broker in one process, for local development, until SIGINT or SIGTERM.
    Cluster(cluster::ClusterArgs),
    /// Starts an in-process cluster, sends messages, prints each SendResult, consumes them back and summarises.
    Quickstart(quickstart::QuickstartArgs),
    /// Benchmarks: `bench producer` sends, `bench consumer` pulls; both print TPS and latency percentiles.
    Bench(bench::BenchArgs),
    /// mqadmin's commands, named as in mqadmin.
    #[command(flatten)]
    Admin(admin::AdminCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("fulmen: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Namesrv(args) => namesrv::run(args).await,
            Command::Broker(args) => broker::run(args).await,
            Command::Cluster(args) => cluster::run(args).await,
            Command::Quickstart(args) => quickstart::run(args).await,
            Command::Bench(args) => bench::run(args).await,
            Command::Admin(command) => command.run().await,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fulmen: {error}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("FULMEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A closed stderr must not stop a server: tracing-subscriber would report the failed write with eprintln!,
    // which panics when stderr is the closed pipe.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .log_internal_errors(false)
        .init();
}
