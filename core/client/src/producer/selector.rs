//! Sends to a queue of the caller's choice (Java's `send(msg, MessageQueueSelector, arg)` / `sendSelectImpl`):
//! [`QueueSelector`] with the two Java selectors, and [`Producer::send_orderly`], which lands a message with a
//! sharding key on the queue Java's `SelectMessageQueueByHash` picks for that key.

use fulmen_protocol::body::MessageQueue;
use fulmen_protocol::message::java_string_hash_code;
use tokio::time::Instant;

use super::Producer;
use super::response::AttemptError;
use crate::error::{Error, ErrorKind, Result};
use crate::message::Message;
use crate::send_result::SendResult;

/// Picks the queue of a message among the topic's writable queues (Java's `MessageQueueSelector`, with the
/// `arg` captured by the selector). Any `Fn(&[MessageQueue], &Message) -> usize + Send + Sync` is one.
pub trait QueueSelector: Send + Sync {
    /// The index in `queues` to send `message` to; an index out of range fails the send with Java's
    /// "select message queue return null." error.
    fn select(&self, queues: &[MessageQueue], message: &Message) -> usize;
}

impl<F> QueueSelector for F
where
    F: Fn(&[MessageQueue], &Message) -> usize + Send + Sync,
{
    fn select(&self, queues: &[MessageQueue], message: &Message) -> usize {
        self(queues, message)
    }
}

/// Java's `SelectMessageQueueByHash` for a string argument: the queue at [`queue_index_by_hash`] of the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectByHash {
    key: String,
}

impl SelectByHash {
    /// A selector by the hash of `key`.
    pub fn new(key: impl Into<String>) -> Self {
        SelectByHash { key: key.into() }
    }
}

impl QueueSelector for SelectByHash {
    fn select(&self, queues: &[MessageQueue], _message: &Message) -> usize {
        queue_index_by_hash(&self.key, queues.len())
    }
}

/// Java's `SelectMessageQueueByRandom`: any queue, uniformly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SelectByRandom;

impl QueueSelector for SelectByRandom {
    fn select(&self, queues: &[MessageQueue], _message: &Message) -> usize {
        fastrand::usize(..queues.len().max(1))
    }
}

/// The queue index Java's `SelectMessageQueueByHash` picks for the string `key` among `queue_count` queues:
/// Java's `String.hashCode`, `%` (truncating toward zero), then the absolute value. 0 without queues.
pub fn queue_index_by_hash(key: &str, queue_count: usize) -> usize {
    let Ok(count) = i64::try_from(queue_count) else {
        return 0;
    };
    if count == 0 {
        return 0;
    }
    let index = (i64::from(java_string_hash_code(key)) % count).unsigned_abs();
    usize::try_from(index).unwrap_or(0)
}

impl Producer {
    /// The writable queues of `topic` a selector chooses from (Java's `fetchPublishMessageQueues`), looking the
    /// route up first if needed. Host-language bindings run their selectors on this list, then call
    /// [`Producer::send_to_queue`].
    pub async fn publish_queues(&self, topic: &str) -> Result<Vec<MessageQueue>> {
        Ok(self.publish_info(topic).await?.queues.clone())
    }

    /// Sends `message` once to the queue `selector` picks among the topic's writable queues, waiting until the
    /// broker stored it. Like Java, there is no retry on another queue (the choice is the caller's) and the latency
    /// fault tolerance is not consulted.
    pub async fn send_with_selector(
        &self,
        message: Message,
        selector: &impl QueueSelector,
    ) -> Result<SendResult> {
        let started = Instant::now();
        let prepared = self.prepare(&message)?;
        let info = self.publish_info(&message.topic).await?;
        let index = selector.select(&info.queues, &message);
        let queue = info
            .queues
            .get(index)
            .ok_or_else(|| Error::new(ErrorKind::InvalidArgument, "select message queue return null."))?;
        let remaining = (started + self.inner.config.send_timeout).saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(Error::new(ErrorKind::Timeout, "sendSelectImpl call timeout"));
        }
        self.send_to(&prepared, queue, remaining)
            .await
            .map_err(AttemptError::into_error)
    }

    /// Sends a message with a [sharding key](Message::with_sharding_key) to the queue Java's
    /// `SelectMessageQueueByHash` picks for that key, so that Fulmen and Java producers put one key's messages in
    /// one queue, in order. One attempt, as [`Producer::send_with_selector`]. Fails with
    /// [`ErrorKind::InvalidArgument`] when the message has no sharding key.
    pub async fn send_orderly(&self, message: Message) -> Result<SendResult> {
        let key = message
            .sharding_key
            .clone()
            .filter(|key| !key.is_empty())
            .ok_or_else(|| Error::invalid_argument("send_orderly needs a message with a sharding key"))?;
        self.send_with_selector(message, &SelectByHash::new(key)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_selection_matches_javas_vectors() {
        assert_eq!(java_string_hash_code("order-42"), 1_234_255_197);
        assert_eq!(java_string_hash_code("TopicTest"), -1_902_610_879);
        assert_eq!(java_string_hash_code("a"), 97);
        for (key, count, index) in [
            ("order-42", 4, 1),
            ("order-42", 8, 5),
            ("TopicTest", 4, 3),
            ("TopicTest", 8, 7),
            ("a", 4, 1),
            ("a", 8, 1),
            ("", 4, 0),
        ] {
            assert_eq!(queue_index_by_hash(key, count), index, "{key} of {count}");
        }
        assert_eq!(queue_index_by_hash("a", 0), 0);
    }

    #[test]
    fn selectors_pick_within_the_queues() {
        let queues: Vec<_> = (0..8).map(|id| MessageQueue::new("T", "b", id)).collect();
        let message = Message::new("T", &b"x"[..]);
        assert_eq!(SelectByHash::new("order-42").select(&queues, &message), 5);
        assert!(SelectByRandom.select(&queues, &message) < 8);
        let last = |queues: &[MessageQueue], _: &Message| queues.len() - 1;
        assert_eq!(last.select(&queues, &message), 7);
    }
}
