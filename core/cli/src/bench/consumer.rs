//! `fulmen bench consumer --api raw` (the default): pulls every queue of a topic from concurrent tasks, from the newest offset (or the
//! oldest with `--from-start`), and reports the receive rate and the end-to-end latency of each message: now
//! minus its born timestamp (B2C, producer clock to consumer clock, so only meaningful on one machine or with
//! synchronised clocks) and now minus its store timestamp (S2C), as Apache's benchmark consumer does, with
//! percentiles. Timestamps are in milliseconds, so these latencies have a 1 ms resolution.
//!
//! The pull primitive does not ask the broker to hold a pull, so a task that finds its queues empty pauses
//! (1 ms, doubling up to `--idle-wait-ms`) before pulling again.

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use fulmen_client::{ErrorKind, MessageQueue, PullConsumer, PullConsumerConfig, PullStatus};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::args::ConsumerArgs;
use super::control::{self, pause};
use super::report::{Kind, Progress, say};
use super::tally::{Tally, interrupt_token, limits};

/// How long one pull may take.
const PULL_TIMEOUT: Duration = Duration::from_secs(3);
/// The first pause after a round of pulls found nothing.
const IDLE_MIN: Duration = Duration::from_millis(1);
/// The pause of a task after a failed pull.
const BACKOFF_AFTER_FAILURE: Duration = Duration::from_millis(100);
/// How often the topic's route is asked for while the topic does not exist yet.
const TOPIC_POLL: Duration = Duration::from_millis(500);

/// What every task shares.
struct Shared {
    consumer: PullConsumer,
    expression: String,
    batch: i32,
    max_idle: Duration,
    tally: Tally,
}

/// Where a task is in one queue.
#[derive(Debug, Clone)]
struct Cursor {
    queue: MessageQueue,
    /// The offset consumption started at.
    start: i64,
    /// The next offset to pull.
    offset: i64,
    /// The queue's max offset as of the last pull.
    max_offset: i64,
}

/// Runs the consumer benchmark.
pub async fn run(args: ConsumerArgs) -> Result<(), Box<dyn Error>> {
    args.validate()?;
    let mut plan = args.common.plan(Duration::from_secs(5))?;
    let interrupted = interrupt_token()?;
    let started = Instant::now();
    let mut config = PullConsumerConfig::new(args.common.namesrv.clone(), args.group.clone());
    config.client.serialize_type = args.common.header.serialize_type();
    let consumer = PullConsumer::start(config).await?;
    let outcome = async {
        let Some(queues) = discover(&consumer, &args.common.topic, &interrupted, plan.duration).await? else {
            say("Stopped before the topic's queues were known; nothing consumed");
            return Ok(());
        };
        let cursors = starting_cursors(&consumer, queues, args.from_start).await?;
        // The whole run, waiting for the topic included, lasts at most --duration.
        plan.duration = plan
            .duration
            .map(|d| d.saturating_sub(started.elapsed()).max(plan.warmup));
        bench(&args, consumer.clone(), cursors, plan, interrupted.clone()).await
    }
    .await;
    consumer.shutdown().await;
    outcome
}

/// The topic's queues, asking again while the topic does not exist; `None` when stopped or out of time first.
async fn discover(
    consumer: &PullConsumer,
    topic: &str,
    interrupted: &CancellationToken,
    duration: Option<Duration>,
) -> Result<Option<Vec<MessageQueue>>, Box<dyn Error>> {
    let deadline = duration.map(|d| Instant::now() + d);
    let mut said = false;
    loop {
        match consumer.fetch_message_queues(topic).await {
            Ok(queues) => return Ok(Some(queues)),
            Err(error) if matches!(error.kind(), ErrorKind::RouteNotFound | ErrorKind::TopicNotFound) => {
                if !said {
                    say(&format!("Waiting for topic {topic} to exist ({error})"));
                    said = true;
                }
            }
            Err(error) => return Err(error.into()),
        }
        if deadline.is_some_and(|deadline| Instant::now() + TOPIC_POLL >= deadline)
            || !pause(interrupted, TOPIC_POLL).await
        {
            return Ok(None);
        }
    }
}

/// A cursor per queue, at the queue's oldest offset (`from_start`) or at its max offset now.
async fn starting_cursors(
    consumer: &PullConsumer,
    queues: Vec<MessageQueue>,
    from_start: bool,
) -> Result<Vec<Cursor>, Box<dyn Error>> {
    let mut cursors = Vec::with_capacity(queues.len());
    for queue in queues {
        // A pull of one message at 0 answers with the queue's min and max offsets, whatever it finds.
        let probe = consumer.pull(&queue, "*", 0, 1, PULL_TIMEOUT).await?;
        let start = if from_start {
            probe.min_offset.max(0)
        } else {
            probe.max_offset.max(0)
        };
        cursors.push(Cursor {
            queue,
            start,
            offset: start,
            max_offset: probe.max_offset,
        });
    }
    Ok(cursors)
}

async fn bench(
    args: &ConsumerArgs,
    consumer: PullConsumer,
    cursors: Vec<Cursor>,
    plan: control::Plan,
    interrupted: CancellationToken,
) -> Result<(), Box<dyn Error>> {
    let tasks = args.tasks(cursors.len());
    say(&format!(
        "topic: {}, api: raw, namesrv: {}, group: {}, queues: {}, tasks: {tasks}, batch: {}, from: {}, {}",
        args.common.topic,
        args.common.namesrv,
        args.group,
        cursors.len(),
        args.batch,
        if args.from_start {
            "oldest offset"
        } else {
            "newest offset"
        },
        limits(args, plan.duration),
    ));
    let shared = Arc::new(Shared {
        consumer: consumer.clone(),
        expression: args.tags.clone(),
        batch: args.batch,
        max_idle: Duration::from_millis(args.idle_wait_ms.max(1)),
        tally: Tally::new(args.messages),
    });
    let mut assigned: Vec<Vec<Cursor>> = vec![Vec::new(); tasks];
    for (index, cursor) in cursors.into_iter().enumerate() {
        assigned[index % tasks].push(cursor);
    }
    let mut workers = JoinSet::new();
    for cursors in assigned {
        workers.spawn(pull_loop(shared.clone(), cursors));
    }
    let mut progress = Progress::new(Kind::Consumer);
    let (results, timeline) = control::drive(
        &shared.tally.stats,
        &shared.tally.stop,
        interrupted.cancelled_owned(),
        workers,
        plan,
        |elapsed| progress.tick(&shared.tally.stats, elapsed),
    )
    .await;

    let cursors: Vec<Cursor> = results.into_iter().flatten().collect();
    let mut committed = 0;
    for cursor in &cursors {
        match consumer.update_offset(&cursor.queue, cursor.offset).await {
            Ok(()) => committed += 1,
            Err(error) => {
                tracing::warn!(%error, queue = %cursor.queue, "could not store the consumer offset")
            }
        }
    }
    shared.tally.print_summary(&timeline);
    let advanced: i64 = cursors.iter().map(|c| c.offset - c.start).sum();
    let lag: i64 = cursors.iter().map(|c| (c.max_offset - c.offset).max(0)).sum();
    say(&format!(
        "Queues: {} | Offsets advanced: {advanced} | Lag at the end: {lag} | Offsets stored for group {}: {committed}",
        cursors.len(),
        args.group
    ));
    Ok(())
}

/// Pulls the task's queues in turn until the run stops; returns the cursors where they ended.
async fn pull_loop(shared: Arc<Shared>, mut cursors: Vec<Cursor>) -> Vec<Cursor> {
    let mut idle = IDLE_MIN;
    'run: while !shared.tally.stop.is_cancelled() {
        let mut found = false;
        for cursor in &mut cursors {
            if shared.tally.stop.is_cancelled() {
                break 'run;
            }
            let pulled = shared
                .consumer
                .pull(
                    &cursor.queue,
                    &shared.expression,
                    cursor.offset,
                    shared.batch,
                    PULL_TIMEOUT,
                )
                .await;
            match pulled {
                Ok(result) => {
                    cursor.max_offset = result.max_offset;
                    match result.status {
                        PullStatus::Found => {
                            found = true;
                            shared.tally.record(&result.messages);
                        }
                        PullStatus::NoNewMsg | PullStatus::NoMatchedMsg => {}
                        PullStatus::OffsetIllegal => shared.tally.stats.note("OFFSET_MOVED"),
                    }
                    cursor.offset = result.next_begin_offset;
                }
                Err(error) => {
                    tracing::debug!(%error, queue = %cursor.queue, "pull failed");
                    shared.tally.stats.record_failure(error.code());
                    if !pause(&shared.tally.stop, BACKOFF_AFTER_FAILURE).await {
                        break 'run;
                    }
                }
            }
        }
        if found {
            idle = IDLE_MIN;
        } else {
            if !pause(&shared.tally.stop, idle).await {
                break;
            }
            idle = (idle * 2).min(shared.max_idle);
        }
    }
    cursors
}
