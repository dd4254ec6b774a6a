//! Dispatch of the requests a broker answers, by request code, to the handler of each family.
//!
//! Handlers return [`Reply`], a `Result` whose error is an early error *response*: both sides are the same
//! `RemotingCommand`, so boxing the error would only add an allocation.
#![allow(clippy::result_large_err)]

mod admin;
mod broker_config;
mod client;
mod consumer_calls;
mod delay_offsets;
mod end_transaction;
mod group_admin;
mod locks;
mod offsets;
mod pull;
mod pull_checks;
mod query;
mod reset_offset;
mod retry_dlq;
mod send;
mod send_back;
mod send_checks;
mod store_admin;
mod timer_refusal;
mod topic_admin;

use std::sync::Arc;

use fulmen_protocol::body::ExpressionType;
use fulmen_protocol::{CommandHeader, RemotingCommand, RequestCode, ResponseCode};
use fulmen_remoting::{RequestContext, RequestProcessor};
use futures::future::BoxFuture;

use crate::state::BrokerState;

/// FAQ link Java appends to some remarks (`FAQUrl.suggestTodo`).
pub(crate) fn suggest_todo(url: &str) -> String {
    format!("\nSee {url} for further details.")
}

/// The FAQ page of topic application.
pub(crate) const APPLY_TOPIC_URL: &str = "https://rocketmq.apache.org/docs/bestPractice/06FAQ";
/// The FAQ page of subscription groups.
pub(crate) const SUBSCRIPTION_GROUP_NOT_EXIST_URL: &str =
    "https://rocketmq.apache.org/docs/bestPractice/06FAQ";
/// The FAQ page of consumer subscriptions.
pub(crate) const SAME_GROUP_DIFFERENT_TOPIC_URL: &str = "https://rocketmq.apache.org/docs/bestPractice/06FAQ";

/// Java's `ExpressionType.isTagType`: `TAG`, or no type at all.
pub(crate) fn is_tag_type(expression_type: &ExpressionType) -> bool {
    matches!(expression_type, ExpressionType::Tag) || expression_type.as_str().is_empty()
}

/// The keys UPDATE_BROKER_CONFIG refuses (Java's default `configBlackList`).
pub(crate) const CONFIG_BLACK_LIST: &[&str] = &["configBlackList", "brokerConfigPath"];

/// The request codes the broker handles.
pub(crate) const HANDLED_CODES: &[RequestCode] = &[
    RequestCode::SEND_MESSAGE,
    RequestCode::SEND_MESSAGE_V2,
    RequestCode::SEND_BATCH_MESSAGE,
    RequestCode::CONSUMER_SEND_MSG_BACK,
    RequestCode::PULL_MESSAGE,
    RequestCode::LITE_PULL_MESSAGE,
    RequestCode::HEART_BEAT,
    RequestCode::UNREGISTER_CLIENT,
    RequestCode::GET_CONSUMER_LIST_BY_GROUP,
    RequestCode::QUERY_CONSUMER_OFFSET,
    RequestCode::UPDATE_CONSUMER_OFFSET,
    RequestCode::GET_MAX_OFFSET,
    RequestCode::GET_MIN_OFFSET,
    RequestCode::SEARCH_OFFSET_BY_TIMESTAMP,
    RequestCode::GET_EARLIEST_MSG_STORETIME,
    RequestCode::VIEW_MESSAGE_BY_ID,
    RequestCode::QUERY_MESSAGE,
    RequestCode::UPDATE_AND_CREATE_TOPIC,
    RequestCode::DELETE_TOPIC_IN_BROKER,
    RequestCode::GET_ALL_TOPIC_CONFIG,
    RequestCode::GET_TOPIC_CONFIG,
    RequestCode::GET_CONSUMER_CONNECTION_LIST,
    RequestCode::GET_PRODUCER_CONNECTION_LIST,
    RequestCode::GET_CONSUME_STATS,
    RequestCode::GET_TOPIC_STATS_INFO,
    RequestCode::GET_BROKER_RUNTIME_INFO,
    RequestCode::DELETE_EXPIRED_COMMITLOG,
    RequestCode::GET_BROKER_CONFIG,
    RequestCode::UPDATE_BROKER_CONFIG,
    RequestCode::CHECK_CLIENT_CONFIG,
    RequestCode::LOCK_BATCH_MQ,
    RequestCode::UNLOCK_BATCH_MQ,
    RequestCode::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
    RequestCode::GET_ALL_SUBSCRIPTIONGROUP_CONFIG,
    RequestCode::DELETE_SUBSCRIPTIONGROUP,
    RequestCode::GET_SUBSCRIPTIONGROUP_CONFIG,
    RequestCode::QUERY_TOPIC_CONSUME_BY_WHO,
    RequestCode::GET_ALL_CONSUMER_OFFSET,
    RequestCode::QUERY_TOPICS_BY_CONSUMER,
    RequestCode::QUERY_SUBSCRIPTION_BY_CONSUMER,
    RequestCode::CLONE_GROUP_OFFSET,
    RequestCode::INVOKE_BROKER_TO_RESET_OFFSET,
    RequestCode::GET_CONSUMER_RUNNING_INFO,
    RequestCode::CONSUME_MESSAGE_DIRECTLY,
    RequestCode::END_TRANSACTION,
    RequestCode::GET_ALL_DELAY_OFFSET,
];

/// The broker's processor for every handled code.
#[derive(Debug, Clone)]
pub(crate) struct BrokerProcessor {
    state: Arc<BrokerState>,
}

impl BrokerProcessor {
    /// A processor over `state`.
    pub(crate) fn new(state: Arc<BrokerState>) -> Self {
        BrokerProcessor { state }
    }
}

impl RequestProcessor for BrokerProcessor {
    fn process(
        &self,
        ctx: RequestContext,
        request: RemotingCommand,
    ) -> BoxFuture<'static, Option<RemotingCommand>> {
        let state = self.state.clone();
        Box::pin(async move {
            let code = request.request_code();
            if code == RequestCode::END_TRANSACTION {
                return end_transaction::handle(&state, &request).await;
            }
            let response = match code {
                RequestCode::SEND_MESSAGE
                | RequestCode::SEND_MESSAGE_V2
                | RequestCode::SEND_BATCH_MESSAGE => send::handle(&state, &ctx, &request).await,
                RequestCode::CONSUMER_SEND_MSG_BACK => send_back::handle(&state, &request).await,
                RequestCode::PULL_MESSAGE | RequestCode::LITE_PULL_MESSAGE => {
                    pull::handle(&state, &ctx, &request).await
                }
                RequestCode::HEART_BEAT => client::heartbeat(&state, &ctx, &request).await,
                RequestCode::UNREGISTER_CLIENT => client::unregister(&state, &ctx, &request),
                RequestCode::CHECK_CLIENT_CONFIG => client::check_client_config(&request),
                RequestCode::GET_CONSUMER_LIST_BY_GROUP => client::consumer_list(&state, &request),
                RequestCode::QUERY_CONSUMER_OFFSET => offsets::query_consumer_offset(&state, &request),
                RequestCode::UPDATE_CONSUMER_OFFSET => offsets::update_consumer_offset(&state, &request),
                RequestCode::GET_MAX_OFFSET => offsets::max_offset(&state, &request),
                RequestCode::GET_MIN_OFFSET => offsets::min_offset(&state, &request),
                RequestCode::SEARCH_OFFSET_BY_TIMESTAMP => offsets::search_by_time(&state, &request),
                RequestCode::GET_EARLIEST_MSG_STORETIME => offsets::earliest_store_time(&state, &request),
                RequestCode::VIEW_MESSAGE_BY_ID => offsets::view_message(&state, &request),
                RequestCode::QUERY_MESSAGE => query::query_message(&state, &request),
                RequestCode::UPDATE_AND_CREATE_TOPIC => topic_admin::create(&state, &request).await,
                RequestCode::DELETE_TOPIC_IN_BROKER => topic_admin::delete(&state, &request).await,
                RequestCode::GET_ALL_TOPIC_CONFIG => topic_admin::all(&state),
                RequestCode::GET_TOPIC_CONFIG => topic_admin::one(&state, &request),
                RequestCode::GET_CONSUMER_CONNECTION_LIST => admin::consumer_connections(&state, &request),
                RequestCode::GET_PRODUCER_CONNECTION_LIST => admin::producer_connections(&state, &request),
                RequestCode::GET_CONSUME_STATS => admin::consume_stats(&state, &request),
                RequestCode::GET_TOPIC_STATS_INFO => admin::topic_stats(&state, &request),
                RequestCode::GET_BROKER_RUNTIME_INFO => admin::runtime_info(&state),
                RequestCode::DELETE_EXPIRED_COMMITLOG => store_admin::delete_expired_commit_log(&state),
                RequestCode::GET_BROKER_CONFIG => broker_config::get(&state),
                RequestCode::UPDATE_BROKER_CONFIG => broker_config::update(&state, &ctx, &request),
                RequestCode::LOCK_BATCH_MQ => locks::lock_batch(&state, &request),
                RequestCode::UNLOCK_BATCH_MQ => locks::unlock_batch(&state, &request),
                RequestCode::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP => {
                    group_admin::create_or_update(&state, &request).await
                }
                RequestCode::GET_ALL_SUBSCRIPTIONGROUP_CONFIG => group_admin::get_all(&state),
                RequestCode::DELETE_SUBSCRIPTIONGROUP => group_admin::delete(&state, &request).await,
                RequestCode::GET_SUBSCRIPTIONGROUP_CONFIG => group_admin::get_one(&state, &request),
                RequestCode::QUERY_TOPIC_CONSUME_BY_WHO => group_admin::topic_consumed_by(&state, &request),
                RequestCode::GET_ALL_CONSUMER_OFFSET => group_admin::all_consumer_offsets(&state),
                RequestCode::QUERY_TOPICS_BY_CONSUMER => group_admin::topics_of_group(&state, &request),
                RequestCode::QUERY_SUBSCRIPTION_BY_CONSUMER => {
                    group_admin::subscription_of_group(&state, &request)
                }
                RequestCode::CLONE_GROUP_OFFSET => group_admin::clone_offsets(&state, &request),
                RequestCode::INVOKE_BROKER_TO_RESET_OFFSET => reset_offset::handle(&state, &request),
                RequestCode::GET_CONSUMER_RUNNING_INFO => {
                    consumer_calls::running_info(&state, &request).await
                }
                RequestCode::CONSUME_MESSAGE_DIRECTLY => {
                    consumer_calls::consume_directly(&state, &request).await
                }
                RequestCode::GET_ALL_DELAY_OFFSET => delay_offsets::all_delay_offset(&state),
                other => Err(reply(
                    ResponseCode::REQUEST_CODE_NOT_SUPPORTED,
                    format!(" request type {} not supported", other.0),
                )),
            };
            Some(response.unwrap_or_else(|error| error))
        })
    }
}

/// A handler's outcome: the response either way (`Err` is an early error response).
pub(crate) type Reply = Result<RemotingCommand, RemotingCommand>;

/// A response with `code` and `remark`.
pub(crate) fn reply(code: ResponseCode, remark: impl Into<String>) -> RemotingCommand {
    RemotingCommand::response(code, Some(remark.into()))
}

/// A `SUCCESS` response without remark.
pub(crate) fn success() -> RemotingCommand {
    RemotingCommand::response(ResponseCode::SUCCESS, None)
}

/// Decodes the request's header, or answers SYSTEM_ERROR naming the problem (as Java's
/// `RemotingCommandException` does).
pub(crate) fn decode<H: CommandHeader>(request: &RemotingCommand) -> Result<H, RemotingCommand> {
    request
        .decode_header::<H>()
        .map_err(|error| reply(ResponseCode::SYSTEM_ERROR, error.to_string()))
}
