//! The message rewrites of transactions, as pure functions: a prepared send into a half message
//! (`TransactionalMessageBridge#parseHalfMessageInner`), a half message into the committed real message
//! (`EndTransactionProcessor#endMessageTransaction`), the renewed copy a check puts back
//! (`renewHalfMessageInner` / `renewImmunityHalfMessageInner`) and the discarded copy
//! (`DefaultTransactionalMessageCheckListener#toMessageExtBrokerInner`).

use fulmen_protocol::message::{MessageExt, MessageSysFlag, keys};
use fulmen_store::MessageToStore;

use crate::topic_validator::{TRANS_CHECK_MAX_TIME_TOPIC, TRANS_HALF_TOPIC};

/// Whether a send is a half message: `TRAN_MSG` is `true` (any case, Java's `Boolean.parseBoolean`), except for
/// the pre-4.6.1 client quirk Java keeps (a message with both reconsume times and a delay level).
pub(crate) fn is_prepared_send(message: &MessageToStore) -> bool {
    let prepared = message
        .properties
        .get(keys::TRANSACTION_PREPARED)
        .is_some_and(|value| value.eq_ignore_ascii_case("true"));
    let delay_level = message
        .properties
        .get(keys::DELAY_TIME_LEVEL)
        .and_then(|level| level.parse::<i32>().ok())
        .unwrap_or(0);
    prepared && !(message.reconsume_times > 0 && delay_level > 0)
}

/// The half message stored for a prepared send: `__transactionId__` = `UNIQ_KEY` (when present),
/// `REAL_TOPIC` / `REAL_QID` = where it was sent, transaction bits reset to NOT_TYPE, topic
/// `RMQ_SYS_TRANS_HALF_TOPIC`, queue 0. `TRAN_MSG` stays.
pub(crate) fn to_half(mut message: MessageToStore) -> MessageToStore {
    if let Some(uniq_key) = message
        .properties
        .get(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
        .filter(|key| !key.is_empty())
        .map(str::to_owned)
    {
        message.properties.insert(keys::TRANSACTION_ID, uniq_key);
    }
    message
        .properties
        .insert(keys::REAL_TOPIC, std::mem::take(&mut message.topic));
    message
        .properties
        .insert(keys::REAL_QUEUE_ID, message.queue_id.to_string());
    message.sys_flag =
        MessageSysFlag::reset_transaction_value(message.sys_flag, MessageSysFlag::TRANSACTION_NOT_TYPE);
    message.topic = TRANS_HALF_TOPIC.to_owned();
    message.queue_id = 0;
    message
}

/// The queue a half message was sent to (`REAL_TOPIC`, `REAL_QID`), if both are there and the id parses.
pub(crate) fn real_queue(half: &MessageExt) -> Option<(String, i32)> {
    let topic = half.properties.get(keys::REAL_TOPIC)?;
    let queue_id = half.properties.get(keys::REAL_QUEUE_ID)?.parse().ok()?;
    Some((topic.to_owned(), queue_id))
}

/// The real message a commit stores: back in its real queue, the same properties without `REAL_TOPIC`,
/// `REAL_QID` and `TRAN_MSG`, the half's sysFlag with the COMMIT type, and the half's commitlog offset as
/// `preparedTransactionOffset`. `None` when the half message does not name its real queue.
pub(crate) fn committed(half: &MessageExt, prepared_offset: i64) -> Option<MessageToStore> {
    let (topic, queue_id) = real_queue(half)?;
    let mut properties = half.properties.clone();
    properties.remove(keys::REAL_TOPIC);
    properties.remove(keys::REAL_QUEUE_ID);
    properties.remove(keys::TRANSACTION_PREPARED);
    Some(MessageToStore {
        topic,
        queue_id,
        flag: half.flag,
        body: half.body.clone(),
        properties,
        sys_flag: MessageSysFlag::reset_transaction_value(
            half.sys_flag,
            MessageSysFlag::TRANSACTION_COMMIT_TYPE,
        ),
        born_timestamp: half.born_timestamp,
        born_host: half.born_host,
        store_host: half.store_host,
        reconsume_times: half.reconsume_times,
        prepared_transaction_offset: prepared_offset,
    })
}

/// The copy a check puts back at the end of the half queue (`renewHalfMessageInner`). Like Java, the flag and
/// reconsume times are not carried over (they become 0).
pub(crate) fn renewed(half: &MessageExt) -> MessageToStore {
    MessageToStore {
        topic: half.topic.clone(),
        queue_id: half.queue_id,
        flag: 0,
        body: half.body.clone(),
        properties: half.properties.clone(),
        sys_flag: half.sys_flag,
        born_timestamp: half.born_timestamp,
        born_host: half.born_host,
        store_host: half.store_host,
        reconsume_times: 0,
        prepared_transaction_offset: 0,
    }
}

/// The renewed copy of a half message still inside its custom immunity time (`renewImmunityHalfMessageInner`):
/// it remembers the queue offset of the first copy in `TRAN_PREPARED_QUEUE_OFFSET`.
pub(crate) fn renewed_in_immunity(half: &MessageExt) -> MessageToStore {
    let mut copy = renewed(half);
    if !copy.properties.contains(keys::TRANSACTION_PREPARED_QUEUE_OFFSET) {
        copy.properties.insert(
            keys::TRANSACTION_PREPARED_QUEUE_OFFSET,
            half.queue_offset.to_string(),
        );
    }
    copy
}

/// The copy kept in `TRANS_CHECK_MAX_TIME_TOPIC` (queue 0) when a half message is given up on.
pub(crate) fn discarded(half: &MessageExt) -> MessageToStore {
    MessageToStore {
        topic: TRANS_CHECK_MAX_TIME_TOPIC.to_owned(),
        queue_id: 0,
        flag: half.flag,
        reconsume_times: half.reconsume_times,
        ..renewed(half)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::test_support;
    use fulmen_protocol::message::Properties;

    fn sent() -> MessageToStore {
        let mut properties = Properties::new();
        properties.insert(keys::TRANSACTION_PREPARED, "true");
        properties.insert(keys::PRODUCER_GROUP, "PG");
        properties.insert(keys::UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "U1");
        properties.insert("TAGS", "A");
        MessageToStore {
            topic: "Orders".into(),
            queue_id: 3,
            flag: 7,
            body: b"hi".to_vec().into(),
            properties,
            sys_flag: MessageSysFlag::TRANSACTION_PREPARED_TYPE | MessageSysFlag::MULTI_TAGS,
            reconsume_times: 0,
            ..MessageToStore::default()
        }
    }

    fn stored(message: MessageToStore, queue_offset: i64, commit_log_offset: i64) -> MessageExt {
        MessageExt {
            queue_id: message.queue_id,
            flag: message.flag,
            commit_log_offset,
            sys_flag: message.sys_flag,
            reconsume_times: 2,
            ..test_support::stored(&message.topic, queue_offset, message.properties, message.body)
        }
    }

    #[test]
    fn a_prepared_send_becomes_a_half_message_and_a_commit_restores_it() {
        let message = sent();
        assert!(is_prepared_send(&message));
        let half = to_half(message);
        assert_eq!(half.topic, TRANS_HALF_TOPIC);
        assert_eq!(half.queue_id, 0);
        assert_eq!(half.sys_flag, MessageSysFlag::MULTI_TAGS);
        assert_eq!(half.properties.get(keys::REAL_TOPIC), Some("Orders"));
        assert_eq!(half.properties.get(keys::REAL_QUEUE_ID), Some("3"));
        assert_eq!(half.properties.get(keys::TRANSACTION_ID), Some("U1"));
        assert_eq!(half.properties.get(keys::TRANSACTION_PREPARED), Some("true"));

        let commit = committed(&stored(half, 4, 1000), 1000).unwrap();
        assert_eq!((commit.topic.as_str(), commit.queue_id), ("Orders", 3));
        assert_eq!(
            commit.sys_flag,
            MessageSysFlag::MULTI_TAGS | MessageSysFlag::TRANSACTION_COMMIT_TYPE
        );
        assert_eq!(commit.prepared_transaction_offset, 1000);
        assert_eq!((commit.flag, commit.reconsume_times), (7, 2));
        for gone in [keys::REAL_TOPIC, keys::REAL_QUEUE_ID, keys::TRANSACTION_PREPARED] {
            assert!(!commit.properties.contains(gone), "{gone}");
        }
        assert_eq!(commit.properties.get(keys::PRODUCER_GROUP), Some("PG"));
        assert_eq!(commit.properties.get(keys::TRANSACTION_ID), Some("U1"));
    }

    #[test]
    fn not_prepared_when_the_flag_is_not_true_or_for_the_old_client_quirk() {
        let mut message = sent();
        message.properties.insert(keys::TRANSACTION_PREPARED, "TRUE");
        assert!(is_prepared_send(&message));
        message.properties.insert(keys::TRANSACTION_PREPARED, "yes");
        assert!(!is_prepared_send(&message));
        let mut quirk = sent();
        quirk.reconsume_times = 1;
        quirk.properties.insert(keys::DELAY_TIME_LEVEL, "3");
        assert!(!is_prepared_send(&quirk));
    }

    #[test]
    fn renewed_copies_drop_flag_and_reconsume_times_and_remember_the_first_offset() {
        let half = stored(to_half(sent()), 9, 500);
        let copy = renewed(&half);
        assert_eq!((copy.flag, copy.reconsume_times), (0, 0));
        assert_eq!(copy.topic, TRANS_HALF_TOPIC);
        let immune = renewed_in_immunity(&half);
        assert_eq!(
            immune.properties.get(keys::TRANSACTION_PREPARED_QUEUE_OFFSET),
            Some("9")
        );
        let again = renewed_in_immunity(&stored(immune, 12, 900));
        assert_eq!(
            again.properties.get(keys::TRANSACTION_PREPARED_QUEUE_OFFSET),
            Some("9")
        );
        let dropped = discarded(&half);
        assert_eq!(
            (dropped.topic.as_str(), dropped.queue_id),
            (TRANS_CHECK_MAX_TIME_TOPIC, 0)
        );
        assert_eq!(dropped.properties.get(keys::REAL_TOPIC), Some("Orders"));
        assert!(committed(&stored(MessageToStore::default(), 0, 0), 0).is_none());
    }
}
