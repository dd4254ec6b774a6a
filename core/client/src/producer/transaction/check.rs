//! The broker's check-back of unresolved transactions (CHECK_TRANSACTION_STATE, 39; Java's
//! `ClientRemotingProcessor.checkTransactionState` and `DefaultMQProducerImpl.checkTransactionState`): the
//! request is decoded on the connection task and queued on a bounded queue (Java's check pool queue of 2 000; a full
//! queue drops the check, the broker asks again later); workers run [`TransactionListener::check`] and answer
//! END_TRANSACTION oneway on the connection the check came from, with `fromTransactionCheck` true.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use fulmen_protocol::header::CheckTransactionStateRequestHeader;
use fulmen_protocol::message::{MessageExt, keys};
use fulmen_protocol::{RemotingCommand, RequestCode};
use fulmen_remoting::{Connection, RequestContext, processor_fn};
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

use super::end;
use super::listener::{LocalTransactionState, TransactionListener};
use crate::instance::ClientInstance;
use crate::message_view::MessageView;

/// One check waiting for the listener.
struct CheckRequest {
    connection: Connection,
    header: CheckTransactionStateRequestHeader,
    message: MessageView,
}

/// What the checks of one producer group need.
#[derive(Clone)]
pub(super) struct CheckSettings {
    /// The producer group; checks for other groups are ignored.
    pub(super) group: String,
    /// Checks waiting beyond this are dropped.
    pub(super) queue_capacity: usize,
    /// Checks run at the same time.
    pub(super) concurrency: usize,
    /// The largest body a checked message may decompress to.
    pub(super) max_message_size: usize,
}

/// Registers the CHECK_TRANSACTION_STATE processor on `instance` and starts the worker, which stops on `stop`
/// or when the instance is gone.
pub(super) fn start(
    instance: &ClientInstance,
    settings: CheckSettings,
    listener: Arc<dyn TransactionListener>,
    stop: CancellationToken,
) {
    let (sender, receiver) = mpsc::channel(settings.queue_capacity.max(1));
    let decode_settings = settings.clone();
    instance.register_request_processor(
        RequestCode::CHECK_TRANSACTION_STATE,
        processor_fn(move |ctx: RequestContext, request: RemotingCommand| {
            enqueue(&decode_settings, &sender, ctx, &request);
            async { None }
        }),
    );
    tokio::spawn(run_checks(receiver, settings, listener, stop));
}

/// Decodes a check and queues it; bad or foreign checks are logged and dropped, as Java does.
fn enqueue(
    settings: &CheckSettings,
    queue: &mpsc::Sender<CheckRequest>,
    ctx: RequestContext,
    request: &RemotingCommand,
) {
    let header: CheckTransactionStateRequestHeader = match request.decode_header() {
        Ok(header) => header,
        Err(error) => {
            tracing::warn!(%error, "CHECK_TRANSACTION_STATE with a bad header");
            return;
        }
    };
    let message = match decode_message(&request.body, settings.max_message_size) {
        Ok(message) => message,
        Err(error) => {
            tracing::warn!(%error, "CHECK_TRANSACTION_STATE with a bad message");
            return;
        }
    };
    let group = message.properties.get(keys::PRODUCER_GROUP).unwrap_or_default();
    if group != settings.group {
        tracing::debug!(group, "checkTransactionState, pick producer by group failed");
        return;
    }
    let broker_name = header.broker_name.clone().unwrap_or_default();
    let check = CheckRequest {
        connection: ctx.connection().clone(),
        message: MessageView::from_ext(message, &broker_name),
        header,
    };
    if queue.try_send(check).is_err() {
        tracing::warn!(
            group = settings.group,
            "transaction check queue full, the check is dropped"
        );
    }
}

fn decode_message(body: &bytes::Bytes, max_len: usize) -> fulmen_protocol::Result<MessageExt> {
    let (mut message, _) = MessageExt::decode(body)?;
    if message.is_compressed() {
        message.decompress_body(max_len)?;
    }
    Ok(message)
}

async fn run_checks(
    mut queue: mpsc::Receiver<CheckRequest>,
    settings: CheckSettings,
    listener: Arc<dyn TransactionListener>,
    stop: CancellationToken,
) {
    let slots = Arc::new(Semaphore::new(settings.concurrency.max(1)));
    loop {
        let check = tokio::select! {
            () = stop.cancelled() => return,
            check = queue.recv() => match check {
                Some(check) => check,
                None => return,
            },
        };
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let listener = listener.clone();
        let group = settings.group.clone();
        tokio::spawn(async move {
            answer(check, &*listener, &group).await;
            drop(slot);
        });
    }
}

/// Runs the listener's check and sends the verdict back to the checking broker.
async fn answer(check: CheckRequest, listener: &dyn TransactionListener, group: &str) {
    let (state, remark) = match run_listener(|| listener.check(&check.message)).await {
        Ok(state) => (state, None),
        Err(panic) => (
            LocalTransactionState::Unknown,
            Some(format!("checkLocalTransactionState Exception: {panic}")),
        ),
    };
    let request = end::after_check(&check.header, &check.message, group, state, remark);
    if let Err(error) = check.connection.invoke_oneway(request).await {
        tracing::warn!(%error, "END_TRANSACTION after a check could not be sent");
    }
}

/// Runs a listener method's future on its own task; a panic (in the call or the future) becomes its message.
pub(super) async fn run_listener(
    call: impl FnOnce() -> super::listener::TransactionFuture,
) -> Result<LocalTransactionState, String> {
    let future = std::panic::catch_unwind(AssertUnwindSafe(call)).map_err(|panic| panic_message(&*panic))?;
    tokio::spawn(future).await.map_err(|error| {
        if error.is_panic() {
            panic_message(&*error.into_panic())
        } else {
            error.to_string()
        }
    })
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn panics_become_their_messages() {
        let ok = run_listener(|| Box::pin(async { LocalTransactionState::CommitMessage })).await;
        assert_eq!(ok, Ok(LocalTransactionState::CommitMessage));
        let in_future = run_listener(|| Box::pin(async { panic!("boom") })).await;
        assert_eq!(in_future, Err("boom".to_owned()));
        let in_call = run_listener(|| panic!("early {}", 1)).await;
        assert_eq!(in_call, Err("early 1".to_owned()));
    }
}
