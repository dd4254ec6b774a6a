//! Consumers. [`PullConsumer`] is the pull primitive (queues, pull, offsets) that the lite pull consumer
//! (subscribe / assign / poll with automatic offset commits) and the push consumer will be built on.

mod offsets;
mod pull_api;
mod pull_consumer;
mod pull_result;

pub use pull_consumer::PullConsumer;
pub use pull_result::{PullResult, PullStatus};
