//! Returning failed messages to the broker (Java's `DefaultMQPushConsumerImpl#sendMessageBack`):
//! CONSUMER_SEND_MSG_BACK to the broker the message came from; if that fails, a new message to `%RETRY%<group>`
//! carrying the original's body, flag and every property (its `UNIQ_KEY`, so the msgId stays, as in Java) plus
//! `ORIGIN_MESSAGE_ID`, `RETRY_TOPIC`, the delivery count and delay level `3 + reconsumeTimes`, sent as Java's inner
//! producer (`CLIENT_INNER_PRODUCER`) does. (Java's concurrent fallback loses `ORIGIN_MESSAGE_ID` when the
//! original has none, because it replaces the property map after setting it; Fulmen always sets it, as Java's
//! orderly path does.)

use std::time::Duration;

use fulmen_protocol::header::{ConsumerSendMsgBackRequestHeader, SendMessageRequestHeaderV2};
use fulmen_protocol::message::{Properties, keys};
use fulmen_protocol::{RemotingCommand, RequestCode};

use super::PushInner;
use crate::config::DEFAULT_CREATE_TOPIC_KEY;
use crate::consumer::broker_call::expect_success;
use crate::consumer::rebalance::retry_topic;
use crate::error::{Error, ErrorKind, Result};
use crate::instance::identity::unix_millis;
use crate::message_view::MessageView;

/// The timeout of a send-back (Java's 5 000 ms).
const SEND_BACK_TIMEOUT: Duration = Duration::from_secs(5);
/// The producer group of Java's inner producer.
const INNER_PRODUCER_GROUP: &str = "CLIENT_INNER_PRODUCER";
/// `PermName.PERM_WRITE`.
const PERM_WRITE: i32 = 0x2;

impl PushInner {
    /// Sends `message` back for a later delivery at `delay_level` (0: the broker picks `3 + reconsumeTimes`),
    /// falling back to a direct send to the retry topic. Returns whether the message is back at the broker.
    pub(super) async fn send_message_back(&self, message: &MessageView, delay_level: i32) -> bool {
        let max = self.config.max_reconsume_times_concurrently();
        match self.consumer_send_msg_back(message, delay_level, max).await {
            Ok(()) => true,
            Err(error) => {
                tracing::debug!(msg_id = message.msg_id, %error, "send-back failed; sending to the retry topic");
                self.send_to_retry_topic(message, max).await.is_ok()
            }
        }
    }

    async fn consumer_send_msg_back(&self, message: &MessageView, delay_level: i32, max: i32) -> Result<()> {
        let broker_name = &message.queue.broker_name;
        let addr = self
            .instance
            .master_addr(broker_name)
            .unwrap_or_else(|| message.store_host.clone());
        let header = ConsumerSendMsgBackRequestHeader {
            offset: message.commit_log_offset,
            group: self.config.group.clone(),
            delay_level,
            origin_msg_id: Some(message.msg_id.clone()),
            origin_topic: Some(message.topic.clone()),
            unit_mode: Some(false),
            max_reconsume_times: Some(max),
            broker_name: Some(broker_name.clone()),
        };
        let request = RemotingCommand::request(RequestCode::CONSUMER_SEND_MSG_BACK).with_header(&header);
        let response = self
            .instance
            .invoke_broker(&addr, request, SEND_BACK_TIMEOUT)
            .await?;
        expect_success(response, broker_name).map(drop)
    }

    /// Sends a copy of `message` to `%RETRY%<group>` with the delivery count `reconsumeTimes + 1`.
    pub(super) async fn send_to_retry_topic(&self, message: &MessageView, max: i32) -> Result<()> {
        let topic = retry_topic(&self.config.group);
        let mut properties = Properties::new();
        for (name, value) in &message.properties {
            properties.insert(name.clone(), value.clone());
        }
        if !properties.contains(keys::ORIGIN_MESSAGE_ID) {
            properties.insert(keys::ORIGIN_MESSAGE_ID, message.msg_id.clone());
        }
        properties.insert(keys::RETRY_TOPIC, message.topic.clone());
        properties.remove(keys::TRANSACTION_PREPARED);
        properties.remove(keys::RECONSUME_TIME);
        properties.remove(keys::MAX_RECONSUME_TIMES);
        properties.insert(keys::DELAY_TIME_LEVEL, (3 + message.reconsume_times).to_string());
        let now = unix_millis();
        if !properties.contains(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX) {
            properties.insert(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX, self.ids.next_id(now));
        }
        let route = self.instance.route(&topic).await?;
        let queues: Vec<(String, i32)> = route
            .queue_datas
            .iter()
            .filter(|data| data.perm & PERM_WRITE != 0)
            .flat_map(|data| (0..data.write_queue_nums.max(0)).map(|id| (data.broker_name.clone(), id)))
            .collect();
        if queues.is_empty() {
            return Err(Error::new(
                ErrorKind::RouteNotFound,
                format!("No route info of this topic: {topic}"),
            ));
        }
        let (broker_name, queue_id) = &queues[fastrand::usize(..queues.len())];
        let addr = self.instance.master_addr(broker_name).ok_or_else(|| {
            Error::new(
                ErrorKind::RouteNotFound,
                format!("The broker[{broker_name}] not exist"),
            )
        })?;
        let header = SendMessageRequestHeaderV2 {
            producer_group: INNER_PRODUCER_GROUP.to_owned(),
            topic,
            default_topic: DEFAULT_CREATE_TOPIC_KEY.to_owned(),
            default_topic_queue_nums: 4,
            queue_id: *queue_id,
            sys_flag: 0,
            born_timestamp: now,
            flag: message.flag,
            properties: Some(properties.encode()?),
            reconsume_times: Some(message.reconsume_times + 1),
            unit_mode: Some(false),
            max_reconsume_times: Some(max),
            batch: Some(false),
            broker_name: Some(broker_name.clone()),
        };
        let request = RemotingCommand::request(RequestCode::SEND_MESSAGE_V2)
            .with_header(&header)
            .with_body(message.body.clone());
        let timeout = self.instance.config().rpc_timeout;
        let response = self.instance.invoke_broker(&addr, request, timeout).await?;
        expect_success(response, broker_name).map(drop)
    }
}
