//! Consumer group administration: create or update a subscription group (`UPDATE_AND_CREATE_SUBSCRIPTIONGROUP` on
//! one broker or every master of a cluster), as mqadmin's `updateSubGroup` with its defaults. A broker refuses to
//! store offsets (`UPDATE_CONSUMER_OFFSET`) of a group it does not know, so this is also how offsets are set for a
//! group whose consumers never connected.

use fulmen_protocol::body::{JsonBody, SubscriptionGroupConfig};
use fulmen_protocol::{RemotingCommand, RequestCode};

use super::{Admin, TopicTarget};
use crate::error::{Error, Result};

impl Admin {
    /// Creates (or resets to the defaults) the subscription group `group` on one broker or on every master of a
    /// cluster (`updateSubGroup -b / -c` with Java's `SubscriptionGroupConfig` defaults: consume enabled, 1 retry
    /// queue, 16 retries); returns the broker addresses it was applied to.
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
        let body = bytes::Bytes::from(SubscriptionGroupConfig::new(group).encode()?);
        for addr in &addrs {
            let request = RemotingCommand::request(RequestCode::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP)
                .with_body(body.clone());
            self.call(addr, request, self.timeout()).await?;
        }
        Ok(addrs)
    }
}
