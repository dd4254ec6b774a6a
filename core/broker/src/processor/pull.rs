//! PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361), after the checks of [`super::pull_checks`]: tag filtering by
//! code set, the status table of REMOTING.md §3.3 (Java 5.3.3's `DefaultPullMessageResultHandler` and
//! `composeResponseHeader`), the commit-offset piggyback, the pull offset (`commitPullOffset`, for
//! GET_CONSUME_STATS) and long polling.

use std::time::Duration;

use fulmen_protocol::header::{PullMessageRequestHeader, PullMessageResponseHeader};
use fulmen_protocol::{RemotingCommand, ResponseCode};
use fulmen_remoting::RequestContext;
use fulmen_store::{GetMessageResult, GetMessageStatus, TagsCodeFilter};
use tokio::time::Instant;

use super::pull_checks::{Checked, check_pull};
use super::{Reply, decode, reply};
use crate::state::BrokerState;

/// Handles a pull.
pub(super) async fn handle(state: &BrokerState, ctx: &RequestContext, request: &RemotingCommand) -> Reply {
    let header: PullMessageRequestHeader = decode(request)?;
    let flags = header.pull_sys_flag();
    let checked = check_pull(state, ctx, &header)?;
    if let Some(reset) = state
        .offsets
        .take_reset(&header.consumer_group, &header.topic, header.queue_id)
    {
        return Ok(offset_reset_response(state, &header, reset, &checked));
    }
    let filter = &checked.filter;
    let mut result = read(state, &header, filter)?;
    let mut code = response_code(result.status, header.queue_offset);
    state.offsets.commit_pull(
        &header.consumer_group,
        &header.topic,
        header.queue_id,
        result.next_begin_offset,
    );
    if flags.has_commit_offset() {
        state.offsets.commit(
            &header.consumer_group,
            &header.topic,
            header.queue_id,
            header.commit_offset,
        );
    }
    if code == ResponseCode::PULL_NOT_FOUND && flags.has_suspend() {
        let hold = if state.live.long_polling_enable() {
            // Clients ask for 15 s (push) or 20 s (lite pull); a hold beyond MAX_HOLD would only pin a task.
            Duration::from_millis(header.suspend_timeout_millis.max(0) as u64).min(MAX_HOLD)
        } else {
            state.live.short_polling_time()
        };
        let held = hold_until_arrival(state, ctx, &header, filter, hold).await?;
        if let Some(reset) = state
            .offsets
            .take_reset(&header.consumer_group, &header.topic, header.queue_id)
        {
            return Ok(offset_reset_response(state, &header, reset, &checked));
        }
        if let Some(fresh) = held {
            code = response_code(fresh.status, header.queue_offset);
            state.offsets.commit_pull(
                &header.consumer_group,
                &header.topic,
                header.queue_id,
                fresh.next_begin_offset,
            );
            result = fresh;
        }
    }
    Ok(build_response(code, result, &checked))
}

/// Reads from the store. The read is a short copy out of memory-mapped files, cheap enough for a tokio worker.
fn read(
    state: &BrokerState,
    header: &PullMessageRequestHeader,
    filter: &TagsCodeFilter,
) -> Result<GetMessageResult, RemotingCommand> {
    let max_bytes = header
        .max_msg_bytes
        .map_or(usize::MAX, |bytes| bytes.max(0) as usize);
    state
        .store
        .get_messages(
            &header.topic,
            header.queue_id,
            header.queue_offset,
            header.max_msg_nums.max(0) as usize,
            max_bytes,
            Some(filter),
        )
        .map_err(|error| {
            reply(
                ResponseCode::SYSTEM_ERROR,
                format!("store getMessage failed: {error}"),
            )
        })
}

/// The longest a pull is held, whatever `suspendTimeoutMillis` asks for.
const MAX_HOLD: Duration = Duration::from_secs(60);

/// Holds a pull that found nothing until a message arrives on its queue (then reads again), an admin resets the
/// group's offset in it, `hold` passes or the broker stops. Returns the fresh read, or `None` when a reset is
/// waiting to be answered.
async fn hold_until_arrival(
    state: &BrokerState,
    ctx: &RequestContext,
    header: &PullMessageRequestHeader,
    filter: &TagsCodeFilter,
    hold: Duration,
) -> Result<Option<GetMessageResult>, RemotingCommand> {
    let deadline = Instant::now() + hold;
    let signal = state.waiters.signal(&header.topic, header.queue_id);
    let stopping = ctx.stopping();
    tokio::pin!(stopping);
    loop {
        let notified = signal.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if state
            .offsets
            .pending_reset(&header.consumer_group, &header.topic, header.queue_id)
            .is_some()
        {
            return Ok(None);
        }
        // Re-read after registering interest, so an arrival between the first read and now is not missed.
        let fresh = read(state, header, filter)?;
        if response_code(fresh.status, header.queue_offset) != ResponseCode::PULL_NOT_FOUND {
            return Ok(Some(fresh));
        }
        tokio::select! {
            _ = &mut notified => {}
            _ = tokio::time::sleep_until(deadline) => return Ok(Some(fresh)),
            _ = &mut stopping => return Ok(Some(fresh)),
        }
    }
}

/// The status table of REMOTING.md §3.3.
fn response_code(status: GetMessageStatus, request_offset: i64) -> ResponseCode {
    match status {
        GetMessageStatus::Found => ResponseCode::SUCCESS,
        GetMessageStatus::NoMatchedMessage | GetMessageStatus::MessageWasRemoving => {
            ResponseCode::PULL_RETRY_IMMEDIATELY
        }
        GetMessageStatus::NoMatchedLogicQueue | GetMessageStatus::NoMessageInQueue => {
            if request_offset != 0 {
                ResponseCode::PULL_OFFSET_MOVED
            } else {
                ResponseCode::PULL_NOT_FOUND
            }
        }
        GetMessageStatus::OffsetFoundNull | GetMessageStatus::OffsetOverflowOne => {
            ResponseCode::PULL_NOT_FOUND
        }
        GetMessageStatus::OffsetOverflowBadly | GetMessageStatus::OffsetTooSmall => {
            ResponseCode::PULL_OFFSET_MOVED
        }
    }
}

/// The answer to the group's first pull of a queue after an admin reset its offset (Java's `OFFSET_RESET`
/// status): PULL_OFFSET_MOVED to the reset offset, which the client adopts and commits. Unlike Java, the pull's
/// commit-offset piggyback (the offset from before the reset) is not applied, so the reset stays committed even
/// if the client never commits again.
fn offset_reset_response(
    state: &BrokerState,
    header: &PullMessageRequestHeader,
    reset: i64,
    checked: &Checked,
) -> RemotingCommand {
    state
        .offsets
        .commit_pull(&header.consumer_group, &header.topic, header.queue_id, reset);
    let response_header = PullMessageResponseHeader {
        suggest_which_broker_id: 0,
        next_begin_offset: reset,
        min_offset: state.store.min_offset(&header.topic, header.queue_id),
        max_offset: state.store.max_offset(&header.topic, header.queue_id),
        topic_sys_flag: Some(checked.topic_sys_flag),
        group_sys_flag: Some(checked.group_sys_flag),
        ..PullMessageResponseHeader::default()
    };
    tracing::info!(
        group = %header.consumer_group,
        topic = %header.topic,
        queue_id = header.queue_id,
        reset,
        "a pull answered with the offset an admin reset"
    );
    reply(ResponseCode::PULL_OFFSET_MOVED, "OFFSET_RESET").with_header(&response_header)
}

/// Java's `composeResponseHeader`: the store status as remark, the offsets, and the topic's and group's sys flags.
fn build_response(code: ResponseCode, result: GetMessageResult, checked: &Checked) -> RemotingCommand {
    let header = PullMessageResponseHeader {
        suggest_which_broker_id: 0,
        next_begin_offset: result.next_begin_offset,
        min_offset: result.min_offset,
        max_offset: result.max_offset,
        topic_sys_flag: Some(checked.topic_sys_flag),
        group_sys_flag: Some(checked.group_sys_flag),
        ..PullMessageResponseHeader::default()
    };
    let response =
        RemotingCommand::response(code, Some(result.status.as_str().to_owned())).with_header(&header);
    if code == ResponseCode::SUCCESS {
        response.with_body(result.messages)
    } else {
        response
    }
}
