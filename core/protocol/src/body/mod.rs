//! Typed JSON bodies of RocketMQ commands (REMOTING.md §4), read and written in fastjson's dialect.
//!
//! Every body implements [`JsonBody`]: `TopicRouteData::decode(&bytes)?` reads either fastjson style, and
//! `route.encode()?` writes what a Java peer would write (`encode_with` picks the browser-compatible style).
//! Field names follow the Java getters; missing fields take their defaults and unknown fields are ignored.

mod assignment;
mod cluster;
mod connection;
mod heartbeat;
mod java_enum;
mod java_long;
mod json_body;
mod language_name;
mod lock;
mod message_queue;
mod register;
mod register_compressed;
mod reset_offset;
mod route;
mod running_info;
mod stats;
mod subscription;
mod subscription_group;

pub use assignment::{
    MessageQueueAssignment, MessageRequestMode, QueryAssignmentRequestBody, QueryAssignmentResponseBody,
};
pub use cluster::{ClusterInfo, GroupList, KvTable, TopicList};
pub use connection::{
    Connection, ConsumerConnection, GetConsumerListByGroupResponseBody, ProducerConnection,
};
pub use heartbeat::{
    ConsumeFromWhere, ConsumeType, ConsumerData, ExpressionType, HeartbeatData, MessageModel, ProducerData,
    QuerySubscriptionResponseBody, SubscriptionData,
};
pub use json_body::JsonBody;
pub use lock::{LockBatchRequestBody, LockBatchResponseBody, UnlockBatchRequestBody};
pub use message_queue::MessageQueue;
pub use register::{
    DataVersion, RegisterBrokerBody, TopicConfig, TopicConfigSerializeWrapper, TopicFilterType,
};
pub use reset_offset::ResetOffsetBody;
pub use route::{BrokerData, MASTER_ID, QueueData, TopicRouteData, route_json_style};
pub use running_info::{
    CmResult, ConsumeMessageDirectlyResult, ConsumeStatus, ConsumerRunningInfo, PROP_CLIENT_VERSION,
    PROP_CONSUME_ORDERLY, PROP_CONSUME_TYPE, PROP_CONSUMER_START_TIMESTAMP, PROP_NAMESERVER_ADDR,
    PROP_THREADPOOL_CORE_SIZE, ProcessQueueInfo,
};
pub use stats::{ConsumeStats, OffsetWrapper, TopicOffset, TopicStatsTable};
pub use subscription::SUBSCRIBE_ALL;
pub use subscription_group::SubscriptionGroupConfig;
