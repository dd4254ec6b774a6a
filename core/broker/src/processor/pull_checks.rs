//! The checks of PULL_MESSAGE and LITE_PULL_MESSAGE before any read, in Java 5.3.3's `PullMessageProcessor`
//! order, with its codes and remarks and the `forbiddenType` header field of its NO_PERMISSION answers: the
//! consumer group (auto-created when allowed), the topic and its READ permission, the queue id, then the
//! subscription (from the request with sysFlag SUBSCRIPTION, else the one the group's heartbeat registered).

use fulmen_protocol::body::{MessageModel, SubscriptionData};
use fulmen_protocol::header::PullMessageRequestHeader;
use fulmen_protocol::{RemotingCommand, ResponseCode};
use fulmen_remoting::RequestContext;
use fulmen_store::TagsCodeFilter;

use super::{
    APPLY_TOPIC_URL, SAME_GROUP_DIFFERENT_TOPIC_URL, SUBSCRIPTION_GROUP_NOT_EXIST_URL, is_tag_type, reply,
    suggest_todo,
};
use crate::java_text::socket_address;
use crate::state::BrokerState;
use crate::subscription_groups::SubscriptionGroupConfig;
use crate::topic_manager::PERM_READ;

/// `ForbiddenType.BROKER_FORBIDDEN`.
const BROKER_FORBIDDEN: i32 = 1;
/// `ForbiddenType.GROUP_FORBIDDEN`.
const GROUP_FORBIDDEN: i32 = 2;
/// `ForbiddenType.TOPIC_FORBIDDEN`.
const TOPIC_FORBIDDEN: i32 = 3;
/// `ForbiddenType.BROADCASTING_DISABLE_FORBIDDEN`.
const BROADCASTING_DISABLE_FORBIDDEN: i32 = 4;
/// `ForbiddenType.SUBSCRIPTION_FORBIDDEN`.
const SUBSCRIPTION_FORBIDDEN: i32 = 5;

/// A NO_PERMISSION answer with the `forbiddenType` field Java sets on it.
fn forbidden(forbidden_type: i32, remark: String) -> RemotingCommand {
    let mut response = reply(ResponseCode::NO_PERMISSION, remark);
    response.set_ext_field("forbiddenType", forbidden_type.to_string());
    response
}

/// What the checks found: the subscription's tag filter and the flags the answer carries.
pub(super) struct Checked {
    /// The tag codes to read.
    pub(super) filter: TagsCodeFilter,
    /// The topic's `topicSysFlag`.
    pub(super) topic_sys_flag: i32,
    /// The group's `groupSysFlag`.
    pub(super) group_sys_flag: i32,
}

/// The checks before reading, in Java's order.
pub(super) fn check_pull(
    state: &BrokerState,
    ctx: &RequestContext,
    header: &PullMessageRequestHeader,
) -> Result<Checked, RemotingCommand> {
    if state.live.broker_permission() & PERM_READ == 0 {
        return Err(forbidden(
            BROKER_FORBIDDEN,
            format!(
                "the broker[{}] pulling message is forbidden",
                state.advertised_addr.ip()
            ),
        ));
    }
    let group = &header.consumer_group;
    let topic = &header.topic;
    let Some(group_config) = state
        .groups
        .find_or_create(group, state.live.auto_create_subscription_group())
    else {
        return Err(reply(
            ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
            format!(
                "subscription group [{group}] does not exist, {}",
                suggest_todo(SUBSCRIPTION_GROUP_NOT_EXIST_URL)
            ),
        ));
    };
    if !group_config.consume_enable {
        return Err(forbidden(
            GROUP_FORBIDDEN,
            format!("subscription group no permission, {group}"),
        ));
    }
    let Some(topic_config) = state.topics.select(topic) else {
        return Err(reply(
            ResponseCode::TOPIC_NOT_EXIST,
            format!(
                "topic[{topic}] not exist, apply first please! {}",
                suggest_todo(APPLY_TOPIC_URL)
            ),
        ));
    };
    if topic_config.perm & PERM_READ == 0 {
        return Err(forbidden(
            TOPIC_FORBIDDEN,
            format!("the topic[{topic}] pulling message is forbidden"),
        ));
    }
    if header.queue_id < 0 || header.queue_id >= topic_config.read_queue_nums {
        return Err(reply(
            ResponseCode::INVALID_PARAMETER,
            format!(
                "queueId[{}] is illegal, topic:[{topic}] topicConfig.readQueueNums:[{}] consumer:[{}]",
                header.queue_id,
                topic_config.read_queue_nums,
                socket_address(ctx.peer_addr())
            ),
        ));
    }
    let subscription = if header.pull_sys_flag().has_subscription() {
        subscription_from_request(header)
    } else {
        registered_subscription(state, header, &group_config)?
    };
    if !is_tag_type(&subscription.expression_type) {
        return Err(reply(
            ResponseCode::SYSTEM_ERROR,
            format!(
                "The broker does not support consumer to filter message by {}",
                subscription.expression_type.as_str()
            ),
        ));
    }
    let filter = if subscription.is_subscribe_all() {
        TagsCodeFilter::all()
    } else {
        TagsCodeFilter::from_codes(subscription.code_set.iter().copied())
    };
    Ok(Checked {
        filter,
        topic_sys_flag: topic_config.topic_sys_flag,
        group_sys_flag: group_config.group_sys_flag,
    })
}

/// The subscription the group's heartbeat registered for the topic, with Java's checks.
fn registered_subscription(
    state: &BrokerState,
    header: &PullMessageRequestHeader,
    group_config: &SubscriptionGroupConfig,
) -> Result<SubscriptionData, RemotingCommand> {
    let group = &header.consumer_group;
    let topic = &header.topic;
    let Some(group_info) = state.consumers.group(group) else {
        return Err(reply(
            ResponseCode::SUBSCRIPTION_NOT_EXIST,
            format!(
                "the consumer's group info not exist{}",
                suggest_todo(SAME_GROUP_DIFFERENT_TOPIC_URL)
            ),
        ));
    };
    if !group_config.consume_broadcast_enable && group_info.message_model == MessageModel::Broadcasting {
        return Err(forbidden(
            BROADCASTING_DISABLE_FORBIDDEN,
            format!("the consumer group[{group}] can not consume by broadcast way"),
        ));
    }
    if state.groups.is_read_forbidden(&group_config.group_name, topic) {
        return Err(forbidden(
            SUBSCRIPTION_FORBIDDEN,
            format!("the consumer group[{group}] is forbidden for topic[{topic}]"),
        ));
    }
    let Some(subscription) = group_info.subscriptions.get(topic).cloned() else {
        return Err(reply(
            ResponseCode::SUBSCRIPTION_NOT_EXIST,
            format!(
                "the consumer's subscription not exist{}",
                suggest_todo(SAME_GROUP_DIFFERENT_TOPIC_URL)
            ),
        ));
    };
    if subscription.sub_version < header.sub_version {
        return Err(reply(
            ResponseCode::SUBSCRIPTION_NOT_LATEST,
            "the consumer's subscription not latest",
        ));
    }
    Ok(subscription)
}

/// The subscription carried by the request (sysFlag SUBSCRIPTION).
fn subscription_from_request(header: &PullMessageRequestHeader) -> SubscriptionData {
    let expression = header.subscription.as_deref().unwrap_or("*");
    let mut subscription =
        SubscriptionData::from_tag_expression(&header.topic, expression, header.sub_version);
    if let Some(kind) = header.expression_type.as_deref() {
        subscription.expression_type = fulmen_protocol::body::ExpressionType::from_name(kind);
    }
    subscription
}
