//! The well-known message property names (Java's `MessageConst`) and the separators of the properties string.

/// Separates a property's name from its value (char 1).
pub const NAME_VALUE_SEPARATOR: char = '\u{1}';
/// Follows every property, the last one included (char 2).
pub const PROPERTY_SEPARATOR: char = '\u{2}';
/// Separates the business keys inside the [`KEYS`] property.
pub const KEY_SEPARATOR: &str = " ";

/// Business keys, separated by [`KEY_SEPARATOR`]; the broker indexes them.
pub const KEYS: &str = "KEYS";
/// The message tag; its hash goes into the consume queue.
pub const TAGS: &str = "TAGS";
/// `"true"`/`"false"`: whether the producer waits for the store to be flushed (true when absent).
pub const WAIT_STORE_MSG_OK: &str = "WAIT";
/// Delay level 1..=18 (`-1` marks a message sent to the DLQ).
pub const DELAY_TIME_LEVEL: &str = "DELAY";
/// The original topic of a retried message.
pub const RETRY_TOPIC: &str = "RETRY_TOPIC";
/// The original topic of a delayed, timer or transactional half message.
pub const REAL_TOPIC: &str = "REAL_TOPIC";
/// The original queue id of a delayed, timer or transactional half message.
pub const REAL_QUEUE_ID: &str = "REAL_QID";
/// `"true"` on a transactional half message.
pub const TRANSACTION_PREPARED: &str = "TRAN_MSG";
/// The producer group, needed to check back a transaction.
pub const PRODUCER_GROUP: &str = "PGROUP";
/// The queue's minimum offset, set by the client from the pull response.
pub const MIN_OFFSET: &str = "MIN_OFFSET";
/// The queue's maximum offset, set by the client from the pull response.
pub const MAX_OFFSET: &str = "MAX_OFFSET";
/// Legacy.
pub const BUYER_ID: &str = "BUYER_ID";
/// The first message id of a retried message.
pub const ORIGIN_MESSAGE_ID: &str = "ORIGIN_MESSAGE_ID";
/// Legacy.
pub const TRANSFER_FLAG: &str = "TRANSFER_FLAG";
/// Legacy.
pub const CORRECTION_FLAG: &str = "CORRECTION_FLAG";
/// Legacy.
pub const MQ2_FLAG: &str = "MQ2_FLAG";
/// The reconsume count carried when a client re-sends a message to the retry topic.
pub const RECONSUME_TIME: &str = "RECONSUME_TIME";
/// The region of the message.
pub const MSG_REGION: &str = "MSG_REGION";
/// The trace switch.
pub const TRACE_SWITCH: &str = "TRACE_ON";
/// The client message id (see [`crate::msgid::ClientMessageId`]), what users see as the message id.
pub const UNIQ_CLIENT_MESSAGE_ID_KEYIDX: &str = "UNIQ_KEY";
/// Extra uniqueness information.
pub const EXTEND_UNIQ_INFO: &str = "EXTEND_UNIQ_INFO";
/// The retry limit carried on retried messages.
pub const MAX_RECONSUME_TIMES: &str = "MAX_RECONSUME_TIMES";
/// Set by the client when consumption starts.
pub const CONSUME_START_TIMESTAMP: &str = "CONSUME_START_TIME";
/// Inner-batch bookkeeping: the number of messages.
pub const INNER_NUM: &str = "INNER_NUM";
/// Inner-batch bookkeeping: the base queue offset.
pub const INNER_BASE: &str = "INNER_BASE";
/// Duplicate information.
pub const DUP_INFO: &str = "DUP_INFO";
/// Seconds during which a transaction is not checked back.
pub const CHECK_IMMUNITY_TIME_IN_SECONDS: &str = "CHECK_IMMUNITY_TIME_IN_SECONDS";
/// Transaction internals: the queue offset of the half message.
pub const TRANSACTION_PREPARED_QUEUE_OFFSET: &str = "TRAN_PREPARED_QUEUE_OFFSET";
/// Transaction internals: the transaction id.
pub const TRANSACTION_ID: &str = "__transactionId__";
/// Transaction internals: how many times the transaction was checked back.
pub const TRANSACTION_CHECK_TIMES: &str = "TRANSACTION_CHECK_TIMES";
/// The namespace instance.
pub const INSTANCE_ID: &str = "INSTANCE_ID";
/// Request-reply: the correlation id.
pub const CORRELATION_ID: &str = "CORRELATION_ID";
/// Request-reply: the client id the reply goes to.
pub const MESSAGE_REPLY_TO_CLIENT: &str = "REPLY_TO_CLIENT";
/// Request-reply: the request's time to live.
pub const MESSAGE_TTL: &str = "TTL";
/// Request-reply: when the reply arrived.
pub const REPLY_MESSAGE_ARRIVE_TIME: &str = "ARRIVE_TIME";
/// Request-reply: when the reply was pushed.
pub const PUSH_REPLY_TIME: &str = "PUSH_REPLY_TIME";
/// The broker cluster name, added by the broker on store.
pub const CLUSTER: &str = "CLUSTER";
/// The message type; [`MESSAGE_TYPE_REPLY`] for a reply.
pub const MESSAGE_TYPE: &str = "MSG_TYPE";
/// The value of [`MESSAGE_TYPE`] on a reply message (Java's `MixAll.REPLY_MESSAGE_FLAG`).
pub const MESSAGE_TYPE_REPLY: &str = "reply";
/// POP checkpoint information.
pub const POP_CK: &str = "POP_CK";
/// POP checkpoint offset.
pub const POP_CK_OFFSET: &str = "POP_CK_OFFSET";
/// When the message was first popped.
pub const FIRST_POP_TIME: &str = "1ST_POP_TIME";
/// The sharding key (the message group of 5.x FIFO messages).
pub const SHARDING_KEY: &str = "__SHARDINGKEY";
/// Forwarding: the queue id.
pub const FORWARD_QUEUE_ID: &str = "PROPERTY_FORWARD_QUEUE_ID";
/// Forwarding: the redirect marker.
pub const REDIRECT: &str = "REDIRECT";
/// Light message queue multi-dispatch: the target queues, comma separated.
pub const INNER_MULTI_DISPATCH: &str = "INNER_MULTI_DISPATCH";
/// Light message queue multi-dispatch: the queue offsets, comma separated.
pub const INNER_MULTI_QUEUE_OFFSET: &str = "INNER_MULTI_QUEUE_OFFSET";
/// The trace context.
pub const TRACE_CONTEXT: &str = "TRACE_CONTEXT";
/// 5.x arbitrary delay, in seconds (set by the client).
pub const TIMER_DELAY_SEC: &str = "TIMER_DELAY_SEC";
/// 5.x arbitrary delay, as the delivery time in ms (set by the client).
pub const TIMER_DELIVER_MS: &str = "TIMER_DELIVER_MS";
/// 5.x arbitrary delay, in ms (set by the client).
pub const TIMER_DELAY_MS: &str = "TIMER_DELAY_MS";
/// Timer-wheel internals.
pub const TIMER_ENQUEUE_MS: &str = "TIMER_ENQUEUE_MS";
/// Timer-wheel internals.
pub const TIMER_DEQUEUE_MS: &str = "TIMER_DEQUEUE_MS";
/// Timer-wheel internals.
pub const TIMER_ROLL_TIMES: &str = "TIMER_ROLL_TIMES";
/// Timer-wheel internals.
pub const TIMER_OUT_MS: &str = "TIMER_OUT_MS";
/// Timer-wheel internals.
pub const TIMER_DEL_UNIQKEY: &str = "TIMER_DEL_UNIQKEY";
/// Timer-wheel internals.
pub const TIMER_DELAY_LEVEL: &str = "TIMER_DELAY_LEVEL";
/// The born host preserved by a proxy.
pub const BORN_HOST: &str = "__BORNHOST";
/// The born timestamp preserved by a proxy.
pub const BORN_TIMESTAMP: &str = "BORN_TIMESTAMP";
/// The CRC the broker may append as the last property (see REMOTING.md §5.1).
pub const CRC32: &str = "__CRC32#";
/// DLQ provenance: the original topic.
pub const DLQ_ORIGIN_TOPIC: &str = "DLQ_ORIGIN_TOPIC";
/// DLQ provenance: the original message id.
pub const DLQ_ORIGIN_MESSAGE_ID: &str = "DLQ_ORIGIN_MESSAGE_ID";

/// Properties whose name starts with this prefix are never stored by the broker.
pub const TRANSIENT_PREFIX: &str = "__RMQ.TRANSIENT.";
/// Transient: the topic's sysFlag, set by the client when pulling.
pub const TRANSIENT_TOPIC_CONFIG: &str = "__RMQ.TRANSIENT.TOPIC_SYS_FLAG";
/// Transient: the group's sysFlag, set by the client when pulling.
pub const TRANSIENT_GROUP_CONFIG: &str = "__RMQ.TRANSIENT.GROUP_SYS_FLAG";

/// The names reserved for the system (Java's `MessageConst.STRING_HASH_SET`): a Java client refuses them as user
/// properties.
pub const SYSTEM_KEYS: &[&str] = &[
    TRACE_SWITCH,
    MSG_REGION,
    KEYS,
    TAGS,
    WAIT_STORE_MSG_OK,
    DELAY_TIME_LEVEL,
    RETRY_TOPIC,
    REAL_TOPIC,
    REAL_QUEUE_ID,
    TRANSACTION_PREPARED,
    PRODUCER_GROUP,
    MIN_OFFSET,
    MAX_OFFSET,
    BUYER_ID,
    ORIGIN_MESSAGE_ID,
    TRANSFER_FLAG,
    CORRECTION_FLAG,
    MQ2_FLAG,
    RECONSUME_TIME,
    UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
    MAX_RECONSUME_TIMES,
    CONSUME_START_TIMESTAMP,
    POP_CK,
    POP_CK_OFFSET,
    FIRST_POP_TIME,
    TRANSACTION_PREPARED_QUEUE_OFFSET,
    DUP_INFO,
    EXTEND_UNIQ_INFO,
    INSTANCE_ID,
    CORRELATION_ID,
    MESSAGE_REPLY_TO_CLIENT,
    MESSAGE_TTL,
    REPLY_MESSAGE_ARRIVE_TIME,
    PUSH_REPLY_TIME,
    CLUSTER,
    MESSAGE_TYPE,
    INNER_MULTI_QUEUE_OFFSET,
    TIMER_DELAY_MS,
    TIMER_DELAY_SEC,
    TIMER_DELIVER_MS,
    TIMER_ENQUEUE_MS,
    TIMER_DEQUEUE_MS,
    TIMER_ROLL_TIMES,
    TIMER_OUT_MS,
    TIMER_DEL_UNIQKEY,
    TIMER_DELAY_LEVEL,
    BORN_HOST,
    BORN_TIMESTAMP,
    DLQ_ORIGIN_TOPIC,
    DLQ_ORIGIN_MESSAGE_ID,
    CRC32,
];

/// Whether `name` is reserved for the system (one of [`SYSTEM_KEYS`]).
pub fn is_system_key(name: &str) -> bool {
    SYSTEM_KEYS.contains(&name)
}

/// Whether the broker drops the property `name` when storing (it starts with [`TRANSIENT_PREFIX`]).
pub fn is_transient(name: &str) -> bool {
    name.starts_with(TRANSIENT_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_transient_names() {
        assert_eq!(SYSTEM_KEYS.len(), 51);
        assert!(is_system_key("UNIQ_KEY"));
        assert!(!is_system_key("myKey"));
        assert!(!is_system_key(INNER_MULTI_DISPATCH), "not in Java's set either");
        assert!(is_transient(TRANSIENT_TOPIC_CONFIG));
        assert!(TRANSIENT_GROUP_CONFIG.starts_with(TRANSIENT_PREFIX));
    }
}
