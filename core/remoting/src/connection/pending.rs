//! `PendingTable`: the requests sent on one connection that still wait for their response, keyed by opaque.
//!
//! The reader completes entries as responses arrive; a caller that gives up (timeout, cancellation) removes its own
//! entry through a [`PendingSlot`]; when the connection closes every entry fails at once with the same error, and
//! later registrations fail immediately.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{Mutex, MutexGuard, PoisonError};

use fulmen_protocol::RemotingCommand;
use tokio::sync::oneshot;

use super::opaque::OpaqueSequence;
use crate::error::{RemotingError, Result};

/// Where a waiting caller receives its response, or the error that closed the connection.
pub(crate) type ResponseReceiver = oneshot::Receiver<Result<RemotingCommand>>;
type ResponseSender = oneshot::Sender<Result<RemotingCommand>>;

/// The waiting requests of one connection.
#[derive(Debug, Default)]
pub(crate) struct PendingTable {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    waiters: HashMap<i32, ResponseSender>,
    /// Set once, when the connection closes: the error every later caller gets.
    closed: Option<RemotingError>,
}

impl PendingTable {
    /// Takes the next free opaque from `opaques` and registers a waiter for it.
    pub(crate) fn register(&self, opaques: &OpaqueSequence) -> Result<PendingSlot<'_>> {
        let mut state = self.lock();
        if let Some(error) = &state.closed {
            return Err(error.clone());
        }
        let (sender, receiver) = oneshot::channel();
        // An id can only still be taken after the sequence wrapped around with that request still waiting.
        loop {
            let opaque = opaques.next();
            if let Entry::Vacant(entry) = state.waiters.entry(opaque) {
                entry.insert(sender);
                return Ok(PendingSlot {
                    table: self,
                    opaque,
                    receiver: Some(receiver),
                });
            }
        }
    }

    /// Hands `response` to the caller waiting for its opaque; `false` when nobody waits any more.
    pub(crate) fn complete(&self, response: RemotingCommand) -> bool {
        let waiter = self.lock().waiters.remove(&response.opaque);
        match waiter {
            Some(waiter) => waiter.send(Ok(response)).is_ok(),
            None => false,
        }
    }

    /// Fails every waiting caller with `error` and refuses new ones. Only the first call has an effect; it
    /// returns whether this call was that one.
    pub(crate) fn close(&self, error: RemotingError) -> bool {
        let waiters = {
            let mut state = self.lock();
            if state.closed.is_some() {
                return false;
            }
            state.closed = Some(error.clone());
            std::mem::take(&mut state.waiters)
        };
        for waiter in waiters.into_values() {
            let _ = waiter.send(Err(error.clone()));
        }
        true
    }

    /// The error the connection closed with, if it has.
    pub(crate) fn close_error(&self) -> Option<RemotingError> {
        self.lock().closed.clone()
    }

    /// How many callers wait for a response.
    pub(crate) fn len(&self) -> usize {
        self.lock().waiters.len()
    }

    fn forget(&self, opaque: i32) {
        self.lock().waiters.remove(&opaque);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One registered request. Dropping it removes the entry, so a caller that times out or is cancelled leaves
/// nothing behind.
#[derive(Debug)]
pub(crate) struct PendingSlot<'a> {
    table: &'a PendingTable,
    opaque: i32,
    receiver: Option<ResponseReceiver>,
}

impl PendingSlot<'_> {
    /// The opaque to put on the request.
    pub(crate) fn opaque(&self) -> i32 {
        self.opaque
    }

    /// Takes the receiver of the response (once).
    pub(crate) fn take_receiver(&mut self) -> Option<ResponseReceiver> {
        self.receiver.take()
    }
}

impl Drop for PendingSlot<'_> {
    fn drop(&mut self) {
        self.table.forget(self.opaque);
    }
}

#[cfg(test)]
mod tests {
    use fulmen_protocol::ResponseCode;

    use super::*;

    fn response(opaque: i32) -> RemotingCommand {
        RemotingCommand::response(ResponseCode::SUCCESS, None).with_opaque(opaque)
    }

    #[test]
    fn responses_reach_their_caller_and_dropped_slots_are_forgotten() {
        let table = PendingTable::default();
        let opaques = OpaqueSequence::default();
        let mut first = table.register(&opaques).unwrap();
        let second = table.register(&opaques).unwrap();
        assert_eq!((first.opaque(), second.opaque()), (0, 1));
        assert_eq!(table.len(), 2);

        let mut receiver = first.take_receiver().unwrap();
        assert!(table.complete(response(0)));
        assert_eq!(receiver.try_recv().unwrap().unwrap().opaque, 0);
        drop(second);
        assert_eq!(table.len(), 0);
        assert!(!table.complete(response(1)));
    }

    #[test]
    fn closing_fails_everyone_once_and_refuses_newcomers() {
        let table = PendingTable::default();
        let opaques = OpaqueSequence::default();
        let mut slot = table.register(&opaques).unwrap();
        let mut receiver = slot.take_receiver().unwrap();
        assert!(table.close(RemotingError::connection_closed("peer", "gone")));
        assert!(!table.close(RemotingError::connection_closed("peer", "again")));
        assert!(
            receiver
                .try_recv()
                .unwrap()
                .unwrap_err()
                .to_string()
                .ends_with("gone")
        );
        assert!(
            table
                .register(&opaques)
                .unwrap_err()
                .to_string()
                .ends_with("gone")
        );
    }
}
