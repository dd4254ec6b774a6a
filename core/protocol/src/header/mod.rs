//! Typed custom headers: the `extFields` of each request and response, as Rust structs.
//!
//! Every type here mirrors a class of Apache RocketMQ 5.3.3 (`remoting.protocol.header` and
//! `remoting.protocol.header.namesrv`) and implements [`CommandHeader`](crate::CommandHeader); use it with
//! [`RemotingCommand::with_header`](crate::RemotingCommand::with_header) and
//! [`RemotingCommand::decode_header`](crate::RemotingCommand::decode_header).
//!
//! # How the Java classes map to these structs
//!
//! * **Wire keys** are the Java field names, exactly, including the odd ones (`clientID`, `isForce`,
//!   `proxyFrowardClientId`, `heartbeatTimeoutMills`). Rust field names are their snake_case form (spelled
//!   correctly).
//! * **Required fields** (plain types) are exactly the fields annotated `@CFNotNull`: Java refuses a request
//!   without them, and so do we, with an error naming the header and the key. Every other field is an `Option`.
//! * **Java primitives without `@CFNotNull`** (`committed`, `unitMode` of send-back, `compressed`, `jstackEnable`,
//!   …) are `Option`s too: Java always sends them, but a Java decoder keeps the field's default when the key is
//!   absent, so a server must accept their absence. Absent means Rust's default (`false`, `0`) unless the field's
//!   doc says otherwise; the two exceptions have helpers
//!   ([`GetMaxOffsetRequestHeader::committed_or_default`], [`ResetOffsetRequestHeader::queue_id_or_default`]).
//!   A client that wants to look exactly like Java fills them in.
//! * **Types**: Java `String` → `String`, `Integer`/`int` → `i32`, `Long`/`long` → `i64`, `Boolean`/`boolean` →
//!   `bool`, and the one enum, `boundaryType`, → [`BoundaryType`] (written as the Java enum name, read
//!   case-insensitively like Java).
//! * **Unknown keys are ignored** when reading, as Java does, so a header decodes whatever else a peer adds.
//!
//! # Inherited keys
//!
//! Most Java request headers extend `RpcRequestHeader` (`ns`, `nsd`, `bname`, `oway`) and topic headers extend
//! `TopicRequestHeader` (`lo`). We model only `bname`, as `broker_name: Option<String>`, and only on the headers
//! where the 5.x Java client (or, for `CHECK_TRANSACTION_STATE`, the broker) actually sets it: send (V1 `bname`,
//! V2 `n`), pull, query/update consumer offset, get max/min offset, search offset, earliest store time, send-back,
//! end transaction, check transaction state, pop, ack, change invisible time and recall. The others are left out:
//! `ns`/`nsd` belong to the proxy's namespace handling, `oway` repeats the command's oneway flag and `lo` is for
//! logical queues of static topics, none of which Fulmen implements; since unknown keys are ignored, Java
//! requests that carry them still decode.
//!
//! # Keys that are not fields of a Java class
//!
//! Some `extFields` travel beside a header rather than in it; we model them as optional fields of the header they
//! accompany: `MSG_REGION` and `TRACE_ON` ([`SendMessageResponseHeader`]), `IS_SUPPORT_HEART_BEAT_V2` and
//! `IS_SUB_CHANGE` ([`HeartbeatResponseHeader`], which has no Java class), `_UNIQUE_KEY_QUERY`
//! ([`QueryMessageRequestHeader`]) and `__ZONE_NAME` ([`RegisterBrokerRequestHeader`]).
//!
//! # Headers by request code
//!
//! | code | request header | response header |
//! |---|---|---|
//! | 10 `SEND_MESSAGE`, 324 `SEND_REPLY_MESSAGE` | [`SendMessageRequestHeader`] | [`SendMessageResponseHeader`] |
//! | 310 `SEND_MESSAGE_V2`, 320 `SEND_BATCH_MESSAGE`, 325 `SEND_REPLY_MESSAGE_V2` | [`SendMessageRequestHeaderV2`] | [`SendMessageResponseHeader`] |
//! | 11 `PULL_MESSAGE`, 361 `LITE_PULL_MESSAGE` | [`PullMessageRequestHeader`] ([`PullSysFlag`]) | [`PullMessageResponseHeader`] |
//! | 12 `QUERY_MESSAGE` | [`QueryMessageRequestHeader`] | [`QueryMessageResponseHeader`] |
//! | 14 `QUERY_CONSUMER_OFFSET` | [`QueryConsumerOffsetRequestHeader`] | [`QueryConsumerOffsetResponseHeader`] |
//! | 15 `UPDATE_CONSUMER_OFFSET` | [`UpdateConsumerOffsetRequestHeader`] | [`UpdateConsumerOffsetResponseHeader`] |
//! | 17 `UPDATE_AND_CREATE_TOPIC` | [`CreateTopicRequestHeader`] | – |
//! | 29 `SEARCH_OFFSET_BY_TIMESTAMP` | [`SearchOffsetRequestHeader`] | [`SearchOffsetResponseHeader`] |
//! | 30 `GET_MAX_OFFSET` | [`GetMaxOffsetRequestHeader`] | [`GetMaxOffsetResponseHeader`] |
//! | 31 `GET_MIN_OFFSET` | [`GetMinOffsetRequestHeader`] | [`GetMinOffsetResponseHeader`] |
//! | 32 `GET_EARLIEST_MSG_STORETIME` | [`GetEarliestMsgStoretimeRequestHeader`] | [`GetEarliestMsgStoretimeResponseHeader`] |
//! | 33 `VIEW_MESSAGE_BY_ID` | [`ViewMessageRequestHeader`] | [`ViewMessageResponseHeader`] |
//! | 34 `HEART_BEAT` | [`HeartbeatRequestHeader`] | [`HeartbeatResponseHeader`] |
//! | 35 `UNREGISTER_CLIENT` | [`UnregisterClientRequestHeader`] | [`UnregisterClientResponseHeader`] |
//! | 36 `CONSUMER_SEND_MSG_BACK` | [`ConsumerSendMsgBackRequestHeader`] | – |
//! | 37 `END_TRANSACTION` | [`EndTransactionRequestHeader`] | [`EndTransactionResponseHeader`] |
//! | 38 `GET_CONSUMER_LIST_BY_GROUP` | [`GetConsumerListByGroupRequestHeader`] | [`GetConsumerListByGroupResponseHeader`] |
//! | 39 `CHECK_TRANSACTION_STATE` | [`CheckTransactionStateRequestHeader`] | ([`CheckTransactionStateResponseHeader`], legacy) |
//! | 40 `NOTIFY_CONSUMER_IDS_CHANGED` | [`NotifyConsumerIdsChangedRequestHeader`] | – |
//! | 41 `LOCK_BATCH_MQ` / 42 `UNLOCK_BATCH_MQ` | [`LockBatchMqRequestHeader`] / [`UnlockBatchMqRequestHeader`] | – |
//! | 100 / 101 / 102 `PUT`/`GET`/`DELETE_KV_CONFIG` | [`PutKVConfigRequestHeader`] / [`GetKVConfigRequestHeader`] / [`DeleteKVConfigRequestHeader`] | [`GetKVConfigResponseHeader`] (101) |
//! | 103 `REGISTER_BROKER` | [`RegisterBrokerRequestHeader`] | [`RegisterBrokerResponseHeader`] |
//! | 104 `UNREGISTER_BROKER` | [`UnRegisterBrokerRequestHeader`] | – |
//! | 105 `GET_ROUTEINFO_BY_TOPIC` | [`GetRouteInfoRequestHeader`] | – |
//! | 202 `GET_TOPIC_STATS_INFO` | [`GetTopicStatsInfoRequestHeader`] | – |
//! | 203 `GET_CONSUMER_CONNECTION_LIST` | [`GetConsumerConnectionListRequestHeader`] | – |
//! | 204 `GET_PRODUCER_CONNECTION_LIST` | [`GetProducerConnectionListRequestHeader`] | – |
//! | 205 `WIPE_WRITE_PERM_OF_BROKER` | [`WipeWritePermOfBrokerRequestHeader`] | [`WipeWritePermOfBrokerResponseHeader`] |
//! | 207 `DELETE_SUBSCRIPTIONGROUP` | [`DeleteSubscriptionGroupRequestHeader`] | – |
//! | 208 `GET_CONSUME_STATS` | [`GetConsumeStatsRequestHeader`] | – |
//! | 215 `DELETE_TOPIC_IN_BROKER` | [`DeleteTopicRequestHeader`] | – |
//! | 216 `DELETE_TOPIC_IN_NAMESRV` | [`DeleteTopicFromNamesrvRequestHeader`] | – |
//! | 217 `REGISTER_TOPIC_IN_NAMESRV` | [`RegisterTopicRequestHeader`] | – |
//! | 219 `GET_KVLIST_BY_NAMESPACE` | [`GetKVListByNamespaceRequestHeader`] | – |
//! | 220 `RESET_CONSUMER_CLIENT_OFFSET`, 222 `INVOKE_BROKER_TO_RESET_OFFSET` | [`ResetOffsetRequestHeader`] | – |
//! | 221 `GET_CONSUMER_STATUS_FROM_CLIENT`, 223 `INVOKE_BROKER_TO_GET_CONSUMER_STATUS` | [`GetConsumerStatusRequestHeader`] | – |
//! | 224 `GET_TOPICS_BY_CLUSTER` | [`GetTopicsByClusterRequestHeader`] | – |
//! | 300 `QUERY_TOPIC_CONSUME_BY_WHO` | [`QueryTopicConsumeByWhoRequestHeader`] | – |
//! | 307 `GET_CONSUMER_RUNNING_INFO` | [`GetConsumerRunningInfoRequestHeader`] | – |
//! | 309 `CONSUME_MESSAGE_DIRECTLY` | [`ConsumeMessageDirectlyResultRequestHeader`] | – |
//! | 314 `CLONE_GROUP_OFFSET` | [`CloneGroupOffsetRequestHeader`] | – |
//! | 322 `QUERY_DATA_VERSION` | [`QueryDataVersionRequestHeader`] | [`QueryDataVersionResponseHeader`] |
//! | 326 `PUSH_REPLY_MESSAGE_TO_CLIENT` | [`ReplyMessageRequestHeader`] | – |
//! | 327 `ADD_WRITE_PERM_OF_BROKER` | [`AddWritePermOfBrokerRequestHeader`] | [`AddWritePermOfBrokerResponseHeader`] |
//! | 351 `GET_TOPIC_CONFIG` | [`GetTopicConfigRequestHeader`] | – |
//! | 343 `QUERY_TOPICS_BY_CONSUMER` | [`QueryTopicsByConsumerRequestHeader`] | – |
//! | 345 `QUERY_SUBSCRIPTION_BY_CONSUMER` | [`QuerySubscriptionByConsumerRequestHeader`] | – |
//! | 352 `GET_SUBSCRIPTIONGROUP_CONFIG` | [`GetSubscriptionGroupConfigRequestHeader`] | – |
//! | 370 `RECALL_MESSAGE` | [`RecallMessageRequestHeader`] | [`RecallMessageResponseHeader`] |
//! | 904 `BROKER_HEARTBEAT` | [`BrokerHeartbeatRequestHeader`] | – |
//! | 200050 `POP_MESSAGE` | [`PopMessageRequestHeader`] | [`PopMessageResponseHeader`] |
//! | 200051 `ACK_MESSAGE` | [`AckMessageRequestHeader`] | – |
//! | 200052 `PEEK_MESSAGE` | [`PeekMessageRequestHeader`] | – |
//! | 200053 `CHANGE_MESSAGE_INVISIBLETIME` | [`ChangeInvisibleTimeRequestHeader`] | [`ChangeInvisibleTimeResponseHeader`] |
//! | 200054 `NOTIFICATION` | [`NotificationRequestHeader`] | [`NotificationResponseHeader`] |
//! | 200055 `POLLING_INFO` | [`PollingInfoRequestHeader`] | [`PollingInfoResponseHeader`] |
//!
//! "–" means the response carries no header (its data, if any, is in the body).

mod broker_registration;
mod client;
mod consumer_admin;
mod consumer_offset;
mod group_admin;
mod kv_config;
mod lock;
mod namesrv_admin;
mod pop;
mod pop_ack;
mod pop_polling;
mod pull;
mod pull_sys_flag;
mod query;
mod queue_offset;
mod recall;
mod reply;
mod reset_offset;
mod route;
mod send;
mod send_back;
mod send_v2;
mod topic_admin;
mod transaction;

#[cfg(test)]
mod test_support;

pub use broker_registration::{
    BrokerHeartbeatRequestHeader, QueryDataVersionRequestHeader, QueryDataVersionResponseHeader,
    RegisterBrokerRequestHeader, RegisterBrokerResponseHeader, RegisterTopicRequestHeader,
    UnRegisterBrokerRequestHeader,
};
pub use client::{
    GetConsumerListByGroupRequestHeader, GetConsumerListByGroupResponseHeader, HeartbeatRequestHeader,
    HeartbeatResponseHeader, NotifyConsumerIdsChangedRequestHeader, UnregisterClientRequestHeader,
    UnregisterClientResponseHeader,
};
pub use consumer_admin::{
    ConsumeMessageDirectlyResultRequestHeader, GetConsumeStatsRequestHeader,
    GetConsumerConnectionListRequestHeader, GetConsumerRunningInfoRequestHeader,
    GetConsumerStatusRequestHeader, GetProducerConnectionListRequestHeader,
};
pub use consumer_offset::{
    QueryConsumerOffsetRequestHeader, QueryConsumerOffsetResponseHeader, UpdateConsumerOffsetRequestHeader,
    UpdateConsumerOffsetResponseHeader,
};
pub use group_admin::{
    CloneGroupOffsetRequestHeader, DeleteSubscriptionGroupRequestHeader,
    GetSubscriptionGroupConfigRequestHeader, QuerySubscriptionByConsumerRequestHeader,
    QueryTopicsByConsumerRequestHeader,
};
pub use kv_config::{
    DeleteKVConfigRequestHeader, GetKVConfigRequestHeader, GetKVConfigResponseHeader,
    GetKVListByNamespaceRequestHeader, PutKVConfigRequestHeader,
};
pub use lock::{LockBatchMqRequestHeader, UnlockBatchMqRequestHeader};
pub use namesrv_admin::{
    AddWritePermOfBrokerRequestHeader, AddWritePermOfBrokerResponseHeader,
    DeleteTopicFromNamesrvRequestHeader, GetTopicsByClusterRequestHeader, WipeWritePermOfBrokerRequestHeader,
    WipeWritePermOfBrokerResponseHeader,
};
pub use pop::{PeekMessageRequestHeader, PopMessageRequestHeader, PopMessageResponseHeader};
pub use pop_ack::{
    AckMessageRequestHeader, ChangeInvisibleTimeRequestHeader, ChangeInvisibleTimeResponseHeader,
};
pub use pop_polling::{
    NotificationRequestHeader, NotificationResponseHeader, PollingInfoRequestHeader,
    PollingInfoResponseHeader,
};
pub use pull::{PullMessageRequestHeader, PullMessageResponseHeader};
pub use pull_sys_flag::PullSysFlag;
pub use query::{
    QueryMessageRequestHeader, QueryMessageResponseHeader, ViewMessageRequestHeader,
    ViewMessageResponseHeader,
};
pub use queue_offset::{
    BoundaryType, GetEarliestMsgStoretimeRequestHeader, GetEarliestMsgStoretimeResponseHeader,
    GetMaxOffsetRequestHeader, GetMaxOffsetResponseHeader, GetMinOffsetRequestHeader,
    GetMinOffsetResponseHeader, SearchOffsetRequestHeader, SearchOffsetResponseHeader,
};
pub use recall::{RecallMessageRequestHeader, RecallMessageResponseHeader};
pub use reply::ReplyMessageRequestHeader;
pub use reset_offset::ResetOffsetRequestHeader;
pub use route::GetRouteInfoRequestHeader;
pub use send::{SendMessageRequestHeader, SendMessageResponseHeader};
pub use send_back::ConsumerSendMsgBackRequestHeader;
pub use send_v2::SendMessageRequestHeaderV2;
pub use topic_admin::{
    CreateTopicRequestHeader, DeleteTopicRequestHeader, GetTopicConfigRequestHeader,
    GetTopicStatsInfoRequestHeader, QueryTopicConsumeByWhoRequestHeader,
};
pub use transaction::{
    CheckTransactionStateRequestHeader, CheckTransactionStateResponseHeader, EndTransactionRequestHeader,
    EndTransactionResponseHeader,
};
