//! One pull of a lite pull consumer (Java's `DefaultLitePullConsumerImpl#pullSyncImpl` with `block = true`):
//! LITE_PULL_MESSAGE with the sysFlag bits SUSPEND | SUBSCRIPTION | LITE_PULL, held by the broker for up to 20 s
//! when nothing is there, answered within `consumerTimeoutMillisWhenSuspend`.

use fulmen_protocol::RequestCode;
use fulmen_protocol::body::{MessageQueue, SubscriptionData};
use fulmen_protocol::header::PullSysFlag;

use crate::consumer::broker_call::master_addr_of;
use crate::consumer::pull_api::{Hold, PullOptions, pull_request_with, pull_result};
use crate::consumer::pull_result::PullResult;
use crate::error::{Error, Result};

use super::Inner;

/// The ext field of the pull header carrying the sysFlag.
const SYS_FLAG_FIELD: &str = "sysFlag";

impl Inner {
    /// Pulls up to `pullBatchSize` messages of `queue` from `offset` matching `subscription`.
    pub(super) async fn pull(
        &self,
        queue: &MessageQueue,
        subscription: &SubscriptionData,
        offset: i64,
    ) -> Result<PullResult> {
        if offset < 0 {
            return Err(Error::invalid_argument("offset < 0"));
        }
        let addr = master_addr_of(&self.instance, queue).await?;
        let options = PullOptions {
            max_nums: self.config.pull_batch_size,
            hold: Hold::UntilArrival,
            ..PullOptions::default()
        };
        let mut request = pull_request_with(&self.config.group, queue, subscription, offset, &options);
        let flags = PullSysFlag::SUSPEND | PullSysFlag::SUBSCRIPTION | PullSysFlag::LITE_PULL;
        request.code = RequestCode::LITE_PULL_MESSAGE.0;
        request.set_ext_field(SYS_FLAG_FIELD, flags.bits().to_string());
        let timeout = self.config.consumer_timeout_when_suspend;
        let response = self.instance.invoke_broker(&addr, request, timeout).await?;
        pull_result(&response, queue, subscription, self.config.max_message_size)
    }
}
