//! The one way into the store: every message the broker writes (a client's send, a consumer's send-back, a
//! transaction's commit, a delayed message coming due) goes through [`BrokerState::put_message`], where the steps
//! Java runs as put-message hooks (`HookUtils`) apply to all of them alike: the schedule step
//! ([`handle_schedule`]) moves delayed and timer messages to their waiting topics.

use fulmen_store::{BatchToStore, MessageToStore, PutMessageResult, PutMessageStatus};

use crate::schedule::put_hook::{check_batch, handle_schedule};
use crate::state::BrokerState;
use crate::time::now_millis;

impl BrokerState {
    /// Stores one message, after the schedule step (which may move it to `SCHEDULE_TOPIC_XXXX` or
    /// `rmq_sys_wheel_timer`, or refuse it).
    pub(crate) async fn put_message(&self, mut message: MessageToStore) -> PutMessageResult {
        if let Err(status) = handle_schedule(&self.schedule.settings, &mut message, now_millis()) {
            return refused(status);
        }
        self.store_message(message).await
    }

    /// Stores a delayed or timer message that came due. Java removes `DELAY` / `TIMER_*` / `REAL_*` from the
    /// property map its hook reads but still stores them (see [`crate::schedule::time_up`]), so its schedule
    /// hook never converts a due message again; here the schedule step is skipped for the same effect.
    pub(crate) async fn put_due_message(&self, message: MessageToStore) -> PutMessageResult {
        self.store_message(message).await
    }

    /// Stores a batch, all in one queue. Batches are never scheduled: one with a delay level is refused.
    pub(crate) async fn put_messages(&self, batch: BatchToStore) -> PutMessageResult {
        if let Err(status) = check_batch(&batch.template.properties) {
            return refused(status);
        }
        self.store.put_messages(batch).await
    }

    /// The checks every single-message put shares, then the store.
    async fn store_message(&self, message: MessageToStore) -> PutMessageResult {
        self.store.put_message(message).await
    }
}

fn refused(status: PutMessageStatus) -> PutMessageResult {
    PutMessageResult::failed(status, format!("refused by the put hook: {status}"))
}
