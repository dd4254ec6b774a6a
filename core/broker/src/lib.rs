//! Fulmen's embedded Apache RocketMQ broker: it speaks the remoting protocol byte for byte, so the official Java
//! client (and Fulmen's own) produce to it and consume from it unmodified.
//!
//! [`Broker::start`] opens the message store, loads the config files (topics, consumer offsets, subscription
//! groups), serves the remoting protocol on the caller's tokio runtime and registers with every configured name
//! server, at start, every 30 s and after each topic change; [`Broker::shutdown`] unregisters from them.
//!
//! ```no_run
//! # async fn demo() -> Result<(), fulmen_broker::BrokerError> {
//! use fulmen_broker::{Broker, BrokerConfig};
//!
//! let mut config = BrokerConfig::new("/tmp/fulmen-store");
//! config.namesrv_addrs = vec!["127.0.0.1:9876".into()];
//! let broker = Broker::start(config).await?;
//! println!("broker at {}", broker.local_addr());
//! broker.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Delay levels (`DELAY`) and 5.x timer messages (`TIMER_*`) are delivered when due (see `schedule`). Retention
//! (deleting expired commitlog, consume-queue and index files, the disk-full flag) runs in the store
//! (`fulmen_store::RetentionConfig`).
//!
//! Not implemented yet: POP.

mod broker;
mod broker_properties;
mod config;
mod config_properties;
mod consumer_manager;
mod error;
mod java_text;
mod live_config;
mod long_polling;
mod offset_manager;
mod persist;
mod processor;
mod producer_manager;
mod put_pipeline;
mod rebalance_locks;
mod registration;
mod schedule;
mod state;
mod subscription_groups;
mod time;
mod topic_attributes;
mod topic_manager;
pub mod topic_validator;
mod transaction;

pub use broker::Broker;
pub use config::BrokerConfig;
pub use config_properties::AppliedProperties;
pub use error::{BrokerError, Result};
pub use subscription_groups::SubscriptionGroupConfig;
pub use transaction::TransactionConfig;
