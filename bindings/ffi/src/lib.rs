//! The part of every Fulmen language binding that is not about one host language.
//!
//! Bindings are thin adapters over [`fulmen_client`]; what they all need besides it lives here once:
//! - [`runtime`]: the one lazily built multi-thread tokio runtime the Python and Kotlin bindings run the client on,
//!   rebuilt in a child process after `fork()`;
//! - [`ForkBound`]: a handle that refuses to be used (and is never dropped through a dead runtime) in a forked child;
//! - [`dispatch`]: calls from Rust to host code (listeners, transaction checks) that the host answers on its own
//!   threads, so that no runtime worker ever waits for a host interpreter;
//! - [`listener`]: a push consumer's listener whose batches the host answers through [`dispatch`];
//! - [`log`]: the client's `tracing` events as owned records in a bounded queue that the host drains on its own
//!   thread into its logging system (a runtime worker never waits for the host to log);
//! - [`panic`]: turns a panic inside a binding call into an [`ErrorKind::Internal`](fulmen_client::ErrorKind) error,
//!   so that no panic crosses into the host.

pub mod dispatch;
pub mod listener;
pub mod log;
pub mod panic;
pub mod runtime;

mod fork_bound;

pub use fork_bound::ForkBound;

/// The embedded cluster every binding exposes as `LocalCluster`.
#[cfg(feature = "testkit")]
pub use fulmen_testkit as testkit;
