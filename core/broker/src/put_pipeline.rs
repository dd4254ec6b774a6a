//! The one way into the store: every message the broker writes (a client's send, a consumer's send-back, a
//! transaction's commit, a delayed message coming due) goes through [`BrokerState::put_message`], where the steps
//! Java runs as put-message hooks (`HookUtils`: the schedule and timer conversion) will apply to all of them alike.

use fulmen_store::{BatchToStore, MessageToStore, PutMessageResult};

use crate::state::BrokerState;

impl BrokerState {
    /// Stores one message.
    pub(crate) async fn put_message(&self, message: MessageToStore) -> PutMessageResult {
        self.store.put_message(message).await
    }

    /// Stores a batch, all in one queue.
    pub(crate) async fn put_messages(&self, batch: BatchToStore) -> PutMessageResult {
        self.store.put_messages(batch).await
    }
}
