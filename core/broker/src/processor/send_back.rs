//! CONSUMER_SEND_MSG_BACK (36): a consumer returns a message it failed to consume (Java 5.3.3's
//! `AbstractSendMessageProcessor#consumerSendMsgBack`, REMOTING.md §3.8). The broker reads the message back from
//! its commitlog and stores a copy in the group's retry topic `%RETRY%group` with a delay level (3 + times
//! already reconsumed, unless the consumer chose one), so the put pipeline schedules it; once it has been
//! reconsumed `maxReconsumeTimes` times, or when the consumer asks with a negative level, the copy goes to the
//! dead-letter topic `%DLQ%group` instead.

use fulmen_protocol::header::ConsumerSendMsgBackRequestHeader;
use fulmen_protocol::message::{MessageExt, keys};
use fulmen_protocol::{RemotingCommand, ResponseCode};
use fulmen_store::{MessageToStore, PutMessageStatus};

use super::retry_dlq::{dead_letter_topic, group_config, max_reconsume_times};
use super::{Reply, decode, reply, success};
use crate::state::BrokerState;
use crate::topic_manager::{PERM_READ, PERM_WRITE, is_writable};
use crate::topic_validator::retry_topic;

/// `TopicSysFlag.buildSysFlag(false, true)`: the retry topic of a unit-mode consumer.
const TOPIC_SYS_FLAG_UNIT_SUB: i32 = 1 << 1;

/// Handles CONSUMER_SEND_MSG_BACK.
pub(super) async fn handle(state: &BrokerState, request: &RemotingCommand) -> Reply {
    let header: ConsumerSendMsgBackRequestHeader = decode(request)?;
    let group = header.group.as_str();
    let group_config = group_config(state, group)?;
    if !is_writable(state.live.broker_permission()) {
        return Err(reply(
            ResponseCode::NO_PERMISSION,
            format!(
                "the broker[{}] sending message is forbidden",
                state.advertised_addr.ip()
            ),
        ));
    }
    if group_config.retry_queue_nums <= 0 {
        // Java's rule: a group without retry queues drops failed messages.
        return Ok(success());
    }
    let retry_topic_name = retry_topic(group);
    let topic_sys_flag = if header.unit_mode == Some(true) {
        TOPIC_SYS_FLAG_UNIT_SUB
    } else {
        0
    };
    let (retry_config, created) = state.topics.create_in_send_back(
        &retry_topic_name,
        group_config.retry_queue_nums,
        PERM_READ | PERM_WRITE,
        false,
        topic_sys_flag,
    );
    if created {
        state.topics_changed().await;
    }
    if !is_writable(retry_config.perm) {
        return Err(reply(
            ResponseCode::NO_PERMISSION,
            format!("the topic[{retry_topic_name}] sending message is forbidden"),
        ));
    }
    let original = state.store.message_at(header.offset).ok_or_else(|| {
        reply(
            ResponseCode::SYSTEM_ERROR,
            format!("look message by offset failed, {}", header.offset),
        )
    })?;
    let max_times = max_reconsume_times(&group_config, request.version, header.max_reconsume_times);
    let to_dead_letter = original.reconsume_times >= max_times || header.delay_level < 0;
    let (topic, queue_id, delay_level) = if to_dead_letter {
        let dead_letter = dead_letter_topic(state, group).await;
        tracing::info!(
            %group,
            topic = %dead_letter.topic_name,
            reconsume_times = original.reconsume_times,
            max_times,
            "a message goes to the dead-letter queue"
        );
        (dead_letter.topic_name, 0, 0)
    } else {
        let queue_id = (state.next_random() % group_config.retry_queue_nums as u64) as i32;
        let delay_level = match header.delay_level {
            0 => 3 + original.reconsume_times,
            chosen => chosen,
        };
        (retry_topic_name, queue_id, delay_level)
    };
    let copy = retry_copy(state, original, topic, queue_id, delay_level);
    let result = state.put_message(copy).await;
    if result.status == PutMessageStatus::PutOk {
        Ok(success())
    } else {
        // Unlike a send, any status but PUT_OK (even a flush timeout) is a failure here.
        Err(reply(ResponseCode::SYSTEM_ERROR, result.status.as_str()))
    }
}

/// The copy a send-back stores: the original's body, flag, sys flag, birth and properties, one more reconsume,
/// `RETRY_TOPIC` = the topic it was first sent to, `ORIGIN_MESSAGE_ID` = the first copy's offset message id, and
/// `DELAY` = `delay_level` (Java writes `DELAY=0` on dead-letter copies too).
fn retry_copy(
    state: &BrokerState,
    original: MessageExt,
    topic: String,
    queue_id: i32,
    delay_level: i32,
) -> MessageToStore {
    let offset_msg_id = original.offset_msg_id().to_string();
    let mut properties = original.properties;
    if properties.get(keys::RETRY_TOPIC).is_none() {
        properties.insert(keys::RETRY_TOPIC, original.topic.clone());
    }
    properties.insert(keys::DELAY_TIME_LEVEL, delay_level.to_string());
    let origin_id = match properties.get(keys::ORIGIN_MESSAGE_ID) {
        Some(id) if !id.trim().is_empty() => id.to_owned(),
        _ => offset_msg_id,
    };
    properties.insert(keys::ORIGIN_MESSAGE_ID, origin_id);
    MessageToStore {
        topic,
        queue_id,
        flag: original.flag,
        body: original.body,
        properties,
        sys_flag: original.sys_flag,
        born_timestamp: original.born_timestamp,
        born_host: original.born_host,
        store_host: state.advertised_addr,
        reconsume_times: original.reconsume_times + 1,
        prepared_transaction_offset: 0,
    }
}
