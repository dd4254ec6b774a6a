//! The rules shared by the two ways a failed message comes back to the broker, a consumer's CONSUMER_SEND_MSG_BACK
//! ([`super::send_back`]) and a client's SEND to `%RETRY%group` (Java 5.3.3's
//! `SendMessageProcessor#handleRetryAndDLQ`): the group's retry limit and its dead-letter topic.

use std::time::Instant;

use fulmen_protocol::body::TopicConfig;
use fulmen_protocol::header::SendMessageRequestHeader;
use fulmen_protocol::version::Version;
use fulmen_protocol::{RemotingCommand, ResponseCode};

use super::{SUBSCRIPTION_GROUP_NOT_EXIST_URL, reply, suggest_todo};
use crate::state::BrokerState;
use crate::subscription_groups::SubscriptionGroupConfig;
use crate::topic_manager::{PERM_READ, PERM_WRITE};
use crate::topic_validator::{dlq_topic, group_of_retry_topic};

/// Java's `DLQ_NUMS_PER_GROUP`: a dead-letter topic has one queue.
const DLQ_QUEUE_NUMS: i32 = 1;

/// The group's config, auto-created when the broker allows it; SUBSCRIPTION_GROUP_NOT_EXIST otherwise.
pub(super) fn group_config(
    state: &BrokerState,
    group: &str,
) -> Result<SubscriptionGroupConfig, RemotingCommand> {
    state
        .groups
        .find_or_create(group, state.live.auto_create_subscription_group())
        .ok_or_else(|| {
            reply(
                ResponseCode::SUBSCRIPTION_GROUP_NOT_EXIST,
                format!(
                    "subscription group not exist, {group} {}",
                    suggest_todo(SUBSCRIPTION_GROUP_NOT_EXIST_URL)
                ),
            )
        })
}

/// How many times a message of the group is retried: the group's `retryMaxTimes`, unless a client of 3.4.9 or
/// later named its own limit in the request.
pub(super) fn max_reconsume_times(
    group: &SubscriptionGroupConfig,
    request_version: i32,
    requested: Option<i32>,
) -> i32 {
    match requested {
        Some(times) if request_version >= Version::V3_4_9 => times,
        _ => group.retry_max_times,
    }
}

/// The group's dead-letter topic `%DLQ%group`, created on first use with one read-write queue (Java's
/// `createTopicInSendMessageBackMethod`) and announced to the name servers when new.
pub(super) async fn dead_letter_topic(state: &BrokerState, group: &str) -> TopicConfig {
    let (config, created) = state.topics.create_in_send_back(
        &dlq_topic(group),
        DLQ_QUEUE_NUMS,
        PERM_READ | PERM_WRITE,
        false,
        0,
    );
    if created {
        state.topics_changed().await;
    }
    config
}

/// For a SEND to a retry topic: the dead-letter topic the message must go to instead, if any. It goes there when
/// the header's `reconsumeTimes` is above the group's limit (strictly, unlike send-back), or when any orderly
/// lock of the group is still live (Java's rule: an orderly group that exhausted its local retries sends here).
/// Other topics pass unchanged; a retry topic of a group that does not exist (and may not be created) is refused.
pub(super) async fn dead_letter_for_retry_send(
    state: &BrokerState,
    request_version: i32,
    header: &SendMessageRequestHeader,
) -> Result<Option<TopicConfig>, RemotingCommand> {
    let Some(group) = group_of_retry_topic(&header.topic) else {
        return Ok(None);
    };
    let config = group_config(state, group)?;
    let max_times = max_reconsume_times(&config, request_version, header.max_reconsume_times);
    let reconsume_times = header.reconsume_times.unwrap_or(0);
    let orderly_locked = !state.locks.is_lock_all_expired(group, Instant::now());
    if reconsume_times > max_times || orderly_locked {
        tracing::info!(
            %group,
            topic = %header.topic,
            reconsume_times,
            max_times,
            orderly_locked,
            "a retry message goes to the dead-letter queue"
        );
        return Ok(Some(dead_letter_topic(state, group).await));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_limit_wins_from_version_3_4_9() {
        let group = SubscriptionGroupConfig::new("g");
        assert_eq!(group.retry_max_times, 16);
        assert_eq!(max_reconsume_times(&group, Version::V3_4_9, Some(3)), 3);
        assert_eq!(max_reconsume_times(&group, Version::V3_4_9 - 1, Some(3)), 16);
        assert_eq!(max_reconsume_times(&group, Version::V5_3_3, None), 16);
    }
}
