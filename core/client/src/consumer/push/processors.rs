//! The requests brokers send to a push consumer (Java's `ClientRemotingProcessor`): NOTIFY_CONSUMER_IDS_CHANGED
//! wakes the rebalance; RESET_CONSUMER_CLIENT_OFFSET moves offsets; GET_CONSUMER_RUNNING_INFO and
//! CONSUME_MESSAGE_DIRECTLY are answered from the consumer. A request for another group gets SYSTEM_ERROR `"The
//! Consumer Group <group> not exist in this consumer"`, as in Java.

use std::future::Future;
use std::sync::{Arc, Weak};

use fulmen_protocol::body::{JsonBody, ResetOffsetBody};
use fulmen_protocol::header::{
    ConsumeMessageDirectlyResultRequestHeader, GetConsumerRunningInfoRequestHeader, ResetOffsetRequestHeader,
};
use fulmen_protocol::{RemotingCommand, RequestCode};
use fulmen_remoting::processor_fn;

use super::PushInner;
use crate::consumer::answers::{success, system_error, unknown_group};

/// Registers the handlers on the consumer's client instance; they hold only a weak reference.
pub(super) fn register(inner: &Arc<PushInner>) {
    let weak = Arc::downgrade(inner);
    on(
        inner,
        &weak,
        RequestCode::NOTIFY_CONSUMER_IDS_CHANGED,
        |inner, _request| async move {
            tracing::debug!(
                group = inner.config.group,
                "consumer ids changed; rebalancing now"
            );
            inner.core.wakeup();
            None
        },
    );
    on(
        inner,
        &weak,
        RequestCode::RESET_CONSUMER_CLIENT_OFFSET,
        |inner, request| async move {
            let header: ResetOffsetRequestHeader = request.decode_header().ok()?;
            let body = ResetOffsetBody::decode(&request.body).ok()?;
            if header.group == inner.config.group {
                let offsets = body.offset_table.into_iter().collect();
                tokio::spawn(async move { inner.reset_offsets(&header.topic, offsets).await });
            }
            None
        },
    );
    on(
        inner,
        &weak,
        RequestCode::GET_CONSUMER_RUNNING_INFO,
        |inner, request| async move {
            let header: GetConsumerRunningInfoRequestHeader = match request.decode_header() {
                Ok(header) => header,
                Err(error) => return Some(system_error(error.to_string())),
            };
            if header.consumer_group != inner.config.group {
                return Some(unknown_group(&header.consumer_group));
            }
            let mut info = inner.running_info().await;
            if header.jstack_enable == Some(true) {
                info.jstack = Some(String::new());
            }
            Some(success(info.encode()))
        },
    );
    on(
        inner,
        &weak,
        RequestCode::CONSUME_MESSAGE_DIRECTLY,
        |inner, request| async move {
            let header: ConsumeMessageDirectlyResultRequestHeader = match request.decode_header() {
                Ok(header) => header,
                Err(error) => return Some(system_error(error.to_string())),
            };
            if header.consumer_group != inner.config.group {
                return Some(unknown_group(&header.consumer_group));
            }
            let broker_name = header.broker_name.unwrap_or_default();
            Some(match inner.consume_directly(&request.body, &broker_name).await {
                Ok(result) => success(result.encode()),
                Err(error) => system_error(error.to_string()),
            })
        },
    );
}

/// Registers `handler` for `code`; it runs only while the consumer exists.
fn on<F, Fut>(inner: &PushInner, weak: &Weak<PushInner>, code: RequestCode, handler: F)
where
    F: Fn(Arc<PushInner>, RemotingCommand) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<RemotingCommand>> + Send + 'static,
{
    let weak = weak.clone();
    let handler = Arc::new(handler);
    inner.instance.register_request_processor(
        code,
        processor_fn(move |_ctx, request| {
            let inner = weak.upgrade();
            let handler = handler.clone();
            async move { handler(inner?, request).await }
        }),
    );
}
