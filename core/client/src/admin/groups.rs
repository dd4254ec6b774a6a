//! Consumer group administration: create or update a subscription group (`UPDATE_AND_CREATE_SUBSCRIPTIONGROUP` on
//! one broker or every master of a cluster), as mqadmin's `updateSubGroup` with its defaults. A broker refuses to
//! store offsets (`UPDATE_CONSUMER_OFFSET`) of a group it does not know, so this is also how offsets are set for a
//! group whose consumers never connected.

use fulmen_protocol::body::JsonBody;
use fulmen_protocol::{RemotingCommand, RequestCode};
use serde::{Deserialize, Serialize};

use super::{Admin, TopicTarget};
use crate::error::{Error, Result};

/// The body of UPDATE_AND_CREATE_SUBSCRIPTIONGROUP: Java's `SubscriptionGroupConfig` with its defaults.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionGroupBody {
    group_name: String,
    consume_enable: bool,
    consume_from_min_enable: bool,
    consume_broadcast_enable: bool,
    consume_message_orderly: bool,
    retry_queue_nums: i32,
    retry_max_times: i32,
    broker_id: i64,
    which_broker_when_consume_slowly: i64,
    notify_consumer_ids_changed_enable: bool,
    group_sys_flag: i32,
    consume_timeout_minute: i32,
}

impl JsonBody for SubscriptionGroupBody {}

impl SubscriptionGroupBody {
    fn new(group: &str) -> Self {
        SubscriptionGroupBody {
            group_name: group.to_owned(),
            consume_enable: true,
            consume_from_min_enable: true,
            consume_broadcast_enable: true,
            consume_message_orderly: false,
            retry_queue_nums: 1,
            retry_max_times: 16,
            broker_id: 0,
            which_broker_when_consume_slowly: 1,
            notify_consumer_ids_changed_enable: true,
            group_sys_flag: 0,
            consume_timeout_minute: 15,
        }
    }
}

impl Admin {
    /// Creates (or resets to the defaults) the subscription group `group` on one broker or on every master of a
    /// cluster (`updateSubGroup -b / -c` with mqadmin's defaults: consume enabled, 1 retry queue, 16 retries);
    /// returns the broker addresses it was applied to.
    pub async fn create_subscription_group(&self, target: &TopicTarget, group: &str) -> Result<Vec<String>> {
        if group.trim().is_empty() {
            return Err(Error::invalid_argument("the group name is empty"));
        }
        let addrs = match target {
            TopicTarget::Broker(addr) => vec![addr.clone()],
            TopicTarget::Cluster(cluster) => self
                .cluster_masters(cluster)
                .await?
                .into_iter()
                .map(|(_, addr)| addr)
                .collect(),
        };
        let body = bytes::Bytes::from(SubscriptionGroupBody::new(group).encode()?);
        for addr in &addrs {
            let request = RemotingCommand::request(RequestCode::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP)
                .with_body(body.clone());
            self.call(addr, request, self.timeout()).await?;
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::SubscriptionGroupBody;

    #[test]
    fn the_body_has_javas_field_names_and_defaults() {
        let json = serde_json::to_value(SubscriptionGroupBody::new("G")).unwrap_or_default();
        assert_eq!(json["groupName"], "G");
        assert_eq!(json["retryMaxTimes"], 16);
        assert_eq!(json["whichBrokerWhenConsumeSlowly"], 1);
        assert_eq!(json["consumeEnable"], true);
    }
}
