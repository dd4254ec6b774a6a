//! Which half messages the op queue says are finished, and how far the op queue is used up: the `removeMap`,
//! `opMsgMap` and `doneOpOffset` bookkeeping of Java's `TransactionalMessageServiceImpl#check` /
//! `fillOpRemoveMap` / `calculateOpOffset`.

use std::collections::{HashMap, HashSet};

use fulmen_protocol::message::MessageExt;

use super::op_log::finished_offsets;

/// The op records read in one check pass of one half queue.
#[derive(Debug, Default)]
pub(crate) struct OpProgress {
    /// Finished half offsets not yet passed, each with the op record that names it.
    finished: HashMap<i64, i64>,
    /// For each op record, the half offsets it names that were not passed yet.
    pending: HashMap<i64, HashSet<i64>>,
    /// Op records with nothing left to do.
    done: Vec<i64>,
}

impl OpProgress {
    /// The bookkeeping of `records` (op records in queue order) for a half queue checked from `half_offset`:
    /// offsets below it are already passed and ignored.
    pub(crate) fn new(records: &[MessageExt], half_offset: i64) -> Self {
        let mut progress = OpProgress::default();
        for record in records {
            let named: HashSet<i64> = finished_offsets(record)
                .into_iter()
                .filter(|offset| *offset >= half_offset)
                .collect();
            if named.is_empty() {
                progress.done.push(record.queue_offset);
                continue;
            }
            for offset in &named {
                progress.finished.insert(*offset, record.queue_offset);
            }
            progress.pending.insert(record.queue_offset, named);
        }
        progress
    }

    /// Whether the half message at `half_offset` is finished; if so it counts as passed.
    pub(crate) fn take(&mut self, half_offset: i64) -> bool {
        let Some(op_offset) = self.finished.remove(&half_offset) else {
            return false;
        };
        if let Some(named) = self.pending.get_mut(&op_offset) {
            named.remove(&half_offset);
            if named.is_empty() {
                self.pending.remove(&op_offset);
                self.done.push(op_offset);
            }
        }
        true
    }

    /// Whether the first copy of a renewed half message (at `first_offset`, its `TRAN_PREPARED_QUEUE_OFFSET`)
    /// is finished; if so its op record counts as done (Java's `checkPrepareQueueOffset`).
    pub(crate) fn take_first_copy(&mut self, first_offset: i64) -> bool {
        match self.finished.remove(&first_offset) {
            Some(op_offset) => {
                self.done.push(op_offset);
                true
            }
            None => false,
        }
    }

    /// The new op-queue offset: `old` moved past every op record done in an unbroken run from it.
    pub(crate) fn next_op_offset(&mut self, old: i64) -> i64 {
        self.done.sort_unstable();
        let mut next = old;
        for offset in &self.done {
            if *offset == next {
                next += 1;
            } else if *offset > next {
                break;
            }
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::test_support::stored;
    use bytes::Bytes;
    use fulmen_protocol::message::{Properties, keys};

    fn record(queue_offset: i64, body: &'static str) -> MessageExt {
        let mut properties = Properties::new();
        properties.insert(keys::TAGS, "d");
        let body = Bytes::from_static(body.as_bytes());
        stored("RMQ_SYS_TRANS_OP_HALF_TOPIC", queue_offset, properties, body)
    }

    #[test]
    fn op_offset_advances_over_records_whose_half_messages_were_all_passed() {
        let records = [
            record(0, "1,"),
            record(1, "2,3,"),
            record(2, "9,"),
            record(3, "0,"),
        ];
        let mut progress = OpProgress::new(&records, 1);
        // Record 3 names only offset 0, below the half offset: done at once.
        assert!(progress.take(1));
        assert!(!progress.take(1));
        assert!(progress.take(2));
        assert_eq!(progress.next_op_offset(0), 1);
        assert!(progress.take(3));
        assert_eq!(progress.next_op_offset(0), 2);
        assert!(!progress.take(4));
        assert!(progress.take_first_copy(9));
        assert_eq!(progress.next_op_offset(0), 4);
    }
}
