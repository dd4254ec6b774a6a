//! `fulmen bench consumer --api lite`: a `LitePullConsumer` of a new (or the given) group subscribed to the topic,
//! polled in a loop by one task; every polled batch goes into the [`Tally`]. The consumer's own pull tasks,
//! batch size and buffers are the client's defaults, as an application (or the Python binding) gets them.

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use fulmen_client::{LitePullConsumer, LitePullConsumerConfig};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::args::ConsumerArgs;
use super::consumer_api::{DRAIN, consume_from, measure};
use super::control::pause;
use super::report::say;
use super::tally::{Tally, interrupt_token};

/// How long one poll waits for messages; bounds how late the loop sees the stop.
const POLL: Duration = Duration::from_millis(100);
/// The pause after a failed poll.
const BACKOFF_AFTER_FAILURE: Duration = Duration::from_millis(100);

/// Runs the benchmark with a lite pull consumer.
pub async fn run(args: ConsumerArgs) -> Result<(), Box<dyn Error>> {
    args.validate()?;
    let plan = args.common.plan(DRAIN)?;
    let interrupted = interrupt_token()?;
    let started = Instant::now();
    let mut config = LitePullConsumerConfig::new(args.common.namesrv.clone(), args.group.clone());
    config.client.serialize_type = args.common.header.serialize_type();
    config.consume_from_where = consume_from(&args);
    let consumer = LitePullConsumer::start(config).await?;
    let outcome = async {
        consumer.subscribe(&args.common.topic, &args.tags).await?;
        let tally = Arc::new(Tally::new(args.messages));
        let mut workers = JoinSet::new();
        workers.spawn(poll_loop(consumer.clone(), tally.clone()));
        measure(&args, &tally, workers, plan, started, &interrupted).await;
        Ok(())
    }
    .await;
    consumer.shutdown().await;
    say(&format!(
        "Lite pull consumer of group {} shut down (its offsets stored)",
        args.group
    ));
    outcome
}

/// Polls until the run stops.
async fn poll_loop(consumer: LitePullConsumer, tally: Arc<Tally>) {
    while !tally.stop.is_cancelled() {
        match consumer.poll(POLL).await {
            Ok(messages) => tally.record(&messages),
            Err(error) => {
                tracing::debug!(%error, "poll failed");
                tally.stats.record_failure(error.code());
                if !pause(&tally.stop, BACKOFF_AFTER_FAILURE).await {
                    break;
                }
            }
        }
    }
}
