//! Reading the broker's own system queues (half and op messages) from the store, the way Java's
//! `TransactionalMessageBridge#getHalfMessage` / `getOpMessage` pull them for `CID_RMQ_SYS_TRANS`.

use fulmen_protocol::message::{MessageExt, decode_all};
use fulmen_store::GetMessageStatus;

use crate::state::BrokerState;

/// Messages read from a queue and where the next read starts.
#[derive(Debug, Default)]
pub(crate) struct QueueRead {
    /// The messages, in queue order (each with its queue offset).
    pub(crate) messages: Vec<MessageExt>,
    /// The offset after the last entry looked at.
    pub(crate) next_offset: i64,
}

/// Reads up to `max_count` messages of `topic`/`queue_id` from `offset`. A read error or an undecodable unit
/// ends the read early (logged); the offsets it reports stay usable.
pub(crate) fn read(
    state: &BrokerState,
    topic: &str,
    queue_id: i32,
    offset: i64,
    max_count: usize,
) -> QueueRead {
    let mut read = QueueRead {
        messages: Vec::new(),
        next_offset: offset,
    };
    // Each store read is capped (maxTransferCountOnMessageInMemory); the cap on rounds keeps this bounded.
    for _ in 0..max_count {
        if read.messages.len() >= max_count {
            break;
        }
        let wanted = max_count - read.messages.len();
        let result =
            match state
                .store
                .get_messages(topic, queue_id, read.next_offset, wanted, usize::MAX, None)
            {
                Ok(result) => result,
                Err(error) => {
                    tracing::error!(%error, topic, queue_id, "reading a transaction queue failed");
                    break;
                }
            };
        let moved = result.next_begin_offset != read.next_offset;
        read.next_offset = result.next_begin_offset;
        if result.status == GetMessageStatus::Found {
            match decode_all(&result.messages) {
                Ok(messages) => read.messages.extend(messages),
                Err(error) => {
                    tracing::error!(%error, topic, queue_id, "a transaction queue holds an undecodable unit");
                    break;
                }
            }
        }
        let stop = matches!(
            result.status,
            GetMessageStatus::OffsetOverflowOne
                | GetMessageStatus::OffsetOverflowBadly
                | GetMessageStatus::NoMessageInQueue
                | GetMessageStatus::NoMatchedLogicQueue
        );
        if stop || !moved {
            break;
        }
    }
    read
}
