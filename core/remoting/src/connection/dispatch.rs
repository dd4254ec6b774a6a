//! `Dispatcher`: hands each incoming request of one connection to its processor on a task of its own, within the
//! connection's in-flight bound, and writes the response back.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use fulmen_protocol::command::{FLAG_ONEWAY, FLAG_RESPONSE};
use fulmen_protocol::{RemotingCommand, ResponseCode, Version};
use futures::FutureExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{debug, error, warn};

use super::Connection;
use crate::config::OverloadPolicy;
use crate::error::RemotingError;
use crate::processor::{RequestContext, RequestProcessor};
use crate::registry::ProcessorRegistry;

/// Routes the requests of one connection.
#[derive(Debug)]
pub(crate) struct Dispatcher {
    processors: ProcessorRegistry,
    in_flight: Arc<Semaphore>,
    max_in_flight: u32,
    policy: OverloadPolicy,
    /// The owner's tasks: a shutdown waits for the processors too.
    tracker: TaskTracker,
    /// Cancelled when the owner starts to stop; processors see it through [`RequestContext::stopping`].
    stop: CancellationToken,
}

impl Dispatcher {
    pub(crate) fn new(
        processors: ProcessorRegistry,
        max_in_flight: u32,
        policy: OverloadPolicy,
        tracker: TaskTracker,
        stop: CancellationToken,
    ) -> Self {
        Dispatcher {
            processors,
            in_flight: Arc::new(Semaphore::new(max_in_flight as usize)),
            max_in_flight,
            policy,
            tracker,
            stop,
        }
    }

    /// Starts processing `request`. With [`OverloadPolicy::Wait`] this waits for a free in-flight slot first;
    /// it may also wait for room in the write queue to answer at once (unknown code, busy).
    pub(crate) async fn dispatch(&self, connection: &Connection, request: RemotingCommand) {
        let Some(processor) = self.processors.lookup(request.code) else {
            let remark = format!(" request type {} not supported", request.code);
            debug!(peer = %connection.peer_addr(), code = request.code, "no processor for the request code");
            return answer(
                connection,
                &request,
                ResponseCode::REQUEST_CODE_NOT_SUPPORTED,
                remark,
            )
            .await;
        };
        let permit = match self.policy {
            OverloadPolicy::Wait => match self.in_flight.clone().acquire_owned().await {
                Ok(permit) => permit,
                Err(_) => return, // the semaphore is never closed
            },
            OverloadPolicy::RejectBusy => match self.in_flight.clone().try_acquire_owned() {
                Ok(permit) => permit,
                Err(_) => return self.reject_busy(connection, &request).await,
            },
        };
        let context = RequestContext::new(connection.clone(), self.stop.clone());
        self.tracker.spawn(process(processor, context, request, permit));
    }

    /// Resolves once no request is being processed any more (every response has been queued).
    pub(crate) async fn drained(&self) {
        let _all = self.in_flight.acquire_many(self.max_in_flight).await;
    }

    async fn reject_busy(&self, connection: &Connection, request: &RemotingCommand) {
        let remark = format!(
            "[REJECTREQUEST]system busy, {} requests are already in flight on this connection",
            self.max_in_flight
        );
        debug!(peer = %connection.peer_addr(), code = request.code, "rejecting a request: too many in flight");
        answer(connection, request, ResponseCode::SYSTEM_BUSY, remark).await;
    }
}

/// Answers a request that arrives while the server drains before closing: `GO_AWAY (1500)` for peers recent
/// enough to know it (version above 5.3.1, as Java does), `SYSTEM_BUSY (2)` for older ones; oneway requests are
/// dropped.
pub(crate) async fn turn_away(connection: &Connection, request: &RemotingCommand) {
    debug!(peer = %connection.peer_addr(), code = request.code, "turning a request away: shutting down");
    if request.version > Version::V5_3_1 {
        answer(
            connection,
            request,
            ResponseCode::GO_AWAY,
            "please go away".to_owned(),
        )
        .await;
    } else {
        let remark = "[SHUTDOWN]the server is shutting down, try another one".to_owned();
        answer(connection, request, ResponseCode::SYSTEM_BUSY, remark).await;
    }
}

/// Runs one processor and writes its response; the in-flight slot is released once the response is queued.
async fn process(
    processor: Arc<dyn RequestProcessor>,
    context: RequestContext,
    request: RemotingCommand,
    _permit: OwnedSemaphorePermit,
) {
    let code = request.code;
    let opaque = request.opaque;
    let oneway = request.is_oneway();
    let connection = context.connection().clone();
    let outcome = AssertUnwindSafe(async move { processor.process(context, request).await })
        .catch_unwind()
        .await;
    let response = match outcome {
        Ok(response) => response,
        Err(panic) => {
            error!(peer = %connection.peer_addr(), code, panic = panic_message(&*panic), "request processor panicked");
            Some(RemotingCommand::response(
                ResponseCode::SYSTEM_ERROR,
                Some(format!(
                    "the processor of request code {code} failed unexpectedly"
                )),
            ))
        }
    };
    let Some(mut response) = response else { return };
    if oneway {
        debug!(code, "dropping the response to a oneway request");
        return;
    }
    response.opaque = opaque;
    response.flag = (response.flag | FLAG_RESPONSE) & !FLAG_ONEWAY;
    match connection.send_response(response).await {
        Err(RemotingError::Protocol(error)) => {
            warn!(peer = %connection.peer_addr(), code, %error, "the response cannot be encoded");
            let fallback = RemotingCommand::response(
                ResponseCode::SYSTEM_ERROR,
                Some(format!(
                    "the response to request code {code} cannot be encoded: {error}"
                )),
            )
            .with_opaque(opaque);
            let _ = connection.send_response(fallback).await;
        }
        Err(error) => debug!(peer = %connection.peer_addr(), code, %error, "the response was not sent"),
        Ok(()) => {}
    }
}

/// Answers `request` at once with `code` and `remark`, unless it is oneway.
async fn answer(connection: &Connection, request: &RemotingCommand, code: ResponseCode, remark: String) {
    if request.is_oneway() {
        return;
    }
    let response = RemotingCommand::response_to(request, code, Some(remark));
    if let Err(error) = connection.send_response(response).await {
        debug!(peer = %connection.peer_addr(), %error, "the response was not sent");
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a non-string panic payload")
}
