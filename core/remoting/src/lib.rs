//! Fulmen's tokio transport for the Apache RocketMQ remoting protocol: framed TCP connections, a
//! [`RemotingClient`] and a [`RemotingServer`].
//!
//! Both sides are symmetric at the connection level: a [`Connection`] sends requests and awaits their responses
//! (matched by opaque), and dispatches the requests its peer sends to [`RequestProcessor`]s by request code. The
//! client keeps one connection per address; the server accepts connections up to a limit and shuts down
//! gracefully. Nothing here builds a runtime: everything runs on the caller's tokio runtime.
//!
//! ```no_run
//! # async fn demo() -> Result<(), fulmen_remoting::RemotingError> {
//! use std::time::Duration;
//! use fulmen_protocol::{RemotingCommand, RequestCode, ResponseCode};
//! use fulmen_remoting::{ClientConfig, RemotingClient, RemotingServer, ServerConfig, processor_fn};
//!
//! let server = RemotingServer::builder(ServerConfig::default())
//!     .processor(RequestCode::HEART_BEAT, processor_fn(|_ctx, _request| async {
//!         Some(RemotingCommand::response(ResponseCode::SUCCESS, None))
//!     }))
//!     .bind()
//!     .await?;
//! let client = RemotingClient::new(ClientConfig::default())?;
//! let addr = server.local_addr().to_string();
//! let response = client
//!     .invoke(&addr, RemotingCommand::request(RequestCode::HEART_BEAT), Duration::from_secs(3))
//!     .await?;
//! assert_eq!(response.response_code(), ResponseCode::SUCCESS);
//! client.shutdown().await;
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod client;
pub mod codec;
mod config;
mod connection;
mod error;
mod events;
mod processor;
mod registry;
mod server;

pub use client::RemotingClient;
pub use codec::{CodecError, RemotingCodec};
pub use config::{ClientConfig, ConnectionConfig, OverloadPolicy, ServerConfig};
pub use connection::Connection;
pub use error::{RemotingError, RemotingErrorKind, Result};
pub use events::ConnectionListener;
pub use processor::{FnProcessor, RequestContext, RequestProcessor, processor_fn};
pub use server::{RemotingServer, ServerBuilder};
