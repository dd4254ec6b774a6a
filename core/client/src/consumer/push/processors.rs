//! The requests brokers send to a push consumer (Java's `ClientRemotingProcessor`): NOTIFY_CONSUMER_IDS_CHANGED
//! wakes the rebalance; RESET_CONSUMER_CLIENT_OFFSET, GET_CONSUMER_RUNNING_INFO and CONSUME_MESSAGE_DIRECTLY are
//! answered from the consumer's state.

use std::sync::{Arc, Weak};

use fulmen_protocol::RequestCode;
use fulmen_remoting::processor_fn;

use super::PushInner;

/// Registers the handlers on the consumer's client instance; they hold only a weak reference.
pub(super) fn register(inner: &Arc<PushInner>) {
    let weak: Weak<PushInner> = Arc::downgrade(inner);
    inner.instance.register_request_processor(
        RequestCode::NOTIFY_CONSUMER_IDS_CHANGED,
        processor_fn(move |_ctx, _request| {
            if let Some(inner) = weak.upgrade() {
                tracing::debug!(
                    group = inner.config.group,
                    "consumer ids changed; rebalancing now"
                );
                inner.core.wakeup();
            }
            async { None }
        }),
    );
    super::running_info::register(inner);
}
