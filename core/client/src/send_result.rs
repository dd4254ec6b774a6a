//! [`SendResult`] and [`SendStatus`]: what a successful send returns, printed exactly like Java's
//! `SendResult.toString()` (5.3.x, with `recallHandle`).

use std::fmt;

use fulmen_protocol::body::MessageQueue;

/// How the broker stored a sent message. Every status but [`SendStatus::SendOk`] still means the message is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendStatus {
    /// Stored (and flushed / replicated as the broker is configured to).
    SendOk,
    /// Stored, but the synchronous flush timed out.
    FlushDiskTimeout,
    /// Stored, but the synchronous replication to the slave timed out.
    FlushSlaveTimeout,
    /// Stored, but no slave was available for synchronous replication.
    SlaveNotAvailable,
}

impl SendStatus {
    /// The Java enum name (`SEND_OK`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            SendStatus::SendOk => "SEND_OK",
            SendStatus::FlushDiskTimeout => "FLUSH_DISK_TIMEOUT",
            SendStatus::FlushSlaveTimeout => "FLUSH_SLAVE_TIMEOUT",
            SendStatus::SlaveNotAvailable => "SLAVE_NOT_AVAILABLE",
        }
    }
}

impl fmt::Display for SendStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The outcome of a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendResult {
    /// How the broker stored the message.
    pub status: SendStatus,
    /// The client message id (`UNIQ_KEY`) the producer gave the message.
    pub msg_id: String,
    /// The broker's offset message id (store host + commit-log offset).
    pub offset_msg_id: String,
    /// The queue the message went to.
    pub queue: MessageQueue,
    /// The message's offset in that queue.
    pub queue_offset: i64,
    /// The transaction id the broker reported, if any.
    pub transaction_id: Option<String>,
    /// The handle to recall a delayed message with (5.3 brokers), if any.
    pub recall_handle: Option<String>,
}

impl fmt::Display for SendResult {
    /// `SendResult [sendStatus=SEND_OK, msgId=..., offsetMsgId=..., messageQueue=MessageQueue [topic=...,
    /// brokerName=..., queueId=...], queueOffset=..., recallHandle=null]`, as Java 5.3 prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SendResult [sendStatus={}, msgId={}, offsetMsgId={}, messageQueue={}, queueOffset={}, recallHandle={}]",
            self.status,
            self.msg_id,
            self.offset_msg_id,
            self.queue,
            self.queue_offset,
            self.recall_handle.as_deref().unwrap_or("null"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_java() {
        let result = SendResult {
            status: SendStatus::SendOk,
            msg_id: "7F000001A3E530F399910F2AB16903E1".into(),
            offset_msg_id: "C0A8BF8700002A9F000000000002E858".into(),
            queue: MessageQueue::new("TopicTest", "broker-a", 1),
            queue_offset: 42,
            transaction_id: None,
            recall_handle: None,
        };
        assert_eq!(
            result.to_string(),
            "SendResult [sendStatus=SEND_OK, msgId=7F000001A3E530F399910F2AB16903E1, \
             offsetMsgId=C0A8BF8700002A9F000000000002E858, messageQueue=MessageQueue [topic=TopicTest, \
             brokerName=broker-a, queueId=1], queueOffset=42, recallHandle=null]"
        );
        assert_eq!(SendStatus::FlushSlaveTimeout.to_string(), "FLUSH_SLAVE_TIMEOUT");
    }
}
