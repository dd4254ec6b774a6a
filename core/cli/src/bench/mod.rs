//! `fulmen bench`: load generators in the spirit of Apache RocketMQ's benchmark tool (`benchmark/producer.sh`,
//! `consumer.sh`), against any RocketMQ name server (Fulmen's or Apache's), with latency percentiles.
//!
//! `fulmen bench producer` sends from concurrent tasks (sync, async or oneway) and reports send TPS and send
//! latency; `fulmen bench consumer` receives the topic's messages (raw pulls of every queue, or with `--api lite`
//! / `--api push` the client's lite pull or push consumer) and reports receive TPS and end-to-end latency. Both
//! print a line per report interval and a final summary, and end after `--duration`, at Ctrl-C or SIGTERM, or
//! once `--messages` is reached.

mod args;
mod consumer;
mod consumer_api;
mod consumer_lite;
mod consumer_push;
mod control;
mod histogram;
mod producer;
mod report;
mod stats;
mod tally;

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
    /// Receives a topic's messages (raw pulls, lite pull or push consumer); prints receive TPS and end-to-end latency (avg, p50, p99, max).
    Consumer(args::ConsumerArgs),
}

/// Runs the chosen benchmark.
pub async fn run(args: BenchArgs) -> Result<(), Box<dyn Error>> {
    match args.command {
        BenchCommand::Producer(args) => producer::run(args).await,
        BenchCommand::Consumer(args) => match args.api {
            args::ConsumerApi::Raw => consumer::run(args).await,
            args::ConsumerApi::Lite => consumer_lite::run(args).await,
            args::ConsumerApi::Push => consumer_push::run(args).await,
        },
    }
}
