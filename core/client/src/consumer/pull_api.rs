//! The PULL_MESSAGE exchange (Java's `PullAPIWrapper` + `MQClientAPIImpl.processPullResponse`): the request with
//! the subscription carried in it (sysFlag `SUBSCRIPTION`, so no heartbeat-registered subscription is needed),
//! and the response turned into a [`PullResult`]: bodies decoded and decompressed, messages re-filtered by tag
//! string (the broker filters by tag hash code only), `MIN_OFFSET` / `MAX_OFFSET` set as Java does.

use fulmen_protocol::body::{MessageQueue, SubscriptionData};
use fulmen_protocol::header::{PullMessageRequestHeader, PullMessageResponseHeader, PullSysFlag};
use fulmen_protocol::message::{decode_all, keys};
use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};

use super::pull_result::{PullResult, PullStatus};
use crate::error::{Error, Result};
use crate::message_view::MessageView;

/// How long the broker may hold a pull that found nothing (Java's
/// `DefaultMQPullConsumer.brokerSuspendMaxTimeMillis`, 20 s); the broker holds it only with the SUSPEND flag.
pub(crate) const BROKER_SUSPEND_MAX: std::time::Duration = std::time::Duration::from_secs(20);

/// Whether the broker may hold a pull that finds nothing until a message arrives (long polling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hold {
    /// Answer at once.
    No,
    /// Hold for up to [`BROKER_SUSPEND_MAX`] (the SUSPEND flag).
    UntilArrival,
}

/// The PULL_MESSAGE request for `max_nums` messages of `queue` from `offset`, matching `subscription`.
pub(crate) fn pull_request(
    group: &str,
    queue: &MessageQueue,
    subscription: &SubscriptionData,
    offset: i64,
    max_nums: i32,
    hold: Hold,
) -> RemotingCommand {
    let options = PullOptions {
        max_nums,
        hold,
        ..PullOptions::default()
    };
    pull_request_with(group, queue, subscription, offset, &options)
}

/// The knobs of one PULL_MESSAGE request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PullOptions {
    /// At most this many messages.
    pub(crate) max_nums: i32,
    /// At most this many bytes (`maxMsgBytes`), if set.
    pub(crate) max_bytes: Option<i32>,
    /// Whether the broker may hold the request.
    pub(crate) hold: Hold,
    /// How long the broker may hold it.
    pub(crate) suspend_timeout: std::time::Duration,
    /// An offset to commit with the pull (sysFlag `COMMIT_OFFSET`), when positive.
    pub(crate) commit_offset: i64,
}

impl Default for PullOptions {
    fn default() -> Self {
        PullOptions {
            max_nums: 32,
            max_bytes: None,
            hold: Hold::No,
            suspend_timeout: BROKER_SUSPEND_MAX,
            commit_offset: 0,
        }
    }
}

/// The PULL_MESSAGE request of `queue` from `offset` with `options`.
pub(crate) fn pull_request_with(
    group: &str,
    queue: &MessageQueue,
    subscription: &SubscriptionData,
    offset: i64,
    options: &PullOptions,
) -> RemotingCommand {
    let mut sys_flag = PullSysFlag::SUBSCRIPTION;
    if options.hold == Hold::UntilArrival {
        sys_flag |= PullSysFlag::SUSPEND;
    }
    if options.commit_offset > 0 {
        sys_flag |= PullSysFlag::COMMIT_OFFSET;
    }
    let header = PullMessageRequestHeader {
        consumer_group: group.to_owned(),
        topic: queue.topic.clone(),
        queue_id: queue.queue_id,
        queue_offset: offset,
        max_msg_nums: options.max_nums,
        sys_flag: sys_flag.bits(),
        commit_offset: options.commit_offset.max(0),
        suspend_timeout_millis: i64::try_from(options.suspend_timeout.as_millis()).unwrap_or(i64::MAX),
        subscription: Some(subscription.sub_string.clone()),
        sub_version: subscription.sub_version,
        expression_type: Some("TAG".to_owned()),
        max_msg_bytes: options.max_bytes,
        request_source: None,
        proxy_forward_client_id: None,
        broker_name: Some(queue.broker_name.clone()),
    };
    RemotingCommand::request(RequestCode::PULL_MESSAGE).with_header(&header)
}

/// The pull result in `response` for a pull of `queue` with `subscription`; bodies decompress to at most
/// `max_body_len` bytes.
pub(crate) fn pull_result(
    response: &RemotingCommand,
    queue: &MessageQueue,
    subscription: &SubscriptionData,
    max_body_len: usize,
) -> Result<PullResult> {
    let status = match response.response_code() {
        ResponseCode::SUCCESS => PullStatus::Found,
        ResponseCode::PULL_NOT_FOUND => PullStatus::NoNewMsg,
        ResponseCode::PULL_RETRY_IMMEDIATELY => PullStatus::NoMatchedMsg,
        ResponseCode::PULL_OFFSET_MOVED => PullStatus::OffsetIllegal,
        code => {
            return Err(Error::from_response(
                code,
                response.remark.as_deref(),
                Some(&queue.broker_name),
            ));
        }
    };
    let header: PullMessageResponseHeader = response.decode_header()?;
    let mut messages = Vec::new();
    if status == PullStatus::Found {
        for mut message in decode_all(&response.body)? {
            if !matches_tags(subscription, message.tags()) {
                continue;
            }
            message.decompress_body(max_body_len)?;
            message
                .properties
                .insert(keys::MIN_OFFSET, header.min_offset.to_string());
            message
                .properties
                .insert(keys::MAX_OFFSET, header.max_offset.to_string());
            messages.push(MessageView::from_ext(message, &queue.broker_name));
        }
    }
    Ok(PullResult {
        status,
        next_begin_offset: header.next_begin_offset,
        min_offset: header.min_offset,
        max_offset: header.max_offset,
        messages,
    })
}

/// Whether a message with `tags` passes `subscription` by tag string (REMOTING.md §5.5): everything passes `*`.
pub(crate) fn matches_tags(subscription: &SubscriptionData, tags: Option<&str>) -> bool {
    if subscription.is_subscribe_all() || subscription.tags_set.is_empty() {
        return true;
    }
    tags.is_some_and(|tags| subscription.tags_set.contains(tags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_filter_checks_strings() {
        let all = SubscriptionData::from_tag_expression("T", "*", 1);
        assert!(matches_tags(&all, None));
        assert!(matches_tags(&all, Some("X")));
        let some = SubscriptionData::from_tag_expression("T", "A || B", 1);
        assert!(matches_tags(&some, Some("A")));
        assert!(matches_tags(&some, Some("B")));
        assert!(!matches_tags(&some, Some("C")));
        assert!(!matches_tags(&some, None));
    }

    #[test]
    fn request_carries_the_subscription() {
        let subscription = SubscriptionData::from_tag_expression("T", "A || B", 42);
        let request = pull_request(
            "CG",
            &MessageQueue::new("T", "b", 1),
            &subscription,
            7,
            16,
            Hold::No,
        );
        let header: PullMessageRequestHeader = request.decode_header().unwrap();
        assert_eq!(header.sys_flag, 0x4);
        let held = pull_request(
            "CG",
            &MessageQueue::new("T", "b", 1),
            &subscription,
            7,
            16,
            Hold::UntilArrival,
        );
        let held: PullMessageRequestHeader = held.decode_header().unwrap();
        assert_eq!((held.sys_flag, held.suspend_timeout_millis), (0x6, 20_000));
        assert_eq!(header.subscription.as_deref(), Some("A || B"));
        assert_eq!(header.sub_version, 42);
        assert_eq!(header.queue_offset, 7);
        assert_eq!(header.max_msg_nums, 16);
        assert_eq!(header.expression_type.as_deref(), Some("TAG"));
    }
}
