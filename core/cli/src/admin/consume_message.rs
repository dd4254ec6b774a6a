//! mqadmin `consumeMessage` (ConsumeMessageCommand): pulls a topic's queues (or one queue, from an offset) between
//! their min and max offsets, or offsets found for begin / end times, at most `-c` messages (128), without
//! committing offsets, and prints each batch as `Consume ok` and a line per message
//! (PrintMessageByQueueCommand.printMessage). The message text is Java's `MessageExt.toString` without the fields
//! a pulled message does not carry here (store size, sysFlag, body CRC and prepared-transaction offset).

use std::time::Duration;

use clap::Args;
use fulmen_protocol::java_text::{DEFAULT_CAPACITY, PERM_READ, java_hash_order, message_queue_hash_code};

use fulmen_client::{Admin, MessageQueue, MessageView, PullConsumer, PullConsumerConfig, PullStatus};

use super::java_text::{java_properties, parse_timestamp};
use super::{CommandResult, NamesrvArg};

/// The group mqadmin pulls with (`MixAll.TOOLS_CONSUMER_GROUP`).
const TOOLS_CONSUMER_GROUP: &str = "TOOLS_CONSUMER";
const PULL_TIMEOUT: Duration = Duration::from_secs(10);

/// Options of `consumeMessage`.
#[derive(Debug, Args)]
pub struct ConsumeMessageArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// Topic name.
    #[arg(short = 't', long = "topic")]
    topic: String,
    /// Broker name.
    #[arg(short = 'b', long = "brokerName")]
    broker: Option<String>,
    /// Queue id (needs -b).
    #[arg(short = 'i', long = "queueId", requires = "broker")]
    queue_id: Option<i32>,
    /// Queue offset (needs -i).
    #[arg(short = 'o', long = "offset", requires = "queue_id")]
    offset: Option<i64>,
    /// Consumer group name.
    #[arg(short = 'g', long = "consumerGroup", default_value = TOOLS_CONSUMER_GROUP)]
    group: String,
    /// Begin timestamp (currentTimeMillis or yyyy-MM-dd#HH:mm:ss:SSS).
    #[arg(short = 's', long = "beginTimestamp")]
    begin: Option<String>,
    /// End timestamp (currentTimeMillis or yyyy-MM-dd#HH:mm:ss:SSS).
    #[arg(short = 'e', long = "endTimestamp")]
    end: Option<String>,
    /// Number of messages to be consumed.
    #[arg(short = 'c', long = "MessageNumber", default_value_t = 128)]
    count: i64,
}

/// `consumeMessage`.
pub async fn run(args: ConsumeMessageArgs) -> CommandResult {
    if args.count <= 0 {
        print!("Please input a positive messageNumber!");
        return Ok(());
    }
    let now = chrono::Utc::now().timestamp_millis();
    let begin = args
        .begin
        .as_deref()
        .map(|text| parse_timestamp(text, false))
        .transpose()?
        .unwrap_or(0);
    let end = args
        .end
        .as_deref()
        .map(|text| parse_timestamp(text, false))
        .transpose()?
        .unwrap_or(0);
    if begin > now {
        print!("Please set the beginTimestamp before now!");
        return Ok(());
    }
    if end > now {
        print!("Please set the endTimestamp before now!");
        return Ok(());
    }
    if args.end.is_some() && begin > end {
        print!("Please make sure that the beginTimestamp is less than or equal to the endTimestamp");
        return Ok(());
    }
    let namesrv = args.namesrv.namesrv_addr.trim();
    let admin = args.namesrv.admin().await?;
    let consumer = PullConsumer::start(PullConsumerConfig::new(namesrv, args.group.trim())).await?;
    let reader = Reader {
        admin: &admin,
        consumer: &consumer,
        begin,
        end,
    };
    let topic = args.topic.trim();
    let outcome = match (&args.broker, args.queue_id) {
        (Some(broker), Some(queue_id)) => {
            let queue = MessageQueue::new(topic, broker.trim(), queue_id);
            reader
                .by_queue(&queue, args.offset.unwrap_or(0), args.count)
                .await
        }
        _ => reader.every_queue(topic, args.count).await,
    };
    consumer.shutdown().await;
    admin.shutdown().await;
    Ok(outcome?)
}

/// Pulls and prints, as ConsumeMessageCommand does.
struct Reader<'a> {
    admin: &'a Admin,
    consumer: &'a PullConsumer,
    begin: i64,
    end: i64,
}

impl Reader<'_> {
    /// The offset range to read of `queue`: min / max, or the offsets found for the begin / end times.
    async fn range(&self, queue: &MessageQueue) -> fulmen_client::Result<(i64, i64)> {
        let mut min = self.admin.min_offset(queue).await?;
        let mut max = self.admin.max_offset(queue).await?;
        if self.begin > 0 {
            min = self.admin.search_offset(queue, self.begin).await?;
        }
        if self.end > 0 {
            max = self.admin.search_offset(queue, self.end).await?;
        }
        Ok((min, max))
    }

    /// Every queue of `topic`, oldest messages first, `count` in all (`executeDefault`).
    async fn every_queue(&self, topic: &str, count: i64) -> fulmen_client::Result<()> {
        let mut left = count;
        for queue in self.subscribe_queues(topic).await? {
            if left == 0 {
                return Ok(());
            }
            let (min, mut max) = self.range(&queue).await?;
            if max - min > left {
                println!(
                    "The older {left} message of the {} queue will be provided",
                    queue.queue_id
                );
                max = min + left - 1;
                left = 0;
            } else {
                left = left - (max - min) - 1;
            }
            self.pull_range(&queue, min, max).await;
        }
        Ok(())
    }

    /// The readable queues of `topic` in the order Java iterates them: built per queue data of the route, then
    /// read from a `HashSet` (`MQAdminImpl.fetchSubscribeMessageQueues`).
    async fn subscribe_queues(&self, topic: &str) -> fulmen_client::Result<Vec<MessageQueue>> {
        let route = self.admin.topic_route(topic).await?;
        let queues: Vec<MessageQueue> = route
            .queue_datas
            .iter()
            .filter(|queue| queue.perm & PERM_READ != 0)
            .flat_map(|queue| {
                (0..queue.read_queue_nums).map(|id| MessageQueue::new(topic, &queue.broker_name, id))
            })
            .collect();
        Ok(java_hash_order(queues, DEFAULT_CAPACITY, message_queue_hash_code))
    }

    /// One queue from `offset` (`executeByCondition`).
    async fn by_queue(&self, queue: &MessageQueue, offset: i64, count: i64) -> fulmen_client::Result<()> {
        let (min, mut max) = self.range(queue).await?;
        if offset > max {
            println!("{queue} no matched msg, offset={offset}");
            return Ok(());
        }
        let min = min.max(offset);
        if max - min > count {
            println!("The oldler {count} message will be provided");
            max = min + count - 1;
        }
        self.pull_range(queue, min, max).await;
        Ok(())
    }

    /// Pulls `queue` from `min` while the offset is at most `max` (`pullMessageByQueue`); errors are reported
    /// on stderr and end this queue, as Java prints the stack trace and returns.
    async fn pull_range(&self, queue: &MessageQueue, min: i64, max: i64) {
        let mut offset = min;
        while offset <= max {
            let batch = i32::try_from(max - offset + 1).unwrap_or(i32::MAX);
            let result = match self.consumer.pull(queue, "*", offset, batch, PULL_TIMEOUT).await {
                Ok(result) => result,
                Err(error) => {
                    eprintln!("{error}");
                    return;
                }
            };
            offset = result.next_begin_offset;
            match result.status {
                PullStatus::Found => {
                    println!("Consume ok");
                    for message in &result.messages {
                        println!("{}", message_line(message));
                    }
                }
                PullStatus::NoMatchedMsg => {
                    println!(
                        "{queue} no matched msg. status={}, offset={offset}",
                        status_name(result.status)
                    );
                }
                PullStatus::NoNewMsg | PullStatus::OffsetIllegal => {
                    println!(
                        "{queue} print msg finished. status={}, offset={offset}",
                        status_name(result.status)
                    );
                    return;
                }
            }
        }
    }
}

/// Java's `PullStatus` name.
fn status_name(status: PullStatus) -> &'static str {
    match status {
        PullStatus::Found => "FOUND",
        PullStatus::NoNewMsg => "NO_NEW_MSG",
        PullStatus::NoMatchedMsg => "NO_MATCHED_MSG",
        PullStatus::OffsetIllegal => "OFFSET_ILLEGAL",
    }
}

/// `MSGID: <msgId> MessageExt [...] BODY: <UTF-8 body>`.
fn message_line(message: &MessageView) -> String {
    let body: Vec<String> = message
        .body
        .iter()
        .map(|byte| (*byte as i8).to_string())
        .collect();
    format!(
        "MSGID: {} MessageExt [brokerName={}, queueId={}, queueOffset={}, bornTimestamp={}, bornHost=/{}, \
         storeTimestamp={}, storeHost=/{}, msgId={}, commitLogOffset={}, reconsumeTimes={}, \
         toString()=Message{{topic='{}', flag={}, properties={}, body=[{}], transactionId='null'}}] BODY: {}",
        message.msg_id,
        message.queue.broker_name,
        message.queue.queue_id,
        message.queue_offset,
        message.born_timestamp,
        message.born_host,
        message.store_timestamp,
        message.store_host,
        message.offset_msg_id,
        message.commit_log_offset,
        message.reconsume_times,
        message.topic,
        message.flag,
        java_properties(&message.properties),
        body.join(", "),
        String::from_utf8_lossy(&message.body)
    )
}
