//! `fulmen bench consumer --api push`: a `PushConsumer` of a new (or the given) group subscribed to the topic, with
//! an async listener that records each delivered batch into the [`Tally`] and answers success. Batches are of one
//! message (the client's default, which the Python push consumer keeps); the other settings are the client's
//! defaults too. Deliveries after the run stopped are not counted.

use std::error::Error;
use std::sync::Arc;

use fulmen_client::{ConsumeResult, MessageView, PushConsumer, PushConsumerConfig};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::args::ConsumerArgs;
use super::consumer_api::{DRAIN, consume_from, measure};
use super::report::say;
use super::tally::{Tally, interrupt_token};

/// Runs the benchmark with a push consumer.
pub async fn run(args: ConsumerArgs) -> Result<(), Box<dyn Error>> {
    args.validate()?;
    let plan = args.common.plan(DRAIN)?;
    let interrupted = interrupt_token()?;
    let started = Instant::now();
    let mut config = PushConsumerConfig::new(args.common.namesrv.clone(), args.group.clone())
        .subscribe(args.common.topic.clone(), args.tags.clone());
    config.client.serialize_type = args.common.header.serialize_type();
    config.consume_from_where = consume_from(&args);
    let tally = Arc::new(Tally::new(args.messages));
    let listener = {
        let tally = tally.clone();
        move |messages: Vec<MessageView>| {
            if !tally.stop.is_cancelled() {
                tally.record(&messages);
            }
            async { ConsumeResult::Success }
        }
    };
    let consumer = PushConsumer::start(config, listener).await?;
    let mut workers = JoinSet::new();
    let stop = tally.stop.clone();
    workers.spawn(async move { stop.cancelled().await });
    measure(&args, &tally, workers, plan, started, &interrupted).await;
    consumer.shutdown().await;
    say(&format!(
        "Push consumer of group {} shut down (its offsets stored)",
        args.group
    ));
    Ok(())
}
