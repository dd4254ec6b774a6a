//! The broker-initiated request a lite pull consumer answers: NOTIFY_CONSUMER_IDS_CHANGED wakes its rebalance
//! (Java's `ClientRemotingProcessor#notifyConsumerIdsChanged` → `rebalanceImmediately`).

use std::sync::{Arc, Weak};

use fulmen_protocol::RequestCode;
use fulmen_remoting::processor_fn;

use super::Inner;

/// Registers the handler on the consumer's client instance; it holds only a weak reference.
pub(super) fn register(inner: &Arc<Inner>) {
    let weak: Weak<Inner> = Arc::downgrade(inner);
    inner.instance.register_request_processor(
        RequestCode::NOTIFY_CONSUMER_IDS_CHANGED,
        processor_fn(move |_ctx, _request| {
            if let Some(inner) = weak.upgrade() {
                tracing::debug!(
                    group = inner.config.group,
                    "consumer ids changed; rebalancing now"
                );
                inner.rebalance.wakeup();
            }
            async { None }
        }),
    );
}
