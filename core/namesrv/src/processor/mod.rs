//! The name server's request processor: one [`NamesrvProcessor`] registered for every code in
//! [`HANDLED_CODES`], dispatching to a handler per request (Java's `DefaultRequestProcessor` and
//! `ClientRequestProcessor`). Other codes get the transport's `REQUEST_CODE_NOT_SUPPORTED` answer, as in Java.
//!
//! Handlers are synchronous: they take the state's locks briefly and never await. A header or body that does not
//! decode is answered `SYSTEM_ERROR` with the reason as remark, as Java answers the exception it throws.

mod broker;
mod config;
mod kv;
mod route;
mod topic_admin;

use std::sync::Arc;

use fulmen_protocol::{ProtocolError, RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::{RequestContext, RequestProcessor};
use futures::future::BoxFuture;

use crate::state::NamesrvState;

/// Every request code a name server answers.
pub(crate) const HANDLED_CODES: &[RequestCode] = &[
    RequestCode::PUT_KV_CONFIG,
    RequestCode::GET_KV_CONFIG,
    RequestCode::DELETE_KV_CONFIG,
    RequestCode::GET_KVLIST_BY_NAMESPACE,
    RequestCode::REGISTER_BROKER,
    RequestCode::UNREGISTER_BROKER,
    RequestCode::BROKER_HEARTBEAT,
    RequestCode::QUERY_DATA_VERSION,
    RequestCode::GET_ROUTEINFO_BY_TOPIC,
    RequestCode::GET_BROKER_CLUSTER_INFO,
    RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
    RequestCode::GET_TOPICS_BY_CLUSTER,
    RequestCode::GET_SYSTEM_TOPIC_LIST_FROM_NS,
    RequestCode::WIPE_WRITE_PERM_OF_BROKER,
    RequestCode::ADD_WRITE_PERM_OF_BROKER,
    RequestCode::DELETE_TOPIC_IN_NAMESRV,
    RequestCode::REGISTER_TOPIC_IN_NAMESRV,
    RequestCode::GET_NAMESRV_CONFIG,
    RequestCode::UPDATE_NAMESRV_CONFIG,
];

/// Answers every name server request.
#[derive(Debug, Clone)]
pub(crate) struct NamesrvProcessor {
    state: Arc<NamesrvState>,
}

/// What a handler returns: the response, or the decoding error to answer as `SYSTEM_ERROR`.
type Handled = Result<RemotingCommand, ProtocolError>;

impl NamesrvProcessor {
    pub(crate) fn new(state: Arc<NamesrvState>) -> Self {
        NamesrvProcessor { state }
    }

    fn handle(&self, ctx: &RequestContext, request: &RemotingCommand) -> Handled {
        let state = &*self.state;
        match request.request_code() {
            RequestCode::PUT_KV_CONFIG => kv::put(state, request),
            RequestCode::GET_KV_CONFIG => kv::get(state, request),
            RequestCode::DELETE_KV_CONFIG => kv::delete(state, request),
            RequestCode::GET_KVLIST_BY_NAMESPACE => kv::list(state, request),
            RequestCode::REGISTER_BROKER => broker::register(state, ctx, request),
            RequestCode::UNREGISTER_BROKER => broker::unregister(state, request),
            RequestCode::BROKER_HEARTBEAT => broker::heartbeat(state, request),
            RequestCode::QUERY_DATA_VERSION => broker::query_data_version(state, request),
            RequestCode::GET_ROUTEINFO_BY_TOPIC => route::route_by_topic(state, request),
            RequestCode::GET_BROKER_CLUSTER_INFO => route::cluster_info(state),
            RequestCode::GET_ALL_TOPIC_LIST_FROM_NAMESERVER => route::all_topics(state),
            RequestCode::GET_TOPICS_BY_CLUSTER => route::topics_by_cluster(state, request),
            RequestCode::GET_SYSTEM_TOPIC_LIST_FROM_NS => route::system_topics(state),
            RequestCode::WIPE_WRITE_PERM_OF_BROKER => topic_admin::wipe_write_perm(state, ctx, request),
            RequestCode::ADD_WRITE_PERM_OF_BROKER => topic_admin::add_write_perm(state, ctx, request),
            RequestCode::DELETE_TOPIC_IN_NAMESRV => topic_admin::delete_topic(state, request),
            RequestCode::REGISTER_TOPIC_IN_NAMESRV => topic_admin::register_topic(state, request),
            RequestCode::GET_NAMESRV_CONFIG => config::get(state),
            RequestCode::UPDATE_NAMESRV_CONFIG => config::update(state, ctx, request),
            other => Ok(failure(
                ResponseCode::REQUEST_CODE_NOT_SUPPORTED,
                format!(" request type {} not supported", other.0),
            )),
        }
    }
}

impl RequestProcessor for NamesrvProcessor {
    fn process(
        &self,
        ctx: RequestContext,
        request: RemotingCommand,
    ) -> BoxFuture<'static, Option<RemotingCommand>> {
        let response = self.handle(&ctx, &request).unwrap_or_else(|error| {
            tracing::debug!(code = %request.request_code(), peer = %ctx.peer_addr(), %error, "bad request");
            failure(ResponseCode::SYSTEM_ERROR, error.to_string())
        });
        Box::pin(std::future::ready(Some(response)))
    }
}

/// A `SUCCESS` response without header or body.
fn success() -> RemotingCommand {
    RemotingCommand::response(ResponseCode::SUCCESS, None)
}

/// A response with `code` and `remark`.
fn failure(code: ResponseCode, remark: impl Into<String>) -> RemotingCommand {
    RemotingCommand::response(code, Some(remark.into()))
}

/// The body, or `None` when the request carries none (Java's `null` body).
fn body_or_none(request: &RemotingCommand) -> Option<&[u8]> {
    (!request.body.is_empty()).then_some(&request.body[..])
}
