//! `LocalCluster`: Fulmen's name servers and brokers started in this process in milliseconds, on 127.0.0.1 with
//! free ports and a temporary store, for tests of RocketMQ applications and clients, with stop, kill and restart
//! of one member and stopping a broker's writes (`set_broker_permission`) for fault tests.
//!
//! Nothing here builds a runtime: the cluster runs on the caller's tokio runtime.

mod builder;
mod cluster;
mod error;
mod members;

pub use builder::{DEFAULT_COMMIT_LOG_FILE_SIZE, DEFAULT_CONSUME_QUEUE_ENTRIES, LocalClusterBuilder};
pub use cluster::LocalCluster;
pub use error::{Result, TestkitError};
