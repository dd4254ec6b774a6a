//! Which of our typed headers and bodies stands for a Java class: one dispatch that the golden tests (Java bytes,
//! read by us) and the reverse vectors (our bytes, read by Java) share.

use fulmen_protocol::body::*;
use fulmen_protocol::ext_fields::CommandHeader;
use fulmen_protocol::header::*;

/// Work to do with the typed header standing for a Java class.
pub trait WithHeader {
    type Output;
    fn run<H: CommandHeader>(self) -> Self::Output;
}

/// Work to do with the typed body standing for a Java class.
pub trait WithBody {
    type Output;
    fn run<T: JsonBody>(self) -> Self::Output;
}

fn simple_name(java_class: &str) -> &str {
    java_class.rsplit('.').next().unwrap_or(java_class)
}

/// Runs `work` with our header type for `java_class`; `None` when we have none.
pub fn with_header<W: WithHeader>(java_class: &str, work: W) -> Option<W::Output> {
    Some(match simple_name(java_class) {
        "ConsumerSendMsgBackRequestHeader" => work.run::<ConsumerSendMsgBackRequestHeader>(),
        "EndTransactionRequestHeader" => work.run::<EndTransactionRequestHeader>(),
        "GetRouteInfoRequestHeader" => work.run::<GetRouteInfoRequestHeader>(),
        "PullMessageRequestHeader" => work.run::<PullMessageRequestHeader>(),
        "PullMessageResponseHeader" => work.run::<PullMessageResponseHeader>(),
        "QueryConsumerOffsetRequestHeader" => work.run::<QueryConsumerOffsetRequestHeader>(),
        "QueryConsumerOffsetResponseHeader" => work.run::<QueryConsumerOffsetResponseHeader>(),
        "RegisterBrokerRequestHeader" => work.run::<RegisterBrokerRequestHeader>(),
        "SendMessageRequestHeader" => work.run::<SendMessageRequestHeader>(),
        "SendMessageRequestHeaderV2" => work.run::<SendMessageRequestHeaderV2>(),
        "SendMessageResponseHeader" => work.run::<SendMessageResponseHeader>(),
        "UpdateConsumerOffsetRequestHeader" => work.run::<UpdateConsumerOffsetRequestHeader>(),
        _ => return None,
    })
}

/// Runs `work` with our body type for `java_class`; `None` when we have none.
pub fn with_body<W: WithBody>(java_class: &str, work: W) -> Option<W::Output> {
    Some(match simple_name(java_class) {
        "ClusterInfo" => work.run::<ClusterInfo>(),
        "ConsumeStats" => work.run::<ConsumeStats>(),
        "ConsumerConnection" => work.run::<ConsumerConnection>(),
        "GetConsumerListByGroupResponseBody" => work.run::<GetConsumerListByGroupResponseBody>(),
        "HeartbeatData" => work.run::<HeartbeatData>(),
        "KVTable" => work.run::<KvTable>(),
        "LockBatchRequestBody" => work.run::<LockBatchRequestBody>(),
        "LockBatchResponseBody" => work.run::<LockBatchResponseBody>(),
        "RegisterBrokerBody" => work.run::<RegisterBrokerBody>(),
        "ResetOffsetBody" => work.run::<ResetOffsetBody>(),
        "TopicList" => work.run::<TopicList>(),
        "TopicRouteData" => work.run::<TopicRouteData>(),
        "TopicStatsTable" => work.run::<TopicStatsTable>(),
        _ => return None,
    })
}
