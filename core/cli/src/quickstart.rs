//! `fulmen quickstart`: the first thing a newcomer runs. It starts a name server and a broker in this process on
//! 127.0.0.1 (store in a temporary directory, removed afterwards), sends messages printing each `SendResult` as
//! Apache's quickstart producer does, pulls them all back, checks every body, and prints a summary.

use std::collections::BTreeMap;
use std::error::Error;
use std::time::{Duration, Instant};

use clap::Args;
use fulmen_client::{Message, Producer, ProducerConfig, PullConsumer, PullConsumerConfig, PullStatus};
use fulmen_testkit::LocalCluster;

/// Options of `fulmen quickstart`.
#[derive(Debug, Args)]
pub struct QuickstartArgs {
    /// How many messages to send and consume.
    #[arg(long, default_value_t = 1000)]
    messages: usize,
    /// The topic (created on the first send, from TBW102).
    #[arg(long, default_value = "TopicTest")]
    topic: String,
}

const PULL_BATCH: i32 = 32;
const PULL_TIMEOUT: Duration = Duration::from_secs(3);
/// Bounds the consume loop: every message is expected well before this.
const CONSUME_DEADLINE: Duration = Duration::from_secs(60);

/// Runs the whole demonstration and fails if any message is missing or altered.
pub async fn run(args: QuickstartArgs) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let cluster = LocalCluster::start().await?;
    let namesrv_addr = cluster.namesrv_addr();
    println!(
        "cluster up in {:?}: name server {namesrv_addr}, broker {} (store {})",
        started.elapsed(),
        cluster.brokers()[0].1,
        cluster.store_dir().display()
    );

    let producer = Producer::start(ProducerConfig::new(
        namesrv_addr.clone(),
        "please_rename_unique_group_name",
    ))
    .await?;
    let sending = Instant::now();
    for i in 0..args.messages {
        let message = Message::new(args.topic.as_str(), body(i)).with_tags("TagA");
        println!("{}", producer.send(message).await?);
    }
    let send_time = sending.elapsed();
    producer.shutdown().await;

    let consumer = PullConsumer::start(PullConsumerConfig::new(
        namesrv_addr,
        "please_rename_unique_group_name_4",
    ))
    .await?;
    let consuming = Instant::now();
    let mut per_queue = BTreeMap::new();
    let mut seen = vec![false; args.messages];
    for queue in consumer.fetch_message_queues(&args.topic).await? {
        let mut offset = 0;
        loop {
            if consuming.elapsed() > CONSUME_DEADLINE {
                return Err(format!("messages still missing after {CONSUME_DEADLINE:?}").into());
            }
            let pulled = consumer
                .pull(&queue, "TagA", offset, PULL_BATCH, PULL_TIMEOUT)
                .await?;
            for message in &pulled.messages {
                let index = parse_body(&message.body).ok_or("a message body was altered")?;
                *seen.get_mut(index).ok_or("an unexpected message")? = true;
            }
            *per_queue.entry(queue.queue_id).or_insert(0) += pulled.messages.len();
            offset = pulled.next_begin_offset;
            if pulled.status != PullStatus::Found {
                break;
            }
        }
    }
    let consume_time = consuming.elapsed();
    consumer.shutdown().await;
    cluster.shutdown().await;

    let consumed = seen.iter().filter(|s| **s).count();
    println!(
        "\nsent {} messages in {send_time:?}, consumed {consumed} in {consume_time:?} from {} queues {per_queue:?} of {}",
        args.messages,
        per_queue.len(),
        args.topic
    );
    if consumed != args.messages {
        return Err(format!("only {consumed} of {} messages came back", args.messages).into());
    }
    println!("every message came back intact; total {:?}", started.elapsed());
    Ok(())
}

fn body(index: usize) -> String {
    format!("Hello RocketMQ {index}")
}

fn parse_body(body: &[u8]) -> Option<usize> {
    std::str::from_utf8(body)
        .ok()?
        .strip_prefix("Hello RocketMQ ")?
        .parse()
        .ok()
}
