//! `AllocateMessageQueueAveragelyByCircle#allocate`: queue `i` of the sorted list goes to the client at index
//! `i % clients`, dealing the queues round like cards.

use fulmen_protocol::body::MessageQueue;

/// Every `client_count`-th queue of `mq_all`, starting at `index`.
pub(super) fn allocate(index: usize, mq_all: &[MessageQueue], client_count: usize) -> Vec<MessageQueue> {
    mq_all.iter().skip(index).step_by(client_count).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queues_are_dealt_round_the_clients() {
        let all: Vec<MessageQueue> = (0..7).map(|id| MessageQueue::new("T", "b", id)).collect();
        let ids = |index| -> Vec<i32> {
            allocate(index, &all, 3)
                .iter()
                .map(|queue| queue.queue_id)
                .collect()
        };
        assert_eq!(ids(0), [0, 3, 6]);
        assert_eq!(ids(1), [1, 4]);
        assert_eq!(ids(2), [2, 5]);
        assert!(allocate(8, &all, 9).is_empty());
    }
}
