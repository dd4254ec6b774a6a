//! The broker-initiated requests a lite pull consumer answers (Java's `ClientRemotingProcessor`):
//! NOTIFY_CONSUMER_IDS_CHANGED wakes its rebalance; GET_CONSUMER_RUNNING_INFO is answered with its running info (a
//! request for another group gets Java's SYSTEM_ERROR). RESET_CONSUMER_CLIENT_OFFSET is not handled: Java's client
//! instance resets push consumers only.

use std::sync::{Arc, Weak};

use fulmen_protocol::body::JsonBody;
use fulmen_protocol::header::GetConsumerRunningInfoRequestHeader;
use fulmen_protocol::{RemotingCommand, RequestCode};
use fulmen_remoting::processor_fn;

use super::Inner;
use crate::consumer::answers::{success, system_error, unknown_group};

/// Registers the handlers on the consumer's client instance; they hold only a weak reference.
pub(super) fn register(inner: &Arc<Inner>) {
    let weak: Weak<Inner> = Arc::downgrade(inner);
    let for_info = weak.clone();
    inner.instance.register_request_processor(
        RequestCode::GET_CONSUMER_RUNNING_INFO,
        processor_fn(move |_ctx, request| {
            let inner = for_info.upgrade();
            async move {
                let inner = inner?;
                Some(running_info_answer(&inner, &request).await)
            }
        }),
    );
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

async fn running_info_answer(inner: &Inner, request: &RemotingCommand) -> RemotingCommand {
    let header: GetConsumerRunningInfoRequestHeader = match request.decode_header() {
        Ok(header) => header,
        Err(error) => return system_error(error.to_string()),
    };
    if header.consumer_group != inner.config.group {
        return unknown_group(&header.consumer_group);
    }
    let mut info = inner.running_info().await;
    if header.jstack_enable == Some(true) {
        info.jstack = Some(String::new());
    }
    success(info.encode())
}
