//! `fulmen bench`: load generators in the spirit of Apache RocketMQ's benchmark tool (`benchmark/producer.sh`,
//! `consumer.sh`), against any RocketMQ name server (Fulmen's or Apache's), with latency percentiles.
//!
//! `fulmen bench producer` sends from concurrent tasks (sync, async or oneway) and reports send TPS and send
//! latency; `fulmen bench consumer` pulls every queue of the topic and reports receive TPS and end-to-end
//! latency. Both print a line per report interval and a final summary, and end after `--duration`, at Ctrl-C or
//! SIGTERM, or once `--messages` is reached.

mod args;
mod consumer;
mod control;
mod histogram;
mod producer;
mod report;
mod stats;

use std::error::Error;

use clap::{Args, Subcommand};

/// Options of `fulmen bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Sends messages as fast as the concurrency allows; prints send TPS and latency (avg, p50, p99, max).
    Producer(args::ProducerArgs),
    /// Pulls a topic's queues; prints receive TPS and end-to-end latency (avg, p50, p99, max).
    Consumer(args::ConsumerArgs),
}

/// Runs the chosen benchmark.
pub async fn run(args: BenchArgs) -> Result<(), Box<dyn Error>> {
    match args.command {
        BenchCommand::Producer(args) => producer::run(args).await,
        BenchCommand::Consumer(args) => consumer::run(args).await,
    }
}
