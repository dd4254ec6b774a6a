//! `AllocateMessageQueueAveragely#allocate`: client `index` takes one contiguous block of the queues; when the
//! queues do not divide evenly, the first `queues % clients` clients take one queue more.

use fulmen_protocol::body::MessageQueue;

/// The block of `mq_all` for the client at `index` of `client_count` clients.
pub(super) fn allocate(index: usize, mq_all: &[MessageQueue], client_count: usize) -> Vec<MessageQueue> {
    let queue_count = mq_all.len();
    let remainder = queue_count % client_count;
    let takes_extra = remainder > 0 && index < remainder;
    let average = if queue_count <= client_count {
        1
    } else if takes_extra {
        queue_count / client_count + 1
    } else {
        queue_count / client_count
    };
    let start = if takes_extra {
        index * average
    } else {
        index * average + remainder
    };
    let range = average.min(queue_count.saturating_sub(start));
    mq_all.iter().skip(start).take(range).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids_of(queues: &[MessageQueue]) -> Vec<i32> {
        queues.iter().map(|queue| queue.queue_id).collect()
    }

    #[test]
    fn ten_queues_over_three_clients_give_the_extra_queue_to_the_first() {
        let all: Vec<MessageQueue> = (0..10).map(|id| MessageQueue::new("T", "b", id)).collect();
        assert_eq!(ids_of(&allocate(0, &all, 3)), [0, 1, 2, 3]);
        assert_eq!(ids_of(&allocate(1, &all, 3)), [4, 5, 6]);
        assert_eq!(ids_of(&allocate(2, &all, 3)), [7, 8, 9]);
    }

    #[test]
    fn clients_beyond_the_queue_count_get_nothing() {
        let all: Vec<MessageQueue> = (0..2).map(|id| MessageQueue::new("T", "b", id)).collect();
        assert_eq!(ids_of(&allocate(1, &all, 4)), [1]);
        assert!(allocate(2, &all, 4).is_empty());
        assert!(allocate(3, &all, 4).is_empty());
    }
}
