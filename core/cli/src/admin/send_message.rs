//! mqadmin `sendMessage` (SendMessageCommand): sends one message with a producer whose group is the current
//! millis, to any queue or (`-b brokerName -i queueId`) to one queue, and prints broker, queue, status and msgId.

use clap::Args;
use fulmen_client::{Message, MessageQueue, Producer, ProducerConfig};

use super::{CommandResult, NamesrvArg};

/// Options of `sendMessage`.
#[derive(Debug, Args)]
pub struct SendMessageArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// Topic name.
    #[arg(short = 't', long = "topic")]
    topic: String,
    /// UTF-8 string format of the message body.
    #[arg(short = 'p', long = "body")]
    body: String,
    /// Message keys.
    #[arg(short = 'k', long = "key")]
    keys: Option<String>,
    /// Message tags.
    #[arg(short = 'c', long = "tags")]
    tags: Option<String>,
    /// Send message to target broker (name).
    #[arg(short = 'b', long = "broker")]
    broker: Option<String>,
    /// Send message to target queue (needs -b).
    #[arg(short = 'i', long = "qid", requires = "broker")]
    queue_id: Option<i32>,
}

/// The header and row format of `sendMessage`.
fn row(broker: &str, queue: &str, status: &str, msg_id: &str) -> String {
    format!("{broker:<32}  {queue:<4}  {status:<20}    {msg_id}")
}

/// `sendMessage`.
pub async fn run(args: SendMessageArgs) -> CommandResult {
    let topic = args.topic.trim();
    let mut message = Message::new(topic, args.body.trim().to_owned());
    if let Some(tags) = &args.tags {
        message = message.with_tags(tags.trim());
    }
    if let Some(keys) = &args.keys {
        message = message.with_keys([keys.trim()]);
    }
    let group = chrono::Utc::now().timestamp_millis().to_string();
    let producer = Producer::start(ProducerConfig::new(args.namesrv.namesrv_addr.trim(), group)).await?;
    let outcome = match (&args.broker, args.queue_id.filter(|id| *id > -1)) {
        (Some(broker), Some(queue_id)) => {
            let queue = MessageQueue::new(topic, broker.trim(), queue_id);
            producer.send_to_queue(message, queue).await
        }
        _ => producer.send(message).await,
    };
    producer.shutdown().await;
    let result = outcome?;
    println!("{}", row("#Broker Name", "#QID", "#Send Result", "#MsgId"));
    println!(
        "{}",
        row(
            &result.queue.broker_name,
            &result.queue.queue_id.to_string(),
            result.status.name(),
            &result.msg_id
        )
    );
    Ok(())
}
