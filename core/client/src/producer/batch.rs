//! Batch send (Java's `DefaultMQProducer.send(Collection<Message>)`: `batch()` and
//! `MessageBatch.generateFromList`): the checks, one id per message plus one for the batch, the encoded body
//! checked against the size limit, then the synchronous send loop with its retries.

use tokio::time::Instant;

use super::Producer;
use super::request::PreparedMessage;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::send_result::SendResult;
use crate::validation::check_message;

/// The topic prefix of retry topics (`MixAll.RETRY_GROUP_TOPIC_PREFIX`).
const RETRY_TOPIC_PREFIX: &str = "%RETRY%";

impl Producer {
    /// Sends `messages`, all of one topic, in one SEND_BATCH_MESSAGE request to one queue, with the retries of
    /// [`Producer::send`]. The result's [`msg_id`](SendResult::msg_id) lists the messages' ids joined with `,`
    /// (as Java's), its queue offset is the first message's.
    ///
    /// Refused with [`crate::ErrorKind::InvalidArgument`] and Java's "Failed to initiate the MessageBatch" text
    /// when the list is empty, when a message has a delay level, is for a `%RETRY%` topic, or differs from the first
    /// in topic or `wait_store_msg_ok`, when a message fails the checks of a single send, and when the encoded
    /// batch is larger than [`crate::ProducerConfig::max_message_size`]. Batches are never compressed.
    pub async fn send_batch(&self, messages: Vec<Message>) -> Result<SendResult> {
        let started = Instant::now();
        self.inner.instance.ensure_open()?;
        let prepared = self.prepare_batch(&messages)?;
        check_message(
            &Message::new(prepared.topic.clone(), prepared.body.clone()),
            self.inner.config.max_message_size,
        )?;
        let info = self.publish_info(&prepared.topic).await?;
        self.send_with_retries(&prepared, &info, started).await
    }

    fn prepare_batch(&self, messages: &[Message]) -> Result<PreparedMessage> {
        let failed = |cause: &dyn std::fmt::Display| {
            Error::invalid_argument(format!("Failed to initiate the MessageBatch: {cause}"))
        };
        check_batch(messages).map_err(|cause| failed(&cause))?;
        let mut ids = Vec::with_capacity(messages.len());
        for message in messages {
            check_message(message, self.inner.config.max_message_size)
                .map_err(|error| failed(&error.message()))?;
            ids.push(self.inner.ids.next_id(crate::instance::identity::unix_millis()));
        }
        let batch_id = self.inner.ids.next_id(crate::instance::identity::unix_millis());
        PreparedMessage::batch(messages, &ids, batch_id)
    }
}

/// `MessageBatch.generateFromList`'s checks, with its texts.
fn check_batch(messages: &[Message]) -> std::result::Result<(), &'static str> {
    let Some(first) = messages.first() else {
        return Err("a batch needs at least one message");
    };
    for message in messages {
        if message.delay_level.is_some_and(|level| level > 0) {
            return Err("TimeDelayLevel is not supported for batching");
        }
        if message.topic.starts_with(RETRY_TOPIC_PREFIX) {
            return Err("Retry Group is not supported for batching");
        }
        if message.topic != first.topic {
            return Err("The topic of the messages in one batch should be the same");
        }
        if message.wait_store_msg_ok != first.wait_store_msg_ok {
            return Err("The waitStoreMsgOK of the messages in one batch should the same");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str) -> Message {
        Message::new(topic, &b"x"[..])
    }

    #[test]
    fn batches_follow_javas_rules() {
        assert!(check_batch(&[message("T"), message("T")]).is_ok());
        assert!(check_batch(&[]).is_err());
        assert_eq!(
            check_batch(&[message("T"), message("U")]),
            Err("The topic of the messages in one batch should be the same")
        );
        assert_eq!(
            check_batch(&[message("T"), message("T").with_delay_level(2)]),
            Err("TimeDelayLevel is not supported for batching")
        );
        assert!(check_batch(&[message("T").with_delay_level(0)]).is_ok());
        assert_eq!(
            check_batch(&[message("%RETRY%G")]),
            Err("Retry Group is not supported for batching")
        );
        assert_eq!(
            check_batch(&[message("T"), message("T").with_wait_store_msg_ok(false)]),
            Err("The waitStoreMsgOK of the messages in one batch should the same")
        );
    }
}
