//! Command-line options of `fulmen bench producer` and `fulmen bench consumer`, named after Apache RocketMQ's
//! benchmark tool where it has an equivalent (`-w` threads, `-s` message size, `-t` topic, `-n` name server).

use std::time::Duration;

use clap::{Args, ValueEnum};
use fulmen_client::SerializeType;

use super::control::Plan;

/// Options both benchmarks have.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Name server addresses, `host:port` separated by `;`.
    #[arg(short = 'n', long, env = "NAMESRV_ADDR", default_value = "127.0.0.1:9876")]
    pub namesrv: String,
    /// The topic. Brokers (Apache's and Fulmen's) define BenchmarkTest with 1024 queues; another name is
    /// created on the first send with 4 queues.
    #[arg(short = 't', long, default_value = "BenchmarkTest")]
    pub topic: String,
    /// How long to run, in seconds (warm-up included); 0 runs until Ctrl-C or until `--messages` is reached.
    #[arg(short = 'd', long, default_value_t = 60, value_name = "SECONDS")]
    pub duration: u64,
    /// Seconds between two progress lines; 0 prints only the final summary.
    #[arg(long, default_value_t = 1, value_name = "SECONDS")]
    pub report_interval: u64,
    /// Seconds at the start left out of the final summary (connections, routes and caches warm up).
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    pub warmup: u64,
    /// The header form of the client's requests: `rocketmq` (binary), which Apache's benchmark tools set, or
    /// `json`, the clients' default.
    #[arg(long, value_enum, default_value_t = HeaderForm::Rocketmq)]
    pub header: HeaderForm,
}

/// The header form of requests (Java's `rocketmq.serialize.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HeaderForm {
    /// The compact binary header (`ROCKETMQ`).
    Rocketmq,
    /// The JSON header (`JSON`).
    Json,
}

impl HeaderForm {
    /// The client setting.
    pub fn serialize_type(self) -> SerializeType {
        match self {
            HeaderForm::Rocketmq => SerializeType::RocketMq,
            HeaderForm::Json => SerializeType::Json,
        }
    }

    /// The name shown in reports (Java's).
    pub fn name(self) -> &'static str {
        match self {
            HeaderForm::Rocketmq => "ROCKETMQ",
            HeaderForm::Json => "JSON",
        }
    }
}

impl CommonArgs {
    /// The plan of the run; `drain` is how long in-flight operations get once the run is told to stop.
    pub fn plan(&self, drain: Duration) -> Result<Plan, String> {
        if self.duration > 0 && self.warmup >= self.duration {
            return Err(format!(
                "--warmup ({} s) must be shorter than --duration ({} s)",
                self.warmup, self.duration
            ));
        }
        Ok(Plan {
            duration: (self.duration > 0).then(|| Duration::from_secs(self.duration)),
            report_every: (self.report_interval > 0).then(|| Duration::from_secs(self.report_interval)),
            warmup: Duration::from_secs(self.warmup),
            drain,
        })
    }
}

/// How the producer sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SendMode {
    /// Each task sends one message and waits for the broker's answer before the next: `--threads` messages are
    /// in flight (Apache's default mode).
    Sync,
    /// Each task keeps `--in-flight` sends outstanding, starting a new one as soon as one is answered:
    /// `--threads` x `--in-flight` messages are in flight (Apache's `-y true`, without a callback thread pool).
    Async,
    /// Each task writes messages without waiting for any answer (`sendOneway`); the latency is the time to hand
    /// the request to the connection, and nothing confirms the broker stored it.
    Oneway,
}

impl SendMode {
    /// The name shown in reports.
    pub fn name(self) -> &'static str {
        match self {
            SendMode::Sync => "sync",
            SendMode::Async => "async",
            SendMode::Oneway => "oneway",
        }
    }
}

/// Options of `fulmen bench producer`.
#[derive(Debug, Clone, Args)]
pub struct ProducerArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Concurrent sending tasks [default: 64 for sync and oneway, 1 for async, as Apache's tool].
    #[arg(short = 'w', long, value_name = "TASKS")]
    pub threads: Option<usize>,
    /// Body size in bytes (random letters and digits).
    #[arg(short = 's', long, default_value_t = 128, value_name = "BYTES")]
    pub message_size: usize,
    /// How to send: sync (one in flight per task), async (`--in-flight` per task), oneway (no answer).
    #[arg(long, value_enum, default_value_t = SendMode::Sync)]
    pub mode: SendMode,
    /// With `--mode async`: outstanding sends per task.
    #[arg(long, default_value_t = 64, value_name = "SENDS")]
    pub in_flight: usize,
    /// Stop after this many messages in all (0: no limit; the duration still applies).
    #[arg(short = 'q', long, default_value_t = 0)]
    pub messages: u64,
    /// The tag every message carries (none by default).
    #[arg(long)]
    pub tags: Option<String>,
    /// Compress bodies of 4 KiB or more (zlib), as clients do by default; off by default, as in Apache's tool.
    #[arg(long)]
    pub compress: bool,
    /// The producer group.
    #[arg(short = 'g', long, default_value = "benchmark_producer")]
    pub group: String,
    /// Start a name server and a broker in this process (store in a temporary directory, removed afterwards) and
    /// benchmark against them; `--namesrv` is then ignored. Client and servers share this process's CPUs.
    #[arg(long)]
    pub embedded: bool,
}

impl ProducerArgs {
    /// The number of sending tasks.
    pub fn tasks(&self) -> usize {
        self.threads.unwrap_or(match self.mode {
            SendMode::Async => 1,
            SendMode::Sync | SendMode::Oneway => 64,
        })
    }

    /// The number of messages in flight at most.
    pub fn concurrency(&self) -> usize {
        match self.mode {
            SendMode::Async => self.tasks().saturating_mul(self.in_flight),
            SendMode::Sync | SendMode::Oneway => self.tasks(),
        }
    }

    /// Checks the values clap cannot.
    pub fn validate(&self) -> Result<(), String> {
        if self.tasks() == 0 {
            return Err("--threads must be at least 1".into());
        }
        if self.mode == SendMode::Async && self.in_flight == 0 {
            return Err("--in-flight must be at least 1".into());
        }
        if self.message_size == 0 {
            return Err("--message-size must be at least 1".into());
        }
        Ok(())
    }
}

/// Which consumer API `fulmen bench consumer` measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConsumerApi {
    /// Tasks pulling the queues directly with the pull primitive (`--threads`, `--batch`, `--idle-wait-ms`).
    Raw,
    /// A `LitePullConsumer` subscribed to the topic, polled in a loop (the client's own pull settings).
    Lite,
    /// A `PushConsumer` whose listener counts the messages, one per call (the client's own settings).
    Push,
}

impl ConsumerApi {
    /// The name shown in reports.
    pub fn name(self) -> &'static str {
        match self {
            ConsumerApi::Raw => "raw",
            ConsumerApi::Lite => "lite",
            ConsumerApi::Push => "push",
        }
    }
}

/// The default number of pulling tasks of the consumer, for a topic with that many queues or more.
const DEFAULT_MAX_PULL_TASKS: usize = 8;

/// Options of `fulmen bench consumer`.
#[derive(Debug, Clone, Args)]
pub struct ConsumerArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The consumer API measured: raw pulls from tasks, the lite pull consumer's poll loop, or the push
    /// consumer's listener.
    #[arg(long, value_enum, default_value_t = ConsumerApi::Raw)]
    pub api: ConsumerApi,
    /// With `--api raw`: concurrent pulling tasks, each pulling its share of the topic's queues in turn [default: one per queue,
    /// at most 8: pulls are not held by the broker, so more tasks mostly add empty pulls].
    #[arg(short = 'w', long, value_name = "TASKS")]
    pub threads: Option<usize>,
    /// With `--api raw`: messages asked for by one pull.
    #[arg(short = 'b', long, default_value_t = 32)]
    pub batch: i32,
    /// Start at the oldest message of each queue instead of the newest (the queue's max offset at start; with
    /// `--api lite|push` the group's consume-from-first instead of consume-from-last offset, which applies to a
    /// group without stored offsets); the end-to-end latency then includes how long the backlog waited.
    #[arg(long)]
    pub from_start: bool,
    /// The subscription expression (`*`, `TagA`, `TagA || TagB`).
    #[arg(long, default_value = "*")]
    pub tags: String,
    /// Stop after receiving this many messages (0: no limit; the duration still applies).
    #[arg(short = 'q', long, default_value_t = 0)]
    pub messages: u64,
    /// The consumer group; its offsets on the broker are updated when the run ends (by the consumer itself with
    /// `--api lite|push`).
    #[arg(short = 'g', long, default_value = "benchmark_consumer")]
    pub group: String,
    /// With `--api raw`: longest pause, in milliseconds, after a round of pulls found nothing (the pause starts at 1 ms and
    /// doubles while queues stay empty); bounds the delivery latency of an idle consumer.
    #[arg(long, default_value_t = 16, value_name = "MS")]
    pub idle_wait_ms: u64,
}

impl ConsumerArgs {
    /// The number of pulling tasks for a topic of `queues` queues.
    pub fn tasks(&self, queues: usize) -> usize {
        self.threads.unwrap_or(DEFAULT_MAX_PULL_TASKS).min(queues).max(1)
    }

    /// Checks the values clap cannot.
    pub fn validate(&self) -> Result<(), String> {
        if self.threads == Some(0) {
            return Err("--threads must be at least 1".into());
        }
        if self.batch < 1 {
            return Err("--batch must be at least 1".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Producer {
        #[command(flatten)]
        args: ProducerArgs,
    }

    #[derive(Debug, Parser)]
    struct Consumer {
        #[command(flatten)]
        args: ConsumerArgs,
    }

    fn producer(line: &[&str]) -> ProducerArgs {
        Producer::try_parse_from(std::iter::once("p").chain(line.iter().copied()))
            .map(|p| p.args)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn producer_defaults_follow_apache() {
        let args = producer(&["-n", "h:1"]);
        assert_eq!(args.common.topic, "BenchmarkTest");
        assert_eq!(args.message_size, 128);
        assert_eq!((args.tasks(), args.concurrency()), (64, 64));
        assert_eq!(args.group, "benchmark_producer");
        assert_eq!(args.common.header.serialize_type(), SerializeType::RocketMq);
        let json = producer(&["-n", "h:1", "--header", "json"]);
        assert_eq!(json.common.header.serialize_type(), SerializeType::Json);
        let async_args = producer(&["-n", "h:1", "--mode", "async"]);
        assert_eq!((async_args.tasks(), async_args.concurrency()), (1, 64));
        let wide = producer(&["-n", "h:1", "--mode", "async", "-w", "4", "--in-flight", "8"]);
        assert_eq!(wide.concurrency(), 32);
        assert!(producer(&["-n", "h:1", "-w", "0"]).validate().is_err());
        assert!(producer(&["-n", "h:1", "-s", "0"]).validate().is_err());
    }

    #[test]
    fn plan_checks_warmup_and_zero_means_none() {
        let args = producer(&["-n", "h:1", "-d", "0", "--report-interval", "0"]);
        let plan = args.common.plan(Duration::from_secs(1)).unwrap();
        assert!(plan.duration.is_none() && plan.report_every.is_none());
        let args = producer(&["-n", "h:1", "-d", "5", "--warmup", "5"]);
        assert!(args.common.plan(Duration::from_secs(1)).is_err());
        let args = producer(&["-n", "h:1", "-d", "5", "--warmup", "2"]);
        let plan = args.common.plan(Duration::from_secs(1)).unwrap();
        assert_eq!(plan.duration, Some(Duration::from_secs(5)));
        assert_eq!(plan.warmup, Duration::from_secs(2));
    }

    #[test]
    fn consumer_options() {
        let args = Consumer::try_parse_from(["c", "-n", "h:1", "--from-start", "-b", "64", "-q", "10"])
            .unwrap()
            .args;
        assert!(args.from_start);
        assert_eq!((args.batch, args.messages, args.threads), (64, 10, None));
        assert_eq!(args.tags, "*");
        assert_eq!(args.api, ConsumerApi::Raw);
        assert_eq!((args.tasks(4), args.tasks(1024), args.tasks(0)), (4, 8, 1));
        args.validate().unwrap();
        let push = Consumer::try_parse_from(["c", "--api", "push"]).unwrap().args;
        assert_eq!(push.api.name(), "push");
        assert!(Consumer::try_parse_from(["c", "--api", "other"]).is_err());
        let bad = Consumer::try_parse_from(["c", "-b", "0"]).unwrap().args;
        assert!(bad.validate().is_err());
    }
}
