//! The listener a push consumer calls: [`MessageListener::on_messages`] gets a batch of messages and answers with a
//! [`ConsumeResult`]. It is async: implement the trait, or pass any closure `Fn(Vec<MessageView>) -> impl Future<
//! Output = ConsumeResult>` (a blanket impl covers it).
//!
//! ```
//! use fulmen_client::{ConsumeResult, MessageListener, MessageView};
//!
//! let listener = |messages: Vec<MessageView>| async move {
//!     for message in &messages {
//!         println!("{} {:?}", message.msg_id, message.body);
//!     }
//!     ConsumeResult::Success
//! };
//! fn takes(_: impl MessageListener) {}
//! takes(listener);
//! ```

use std::future::Future;
use std::pin::Pin;

use crate::message_view::MessageView;

/// What a listener call did with its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsumeResult {
    /// Every message is consumed (`CONSUME_SUCCESS` / orderly `SUCCESS`).
    Success,
    /// None is: deliver them again later (`RECONSUME_LATER`; for an orderly consumer
    /// `SUSPEND_CURRENT_QUEUE_A_MOMENT`: the queue pauses and the same messages come again).
    ReconsumeLater,
}

/// The future a listener returns.
pub type ConsumeFuture = Pin<Box<dyn Future<Output = ConsumeResult> + Send + 'static>>;

/// Consumes the messages a push consumer delivers.
///
/// A concurrent consumer calls it for up to `consume_thread_min` batches at once, each of at most
/// `consume_message_batch_max_size` messages. An orderly consumer calls it for one queue at a time, in queue
/// order. A listener that panics or exceeds `consume_timeout` counts as [`ConsumeResult::ReconsumeLater`]. Messages
/// of the retry topic are shown with their original topic.
pub trait MessageListener: Send + Sync + 'static {
    /// Consumes `messages`.
    fn on_messages(&self, messages: Vec<MessageView>) -> ConsumeFuture;
}

impl<F, Fut> MessageListener for F
where
    F: Fn(Vec<MessageView>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ConsumeResult> + Send + 'static,
{
    fn on_messages(&self, messages: Vec<MessageView>) -> ConsumeFuture {
        Box::pin(self(messages))
    }
}
