//! Consumers. [`PullConsumer`] is the pull primitive (queues, pull, offsets) that the lite pull consumer
//! (subscribe / assign / poll with automatic offset commits) and the push consumer will be built on;
//! [`AllocateStrategy`] is the queue allocation their rebalance will use.

mod allocate;
pub(crate) mod answers;
pub(crate) mod broker_call;
pub(crate) mod lite;
pub(crate) mod offset_store;
pub(crate) mod offsets;
mod periodic;
pub(crate) mod process_queue;
mod pull_api;
pub(crate) mod pull_consumer;
mod pull_result;
pub(crate) mod push;
pub(crate) mod rebalance;
mod running_properties;

pub use allocate::{AllocateStrategy, DEFAULT_VIRTUAL_NODE_COUNT, sort_for_allocation};
pub use lite::LitePullConsumer;
pub use lite::config::{LitePullConsumerConfig, MIN_AUTO_COMMIT_INTERVAL};
pub use pull_consumer::PullConsumer;
pub use pull_result::{PullResult, PullStatus};
pub use push::{ConsumeFuture, ConsumeResult, MessageListener, PushConsumer, PushConsumerConfig};
