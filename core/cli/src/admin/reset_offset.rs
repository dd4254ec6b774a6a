//! mqadmin `resetOffsetByTime` (ResetOffsetByTimeCommand): reset a group's offsets of a topic to a point in time
//! on every broker (the brokers' answer printed per queue), falling back to the admin-side reset when no consumer
//! is online (ResetOffsetByTimeOldCommand's table); with `-b addr -q queueId` only that queue, to `-o offset` or
//! the offset found for the time.

use clap::Args;
use fulmen_client::{MessageQueue, ResetOffsetOutcome, RollbackStats};
use fulmen_protocol::java_text::{java_hash_order, message_queue_hash_code, put_all_capacity};
use indexmap::IndexMap;

use super::java_text::{front, parse_timestamp};
use super::{CommandResult, NamesrvArg};

/// Options of `resetOffsetByTime`.
#[derive(Debug, Args)]
pub struct ResetOffsetByTimeArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// Consumer group.
    #[arg(short = 'g', long = "group")]
    group: String,
    /// Topic.
    #[arg(short = 't', long = "topic")]
    topic: String,
    /// Timestamp: now, milliseconds, or yyyy-MM-dd#HH:mm:ss:SSS.
    #[arg(short = 's', long = "timestamp")]
    timestamp: String,
    /// Force rollback even to a later offset (true|false). Deprecated in mqadmin; default true.
    #[arg(short = 'f', long = "force", default_value_t = true, action = clap::ArgAction::Set)]
    force: bool,
    /// Broker address (with -q: reset one queue).
    #[arg(short = 'b', long = "broker")]
    broker: Option<String>,
    /// Queue id (with -b).
    #[arg(short = 'q', long = "queue")]
    queue: Option<i32>,
    /// Expected queue offset (with -b and -q).
    #[arg(short = 'o', long = "offset")]
    offset: Option<i64>,
}

/// `resetOffsetByTime`.
pub async fn run(args: ResetOffsetByTimeArgs) -> CommandResult {
    let (group, topic, text) = (args.group.trim(), args.topic.trim(), args.timestamp.trim());
    let timestamp = parse_timestamp(text, true)?;
    let admin = args.namesrv.admin().await?;
    let outcome = async {
        if let (Some(broker), Some(queue_id)) = (&args.broker, args.queue.filter(|id| *id >= 0)) {
            println!(
                "start reset consumer offset by specified, group[{group}], topic[{topic}], \
                 queueId[{queue_id}], broker[{broker}], timestamp(string)[{text}], \
                 timestamp(long)[{timestamp}]"
            );
            let broker_name = broker_name_of(&admin, topic, broker).await?;
            let queue = MessageQueue::new(topic, broker_name, queue_id);
            let offset = match args.offset {
                Some(offset) => offset,
                None => admin.search_offset(&queue, timestamp).await?,
            };
            println!("reset consumer offset to {offset}");
            if offset > 0 {
                admin.update_consumer_offset(group, &queue, offset).await?;
            }
            return Ok(());
        }
        match admin
            .reset_offset_by_time(topic, group, timestamp, args.force)
            .await?
        {
            ResetOffsetOutcome::Reset(table) => {
                println!(
                    "start reset consumer offset by specified, group[{group}], topic[{topic}], force[{}], \
                     timestamp(string)[{text}], timestamp(long)[{timestamp}]",
                    args.force
                );
                print_reset_table(table);
            }
            ResetOffsetOutcome::RolledBack(stats) => {
                println!(
                    "reset consumer offset by specified consumerGroup[{group}], topic[{topic}], force[{}], \
                     timestamp(string)[{text}], timestamp(long)[{timestamp}]",
                    args.force
                );
                print_rollback_table(&stats);
            }
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    admin.shutdown().await;
    outcome
}

/// The broker-side reset's rows. Java collects the brokers' answers in a `HashMap` (sized by the first broker's
/// `putAll`) and prints them in that map's order.
fn print_reset_table(table: IndexMap<MessageQueue, i64>) {
    let entries: Vec<(MessageQueue, i64)> = table.into_iter().collect();
    let first_broker = entries.first().map(|(queue, _)| queue.broker_name.clone());
    let first_len = entries
        .iter()
        .filter(|(queue, _)| Some(&queue.broker_name) == first_broker.as_ref())
        .count();
    let entries = java_hash_order(entries, put_all_capacity(first_len), |(queue, _)| {
        message_queue_hash_code(queue)
    });
    println!("{:<40}  {:<40}  {:<40}", "#brokerName", "#queueId", "#offset");
    for (queue, offset) in entries {
        println!(
            "{:<40}  {:<40}  {:<40}",
            front(&queue.broker_name, 32),
            queue.queue_id,
            offset
        );
    }
}

/// The admin-side reset's rows (ResetOffsetByTimeOldCommand).
fn print_rollback_table(stats: &[RollbackStats]) {
    let row = |cells: [&str; 6]| {
        let [
            broker,
            queue,
            broker_offset,
            consumer_offset,
            timestamp_offset,
            reset_offset,
        ] = cells;
        println!(
            "{broker:<20}  {queue:<20}  {broker_offset:<20}  {consumer_offset:<20}  {timestamp_offset:<20}  \
             {reset_offset:<20}"
        );
    };
    row([
        "#brokerName",
        "#queueId",
        "#brokerOffset",
        "#consumerOffset",
        "#timestampOffset",
        "#resetOffset",
    ]);
    for queue in stats {
        row([
            front(&queue.broker_name, 32),
            &queue.queue_id.to_string(),
            &queue.broker_offset.to_string(),
            &queue.consumer_offset.to_string(),
            &queue.timestamp_offset.to_string(),
            &queue.rollback_offset.to_string(),
        ]);
    }
}

/// The name of the broker at `addr` among the brokers of `topic`.
async fn broker_name_of(admin: &fulmen_client::Admin, topic: &str, addr: &str) -> Result<String, String> {
    let route = admin
        .topic_route(topic)
        .await
        .map_err(|error| error.to_string())?;
    route
        .broker_datas
        .iter()
        .find(|broker| broker.broker_addrs.values().any(|known| known == addr.trim()))
        .map(|broker| broker.broker_name.clone())
        .ok_or_else(|| format!("the broker {addr} does not serve {topic}"))
}
