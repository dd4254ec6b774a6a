//! The checks of a send before it is stored: Java 5.3.3's `AbstractSendMessageProcessor#msgCheck` (topic name,
//! forbidden topics, existence with auto-creation from the `defaultTopic` template, queue id), with Java's codes
//! and remarks. Like Java, the topic's permission
//! is not checked: producers learn it from the route.

use fulmen_protocol::body::TopicConfig;
use fulmen_protocol::header::SendMessageRequestHeader;
use fulmen_protocol::{RemotingCommand, ResponseCode};
use fulmen_remoting::RequestContext;

use super::{APPLY_TOPIC_URL, reply, suggest_todo};
use crate::java_text::topic_config_to_string;
use crate::state::BrokerState;
use crate::topic_manager::{PERM_READ, PERM_WRITE, is_writable};
use crate::topic_validator::{RETRY_GROUP_TOPIC_PREFIX, is_not_allowed_send, validate_topic};

/// `TopicSysFlag.buildSysFlag(true, false)`: a topic auto-created by a unit-mode producer.
const TOPIC_SYS_FLAG_UNIT: i32 = 1;
/// `TopicSysFlag.buildSysFlag(false, true)`: a retry topic auto-created by a unit-mode producer.
const TOPIC_SYS_FLAG_UNIT_SUB: i32 = 1 << 1;

/// `msgCheck`: topic name, forbidden topics, existence (auto-creation, with the unit-mode sys flag) and queue id.
pub(super) async fn check_message(
    state: &BrokerState,
    ctx: &RequestContext,
    header: &SendMessageRequestHeader,
) -> Result<TopicConfig, RemotingCommand> {
    if !is_writable(state.live.broker_permission())
        && state
            .topics
            .select(&header.topic)
            .is_some_and(|config| config.order)
    {
        // Java's rule: with writes stopped, only order topics are refused here; for the others producers learn
        // it from the route, whose permissions the registration masks.
        return Err(reply(
            ResponseCode::NO_PERMISSION,
            format!(
                "the broker[{}] sending message is forbidden",
                state.advertised_addr.ip()
            ),
        ));
    }
    let topic = &header.topic;
    validate_topic(topic).map_err(|remark| reply(ResponseCode::INVALID_PARAMETER, remark))?;
    if is_not_allowed_send(topic) {
        return Err(reply(
            ResponseCode::NO_PERMISSION,
            format!("Sending message to topic[{topic}] is forbidden."),
        ));
    }
    let topic_config = match state.topics.select(topic) {
        Some(existing) => existing,
        None => {
            tracing::warn!(%topic, producer = %ctx.peer_addr(), "the topic does not exist");
            let retry = topic.starts_with(RETRY_GROUP_TOPIC_PREFIX);
            let topic_sys_flag = match (header.unit_mode == Some(true), retry) {
                (false, _) => 0,
                (true, true) => TOPIC_SYS_FLAG_UNIT_SUB,
                (true, false) => TOPIC_SYS_FLAG_UNIT,
            };
            let created = state
                .topics
                .create_in_send(
                    topic,
                    &header.default_topic,
                    header.default_topic_queue_nums,
                    topic_sys_flag,
                    state.live.auto_create_topic_enable(),
                )
                .or_else(|| {
                    retry.then(|| {
                        state.topics.create_in_send_back(
                            topic,
                            1,
                            PERM_WRITE | PERM_READ,
                            false,
                            topic_sys_flag,
                        )
                    })
                });
            match created {
                Some((config, fresh)) => {
                    if fresh {
                        state.topics_changed().await;
                    }
                    config
                }
                None => {
                    return Err(reply(
                        ResponseCode::TOPIC_NOT_EXIST,
                        format!(
                            "topic[{topic}] not exist, apply first please!{}",
                            suggest_todo(APPLY_TOPIC_URL)
                        ),
                    ));
                }
            }
        }
    };
    let valid_ids = topic_config.write_queue_nums.max(topic_config.read_queue_nums);
    if header.queue_id >= valid_ids {
        return Err(reply(
            ResponseCode::INVALID_PARAMETER,
            format!(
                "request queueId[{}] is illegal, {} Producer: {}",
                header.queue_id,
                topic_config_to_string(&topic_config),
                ctx.peer_addr()
            ),
        ));
    }
    Ok(topic_config)
}
