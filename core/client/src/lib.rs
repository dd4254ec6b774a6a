//! Fulmen's Apache RocketMQ client over the remoting protocol.
//!
//! The facade every language binding wraps: [`Producer`], [`TransactionProducer`], [`PushConsumer`],
//! [`LitePullConsumer`], [`PullConsumer`] and [`Admin`] handles (cheap to clone, `Send + Sync`, every I/O method
//! `async`, `shutdown` idempotent), owned value types ([`Message`], [`SendResult`],
//! [`MessageView`], [`PullResult`]), config structs with Apache's defaults, and one [`Error`] with a stable
//! [`ErrorKind`] code. Everything runs on the caller's tokio runtime; nothing here builds one.
//!
//! ```no_run
//! # async fn demo() -> fulmen_client::Result<()> {
//! use fulmen_client::{Message, Producer, ProducerConfig};
//!
//! let producer = Producer::start(ProducerConfig::new("127.0.0.1:9876", "PG")).await?;
//! let result = producer.send(Message::new("TopicTest", "hello").with_tags("A")).await?;
//! println!("{result}");
//! producer.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Tests: `tests/producer.rs` and `tests/pull_consumer.rs` run against a Fulmen name
//! server and a fake broker; `tests/producer_sends.rs`, `tests/producer_transaction.rs` and
//! `tests/producer_failover.rs` against a Fulmen cluster (`fulmen_testkit::LocalCluster`); `tests/apache_broker.rs`
//! and `tests/apache_producer.rs` run against Apache RocketMQ 5.3.3's own name server and broker and are built only
//! with the cargo feature `apache` (they need Java 17+ and Maven, fail rather than skip without them, and are run by
//! `scripts/test.sh`), so `cargo test --workspace` never needs Java. The push consumer's tests are `tests/push_*.rs`
//! (LocalCluster) and `tests/apache_push.rs` (Apache, with the Java client and `mqadmin`); the lite pull consumer's
//! are `tests/lite_pull.rs` (LocalCluster) and `tests/apache_lite_pull.rs` (Apache, with `mqadmin`); the
//! [`Admin`]'s are `tests/admin.rs` and `tests/admin_reset_fallback.rs` (LocalCluster, fake broker) and
//! `tests/apache_admin.rs`.

mod admin;
mod config;
mod consumer;
mod error;
mod instance;
mod message;
mod message_view;
mod producer;
mod send_result;
pub mod validation;

pub use admin::{
    Admin, AdminConfig, MessageTrack, ResetOffsetOutcome, RollbackStats, StoredMessage, TopicSettings,
    TopicTarget, TrackType,
};
pub use config::{
    ClientConfig, DEFAULT_CREATE_TOPIC_KEY, DEFAULT_INSTANCE_NAME, DEFAULT_MAX_MESSAGE_SIZE, ProducerConfig,
    PullConsumerConfig,
};
pub use consumer::{
    AllocateStrategy, ConsumeFuture, ConsumeResult, DEFAULT_VIRTUAL_NODE_COUNT, LitePullConsumer,
    LitePullConsumerConfig, MIN_AUTO_COMMIT_INTERVAL, MessageListener, PullConsumer, PullResult, PullStatus,
    PushConsumer, PushConsumerConfig, sort_for_allocation,
};
pub use error::{Error, ErrorKind, Result};
pub use fulmen_protocol::SerializeType;
pub use fulmen_protocol::body::MessageQueue;
pub use fulmen_protocol::body::{ConsumeFromWhere, MessageModel};
pub use message::{DeliveryTime, Message};
pub use message_view::MessageView;
pub use producer::errors::{
    ACCESS_BROKER_TIMEOUT, BROKER_NOT_EXIST_EXCEPTION, CONNECT_BROKER_EXCEPTION, NOT_FOUND_TOPIC_EXCEPTION,
};
pub use producer::transaction::{
    LocalTransactionState, TransactionArg, TransactionFuture, TransactionListener, TransactionProducer,
    TransactionProducerConfig, TransactionSendResult,
};
pub use producer::{
    FaultDetectorConfig, Producer, QueueSelector, SelectByHash, SelectByRandom, queue_index_by_hash,
};
pub use send_result::{SendResult, SendStatus};
