//! `fulmen bench producer`: sends fixed-size messages from concurrent tasks for a while and reports the send
//! rate and the send latency (from the call to the broker's answer) as Apache's benchmark producer does, plus
//! percentiles from a histogram of every send.

use std::error::Error;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use fulmen_client::{Message, Producer, ProducerConfig, SendResult, SendStatus};
use fulmen_testkit::LocalCluster;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::args::{ProducerArgs, SendMode};
use super::control::{self, pause};
use super::report::{Kind, Progress, Summary, say};
use super::stats::Stats;
use crate::signal::StopSignals;

/// The pause of a task after a failed send, so a broken connection or a missing route is not retried in a hot
/// loop (Apache's tool sleeps 3 s; a shorter pause keeps short runs meaningful).
const BACKOFF_AFTER_FAILURE: Duration = Duration::from_millis(100);

/// What every task shares.
struct Shared {
    producer: Producer,
    template: Message,
    stats: Stats,
    stop: CancellationToken,
    /// Messages left to send when `--messages` is set.
    budget: Option<AtomicU64>,
    /// When the run started, and when the first SEND_OK came back.
    started: Instant,
    first_ok: OnceLock<(Duration, SystemTime)>,
    /// The first failure, shown in the summary.
    first_error: OnceLock<String>,
}

impl Shared {
    /// Takes one message from the budget; false once the run is stopping or the budget is spent.
    fn take_one(&self) -> bool {
        if self.stop.is_cancelled() {
            return false;
        }
        match &self.budget {
            None => true,
            Some(left) => left
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok(),
        }
    }

    fn message(&self) -> Message {
        self.template.clone()
    }

    /// Records the outcome of one send that took `latency`; returns whether it succeeded.
    fn record(&self, outcome: fulmen_client::Result<Option<SendResult>>, latency: Duration) -> bool {
        match outcome {
            Ok(result) => {
                if let Some(result) = result
                    && result.status != SendStatus::SendOk
                {
                    self.stats.note(result.status.name());
                }
                self.stats
                    .record(1, self.template.body.len() as u64, &[&[latency]]);
                self.first_ok
                    .get_or_init(|| (self.started.elapsed(), SystemTime::now()));
                true
            }
            Err(error) => {
                tracing::debug!(%error, "send failed");
                self.first_error.get_or_init(|| error.to_string());
                self.stats.record_failure(error.kind().code());
                false
            }
        }
    }
}

/// Runs the producer benchmark.
pub async fn run(args: ProducerArgs) -> Result<(), Box<dyn Error>> {
    args.validate()?;
    let drain = Duration::from_secs(5);
    let plan = args.common.plan(drain)?;
    let signals = StopSignals::install()?;
    let embedded = if args.embedded {
        // Large commitlog files: a benchmark writes a lot, and the store is thrown away afterwards.
        let cluster = LocalCluster::builder()
            .commit_log_file_size(256 << 20)
            .start()
            .await?;
        say(&format!(
            "embedded cluster: name server {}, broker {} at {}, store {}",
            cluster.namesrv_addr(),
            cluster.brokers()[0].0,
            cluster.brokers()[0].1,
            cluster.store_dir().display()
        ));
        Some(cluster)
    } else {
        None
    };
    let namesrv = embedded
        .as_ref()
        .map_or_else(|| args.common.namesrv.clone(), LocalCluster::namesrv_addr);
    let outcome = bench(&args, namesrv, plan, signals).await;
    if let Some(cluster) = embedded {
        cluster.shutdown().await;
    }
    outcome
}

async fn bench(
    args: &ProducerArgs,
    namesrv: String,
    plan: control::Plan,
    signals: StopSignals,
) -> Result<(), Box<dyn Error>> {
    let mut config = ProducerConfig::new(namesrv.clone(), args.group.clone());
    config.client.serialize_type = args.common.header.serialize_type();
    if !args.compress {
        // Apache's tool sends bodies as they are unless asked to compress.
        config.compress_over = usize::MAX;
    }
    let producer = Producer::start(config).await?;
    let mut template = Message::new(args.common.topic.clone(), random_body(args.message_size));
    if let Some(tags) = &args.tags {
        template = template.with_tags(tags.clone());
    }
    say(&format!(
        "topic: {}, namesrv: {namesrv}, mode: {}, tasks: {}, in flight: {}, messageSize: {}, tags: {}, \
         messages: {}, duration: {}, warmup: {} s, compress: {}, header: {}",
        args.common.topic,
        args.mode.name(),
        args.tasks(),
        args.concurrency(),
        args.message_size,
        args.tags.as_deref().unwrap_or("none"),
        if args.messages == 0 {
            "no limit".to_owned()
        } else {
            args.messages.to_string()
        },
        plan.duration
            .map_or_else(|| "until Ctrl-C".to_owned(), |d| format!("{} s", d.as_secs())),
        plan.warmup.as_secs(),
        args.compress,
        args.common.header.name(),
    ));

    let shared = Arc::new(Shared {
        producer: producer.clone(),
        template,
        stats: Stats::new(1),
        stop: CancellationToken::new(),
        budget: (args.messages > 0).then(|| AtomicU64::new(args.messages)),
        started: Instant::now(),
        first_ok: OnceLock::new(),
        first_error: OnceLock::new(),
    });
    let mut workers = JoinSet::new();
    for _ in 0..args.tasks() {
        let shared = shared.clone();
        match args.mode {
            SendMode::Sync => workers.spawn(send_sync(shared)),
            SendMode::Async => workers.spawn(send_async(shared, args.in_flight)),
            SendMode::Oneway => workers.spawn(send_oneway(shared)),
        };
    }
    let mut progress = Progress::new(Kind::Producer);
    let (_, timeline) = control::drive(
        &shared.stats,
        &shared.stop,
        signals.wait(),
        workers,
        plan,
        |elapsed| progress.tick(&shared.stats, elapsed),
    )
    .await;
    producer.shutdown().await;

    for line in Summary::of(Kind::Producer, &shared.stats, &timeline).lines() {
        say(&line);
    }
    match shared.first_ok.get() {
        Some((after, at)) => {
            let unix_ms = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
            let what = if args.mode == SendMode::Oneway {
                "oneway send"
            } else {
                "SEND_OK"
            };
            say(&format!(
                "First {what}: {:.3} ms after the producer started (unix ms {unix_ms})",
                after.as_secs_f64() * 1000.0
            ));
        }
        None => say("No message was sent successfully"),
    }
    if let Some(error) = shared.first_error.get() {
        say(&format!("First failure: {error}"));
    }
    Ok(())
}

/// One send at a time.
async fn send_sync(shared: Arc<Shared>) {
    while shared.take_one() {
        let begin = Instant::now();
        let outcome = shared.producer.send(shared.message()).await.map(Some);
        if !shared.record(outcome, begin.elapsed()) && !pause(&shared.stop, BACKOFF_AFTER_FAILURE).await {
            break;
        }
    }
}

/// `in_flight` sends outstanding, each spawned as its own task so they spread over the runtime's threads.
async fn send_async(shared: Arc<Shared>, in_flight: usize) {
    let mut pending = JoinSet::new();
    loop {
        while pending.len() < in_flight && shared.take_one() {
            let shared = shared.clone();
            pending.spawn(async move {
                let begin = Instant::now();
                let outcome = shared.producer.send(shared.message()).await.map(Some);
                shared.record(outcome, begin.elapsed())
            });
        }
        match pending.join_next().await {
            None => break,
            Some(Ok(true)) => {}
            Some(Ok(false)) => {
                // Let the failure pass before topping up again, as the sync mode does.
                pause(&shared.stop, BACKOFF_AFTER_FAILURE).await;
            }
            Some(Err(error)) => tracing::error!(%error, "a send task failed"),
        }
    }
}

/// Sends without answers; the latency is the time to queue the request on the connection.
async fn send_oneway(shared: Arc<Shared>) {
    while shared.take_one() {
        let begin = Instant::now();
        let outcome = shared.producer.send_oneway(shared.message()).await.map(|()| None);
        if !shared.record(outcome, begin.elapsed()) && !pause(&shared.stop, BACKOFF_AFTER_FAILURE).await {
            break;
        }
    }
}

/// `size` random ASCII letters and digits, as Apache's tool sends.
fn random_body(size: usize) -> Bytes {
    const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = fastrand::Rng::new();
    (0..size)
        .map(|_| ALPHANUMERIC[rng.usize(..ALPHANUMERIC.len())])
        .collect::<Vec<u8>>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_have_the_size_asked_and_are_printable() {
        let body = random_body(1024);
        assert_eq!(body.len(), 1024);
        assert!(body.iter().all(u8::is_ascii_alphanumeric));
        assert!(random_body(0).is_empty());
    }
}
