//! Fulmen's name server: the registry Apache RocketMQ brokers register with and clients ask for topic routes,
//! speaking the remoting protocol byte for byte, so Java brokers and clients use it as they use Apache's.
//!
//! [`NameServer::start`] runs one on the caller's tokio runtime; [`RouteInfoManager`] holds its route tables
//! without I/O or clock, and [`KvConfigManager`] its KV config store.
//!
//! ```no_run
//! # async fn demo() -> Result<(), fulmen_namesrv::NamesrvError> {
//! use fulmen_namesrv::{NameServer, NamesrvConfig};
//!
//! let namesrv = NameServer::start(NamesrvConfig::default()).await?;
//! println!("name server at {}", namesrv.local_addr());
//! namesrv.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod clock;
mod config;
mod error;
mod kv_config;
mod liveness;
mod processor;
pub mod route;
mod server;
mod state;

pub use config::{DEFAULT_NAMESRV_PORT, NamesrvConfig};
pub use error::{NamesrvError, Result};
pub use kv_config::{KvConfigManager, ORDER_TOPIC_CONFIG_NAMESPACE};
pub use route::RouteInfoManager;
pub use server::NameServer;
