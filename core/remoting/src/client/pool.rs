//! `ConnectionPool`: at most one connection per address. Callers arriving while a connect is under way share it;
//! a failed connect is forgotten, and a closed connection is replaced on next use.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use crate::connection::Connection;
use crate::error::Result;

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
    pub(crate) async fn get_or_connect(
        &self,
        addr: &str,
        connect: impl FnOnce() -> BoxFuture<'static, Result<Connection>>,
    ) -> Result<Connection> {
        let (attempt, pending_connect) = {
            let mut state = self.lock();
            match state.slots.get(addr) {
                Some(Slot::Ready(connection)) if !connection.is_closed() => return Ok(connection.clone()),
                Some(Slot::Connecting { attempt, connect }) => (*attempt, connect.clone()),
                _ => {
                    state.next_attempt += 1;
                    let attempt = state.next_attempt;
                    let shared = connect().shared();
                    state.slots.insert(
                        addr.to_owned(),
                        Slot::Connecting {
                            attempt,
                            connect: shared.clone(),
                        },
                    );
                    (attempt, shared)
                }
            }
        };
        let outcome = pending_connect.await;
        let mut state = self.lock();
        let still_ours =
            matches!(state.slots.get(addr), Some(Slot::Connecting { attempt: a, .. }) if *a == attempt);
        if still_ours {
            match &outcome {
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
        outcome
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
