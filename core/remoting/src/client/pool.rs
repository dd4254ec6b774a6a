//! `ConnectionPool`: at most one connection per address. Callers arriving while a connect is under way share it;
//! a failed connect is forgotten, and a closed connection is replaced on next use.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use crate::connection::Connection;
use crate::error::{RemotingError, Result};

type SharedConnect = Shared<BoxFuture<'static, Result<Connection>>>;

enum Slot {
    /// A connect is under way; `attempt` tells it apart from a later one to the same address.
    Connecting {
        attempt: u64,
        connect: SharedConnect,
    },
    Ready(Connection),
}

/// The client's connections, by the address string callers use.
#[derive(Default)]
pub(crate) struct ConnectionPool {
    state: Mutex<PoolState>,
}

#[derive(Default)]
struct PoolState {
    slots: HashMap<String, Slot>,
    next_attempt: u64,
}

impl ConnectionPool {
    /// The open connection to `addr`, or the one being set up, or a new one made by `connect`.
    ///
    /// A new connect runs on a task of its own, so it completes (and its outcome is recorded here) even if every
    /// caller waiting for it gives up.
    pub(crate) async fn get_or_connect(
        self: &Arc<Self>,
        addr: &str,
        connect: impl FnOnce() -> BoxFuture<'static, Result<Connection>>,
    ) -> Result<Connection> {
        let pending_connect = {
            let mut state = self.lock();
            match state.slots.get(addr) {
                Some(Slot::Ready(connection)) if !connection.is_closed() => return Ok(connection.clone()),
                Some(Slot::Connecting { connect, .. }) => connect.clone(),
                _ => {
                    state.next_attempt += 1;
                    let attempt = state.next_attempt;
                    let shared = self.spawn_connect(addr, attempt, connect());
                    state.slots.insert(
                        addr.to_owned(),
                        Slot::Connecting {
                            attempt,
                            connect: shared.clone(),
                        },
                    );
                    shared
                }
            }
        };
        pending_connect.await
    }

    fn spawn_connect(
        self: &Arc<Self>,
        addr: &str,
        attempt: u64,
        connect: BoxFuture<'static, Result<Connection>>,
    ) -> SharedConnect {
        let pool = Arc::downgrade(self);
        let task = tokio::spawn({
            let addr = addr.to_owned();
            async move {
                let outcome = connect.await;
                if let Some(pool) = pool.upgrade() {
                    pool.settle(&addr, attempt, &outcome);
                }
                outcome
            }
        });
        let addr = addr.to_owned();
        async move {
            // The task only fails if it panicked or its runtime is shutting down.
            task.await.unwrap_or_else(|error| {
                Err(RemotingError::ConnectFailed {
                    addr,
                    source: Arc::new(io::Error::other(error)),
                })
            })
        }
        .boxed()
        .shared()
    }

    /// Records the outcome of connect `attempt`, unless the slot was taken over meanwhile.
    fn settle(&self, addr: &str, attempt: u64, outcome: &Result<Connection>) {
        let mut state = self.lock();
        let still_ours =
            matches!(state.slots.get(addr), Some(Slot::Connecting { attempt: a, .. }) if *a == attempt);
        if !still_ours {
            return;
        }
        match outcome {
            Ok(connection) => {
                state
                    .slots
                    .retain(|_, slot| !matches!(slot, Slot::Ready(other) if other.is_closed()));
                state
                    .slots
                    .insert(addr.to_owned(), Slot::Ready(connection.clone()));
            }
            Err(_) => {
                state.slots.remove(addr);
            }
        }
    }

    /// Forgets the connection to `addr` and returns it, if it is open.
    pub(crate) fn remove(&self, addr: &str) -> Option<Connection> {
        match self.lock().slots.remove(addr) {
            Some(Slot::Ready(connection)) => Some(connection),
            _ => None,
        }
    }

    /// Forgets every connection and returns the open ones.
    pub(crate) fn take_all(&self) -> Vec<Connection> {
        let slots = std::mem::take(&mut self.lock().slots);
        slots
            .into_values()
            .filter_map(|slot| match slot {
                Slot::Ready(connection) => Some(connection),
                Slot::Connecting { .. } => None,
            })
            .collect()
    }

    /// The open connections.
    pub(crate) fn connections(&self) -> Vec<Connection> {
        self.lock()
            .slots
            .values()
            .filter_map(|slot| match slot {
                Slot::Ready(connection) if !connection.is_closed() => Some(connection.clone()),
                _ => None,
            })
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for ConnectionPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        let mut addrs: Vec<&String> = state.slots.keys().collect();
        addrs.sort();
        f.debug_struct("ConnectionPool").field("addrs", &addrs).finish()
    }
}
