package fulmen.interop;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.compression.CompressionType;
import org.apache.rocketmq.common.compression.CompressorFactory;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageBatch;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExtBatch;
import org.apache.rocketmq.common.message.MessageExtBrokerInner;
import org.apache.rocketmq.common.sysflag.MessageSysFlag;
import org.apache.rocketmq.common.topic.TopicValidator;

/**
 * Category {@code message/}: stored message units (commitlog layout, pull/query/view bodies) written by the
 * broker's {@code MessageExtEncoder} through {@link CommitLogUnits}. Every v1 unit without a CRC property is also
 * encoded with the client-side {@code MessageDecoder.encode(msg, false)}; generation fails if the two differ.
 */
public final class MessageVectors implements VectorSource {
    private static final String CATEGORY = "message";
    private static final String STORE_SOURCE = "org.apache.rocketmq.store.MessageExtEncoder#encode(MessageExtBrokerInner)"
        + " + the offsets/store timestamp CommitLog.DefaultAppendMessageCallback#doAppend writes";

    @Override
    public List<Vector> vectors() throws Exception {
        List<Vector> vectors = new ArrayList<>();
        vectors.add(unit("ipv4_basic", "IPv4 born and store hosts; TAGS, KEYS (two keys), WAIT, UNIQ_KEY and the"
            + " broker's CLUSTER property; commitlog offset 190552", MessageFixtures.basic(Fixtures.UNIQ_KEY, 3, 100),
            190552L, false));
        vectors.add(unit("ipv4_properties", "a delayed message as the broker stores it: topic SCHEDULE_TOPIC_XXXX,"
            + " queue = level - 1, DELAY/REAL_TOPIC/REAL_QID, WAIT=false, three KEYS (one non-ASCII), user"
            + " properties with non-ASCII values, flag 7", delayed(), 4096L, false));
        vectors.add(unit("ipv6_hosts", "IPv6 born host and IPv6 store host (sysFlag 0x30: BORNHOST_V6 |"
            + " STOREHOSTADDRESS_V6); commitlog offset in the second 1 GiB file", ipv6(true), 1073741824L + 256, false));
        vectors.add(unit("ipv6_born_ipv4_store", "IPv6 born host, IPv4 store host (sysFlag 0x10)", ipv6(false),
            5000000000L, false));
        vectors.add(compressed("compressed_zlib", CompressionType.ZLIB));
        vectors.add(compressed("compressed_lz4", CompressionType.LZ4));
        vectors.add(compressed("compressed_zstd", CompressionType.ZSTD));
        vectors.add(unit("long_topic_v2", "a 200-character topic: CommitLog switches to MESSAGE_VERSION_V2"
            + " (magic 0xDAA320AB, 2-byte topic length)", longTopic(), 8192L, false));
        vectors.add(unit("transaction_half", "a transactional half message as stored: topic RMQ_SYS_TRANS_HALF_TOPIC"
            + " queue 0, REAL_TOPIC/REAL_QID/TRAN_MSG/PGROUP/__transactionId__, transaction bits reset to 0",
            half(), 12288L, false));
        vectors.add(unit("transaction_commit", "the committed copy written by END_TRANSACTION: sysFlag 0x8"
            + " (TRANSACTION_COMMIT_TYPE), preparedTransactionOffset = the half message's commitlog offset",
            commit(), 16384L, false));
        vectors.add(unit("retry_topic", "a consumer retry as stored in %RETRY%CG: reconsumeTimes 2, RETRY_TOPIC,"
            + " ORIGIN_MESSAGE_ID, MAX_RECONSUME_TIMES", retry(), 20480L, false));
        vectors.add(unit("crc32_property", "enabledAppendPropCRC=true: doAppend appends __CRC32# with the CRC32 of"
            + " the unit before it, written least significant digit first",
            MessageFixtures.basic(Fixtures.UNIQ_KEY, 3, 100), 190552L, true));
        vectors.add(unit("empty_properties", "edge case: no properties at all (properties length 0, Java decodes"
            + " properties as null)", emptyProperties(), 0L, false));
        vectors.add(pullBody());
        vectors.add(storedBatch());
        return vectors;
    }

    private Vector unit(String name, String description, MessageExtBrokerInner message, long commitLogOffset,
        boolean appendCrc) throws Exception {
        byte[] stored = CommitLogUnits.store(message, commitLogOffset, appendCrc);
        boolean v1 = message.getTopic().length() <= Byte.MAX_VALUE;
        if (v1 && !appendCrc) {
            byte[] client = CommitLogUnits.clientEncode(message, commitLogOffset);
            if (!Arrays.equals(stored, client)) {
                throw new IllegalStateException(name + ": MessageExtEncoder and MessageDecoder.encode disagree:\n"
                    + Hex.encode(stored) + "\n" + Hex.encode(client));
            }
        }
        String source = STORE_SOURCE + (appendCrc ? " with MessageStoreConfig.enabledAppendPropCRC=true" : "")
            + (v1 && !appendCrc ? "; byte-identical to MessageDecoder#encode(MessageExt, false)" : "");
        return new Vector(CATEGORY, name, MessageDescriber.KIND).description(description).javaSource(source)
            .bytes(stored);
    }

    private static Message clientMessage(String topic, String body, String uniqKey) {
        Message message = Fixtures.producerMessage(body, uniqKey);
        message.setTopic(topic);
        return message;
    }

    private static MessageExtBrokerInner delayed() {
        Message client = new Message(Fixtures.TOPIC, "TagA", Fixtures.utf8("délai 延迟"));
        client.setKeys(Arrays.asList("order-1", "order-2", "订单-3"));
        client.setWaitStoreMsgOK(false);
        client.setDelayTimeLevel(3);
        client.setFlag(7);
        client.putUserProperty("city", "Zürich 東京 😀");
        client.putUserProperty("quote", "say \"hi\" \\ there");
        MessageAccessor.putProperty(client, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, Fixtures.UNIQ_KEY);
        MessageExtBrokerInner inner = MessageFixtures.received(client, 1, 0);
        MessageAccessor.putProperty(inner, MessageConst.PROPERTY_REAL_TOPIC, Fixtures.TOPIC);
        MessageAccessor.putProperty(inner, MessageConst.PROPERTY_REAL_QUEUE_ID, "1");
        inner.setTopic(TopicValidator.RMQ_SYS_SCHEDULE_TOPIC);
        inner.setQueueId(2);
        inner.setQueueOffset(17);
        return inner;
    }

    private static MessageExtBrokerInner ipv6(boolean storeV6) {
        return MessageFixtures.received(Fixtures.producerMessage(MessageFixtures.BODY, Fixtures.UNIQ_KEY), 0, 7,
            Fixtures.BORN_HOST_V6, storeV6 ? Fixtures.STORE_HOST_V6 : Fixtures.STORE_HOST);
    }

    /** A body as a producer compresses it (level 5) and the flags it sends: COMPRESSED | the type's flag. */
    private Vector compressed(String name, CompressionType type) throws Exception {
        byte[] body = CompressionVectors.sampleInput();
        Message client = Fixtures.producerMessage("", Fixtures.UNIQ_KEY);
        client.setBody(CompressorFactory.getCompressor(type).compress(body, 5));
        MessageExtBrokerInner inner = MessageFixtures.received(client, 1, 42);
        inner.setSysFlag(MessageSysFlag.COMPRESSED_FLAG | type.getCompressionFlag());
        return unit(name, type + "-compressed body (CompressorFactory, level 5, the flags"
            + " DefaultMQProducerImpl.tryToCompressMessage sets; the producer only compresses bodies of 4 KiB or more,"
            + " the 1000-byte sample keeps the vector short): sysFlag 0x" + Integer.toHexString(inner.getSysFlag())
            + ", bodyHex is the stored compressed body", inner, 24576L, false);
    }

    private static MessageExtBrokerInner longTopic() {
        StringBuilder topic = new StringBuilder("LongTopic_");
        while (topic.length() < 200) {
            topic.append((char) ('a' + topic.length() % 26));
        }
        return MessageFixtures.received(clientMessage(topic.toString(), MessageFixtures.BODY, Fixtures.UNIQ_KEY), 0, 0);
    }

    private static MessageExtBrokerInner half() {
        Message client = Fixtures.producerMessage("transactional", Fixtures.UNIQ_KEY);
        MessageAccessor.putProperty(client, MessageConst.PROPERTY_TRANSACTION_PREPARED, "true");
        MessageAccessor.putProperty(client, MessageConst.PROPERTY_PRODUCER_GROUP, Fixtures.PRODUCER_GROUP);
        MessageExtBrokerInner inner = MessageFixtures.received(client, 0, 9);
        MessageAccessor.putProperty(inner, MessageConst.PROPERTY_TRANSACTION_ID, Fixtures.UNIQ_KEY);
        MessageAccessor.putProperty(inner, MessageConst.PROPERTY_REAL_TOPIC, Fixtures.TOPIC);
        MessageAccessor.putProperty(inner, MessageConst.PROPERTY_REAL_QUEUE_ID, "1");
        inner.setTopic(TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC);
        inner.setQueueId(0);
        return inner;
    }

    private static MessageExtBrokerInner commit() {
        Message client = Fixtures.producerMessage("transactional", Fixtures.UNIQ_KEY);
        MessageAccessor.putProperty(client, MessageConst.PROPERTY_PRODUCER_GROUP, Fixtures.PRODUCER_GROUP);
        MessageExtBrokerInner inner = MessageFixtures.received(client, 1, 101);
        inner.setSysFlag(MessageSysFlag.TRANSACTION_COMMIT_TYPE);
        inner.setPreparedTransactionOffset(12288L);
        return inner;
    }

    private static MessageExtBrokerInner retry() {
        Message client = Fixtures.producerMessage(MessageFixtures.BODY, Fixtures.UNIQ_KEY);
        MessageAccessor.putProperty(client, MessageConst.PROPERTY_RETRY_TOPIC, Fixtures.TOPIC);
        MessageAccessor.setOriginMessageId(client, "0A00000100002A9F000000000002E858");
        MessageAccessor.setMaxReconsumeTimes(client, "16");
        MessageExtBrokerInner inner = MessageFixtures.received(client, 0, 3);
        inner.setTopic(MixAll.getRetryTopic(Fixtures.CONSUMER_GROUP));
        inner.setReconsumeTimes(2);
        return inner;
    }

    private static MessageExtBrokerInner emptyProperties() {
        MessageExtBrokerInner inner = MessageFixtures.basic(Fixtures.UNIQ_KEY, 0, 0);
        MessageAccessor.setProperties(inner, new HashMap<>());
        return inner;
    }

    /** A PULL_MESSAGE response body: three consecutive units of one queue, as the broker copies them. */
    private Vector pullBody() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long offset = 190552L;
        String[] ids = {Fixtures.UNIQ_KEY, Fixtures.UNIQ_KEY_2, Fixtures.UNIQ_KEY_3};
        for (int i = 0; i < ids.length; i++) {
            byte[] unit = CommitLogUnits.store(MessageFixtures.basic(ids[i], 3, 100 + i), offset, false);
            body.write(unit);
            offset += unit.length;
        }
        return new Vector(CATEGORY, "pull_body_three_units", MessageDescriber.KIND)
            .description("a pull response body: three consecutive units of queue 3 (queue offsets 100-102)")
            .javaSource(STORE_SOURCE + ", three units concatenated").bytes(body.toByteArray());
    }

    /**
     * What the 5.3.3 broker stores for a SEND_BATCH_MESSAGE of three messages: one unit per record, with the
     * batch-level properties (the header's properties plus CLUSTER) appended to each record's own properties.
     */
    private Vector storedBatch() throws Exception {
        MessageBatch batch = BatchVectors.producerBatch(3);
        MessageAccessor.putProperty(batch, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "7F000001A3E530F399910F2AB16903F0");
        MessageExtBatch stored = new MessageExtBatch();
        stored.setTopic(batch.getTopic());
        stored.setQueueId(1);
        stored.setQueueOffset(200);
        stored.setSysFlag(0);
        stored.setFlag(0);
        String headerProperties = MessageDecoder.messageProperties2String(batch.getProperties());
        MessageAccessor.setProperties(stored, MessageDecoder.string2messageProperties(headerProperties));
        stored.setBody(batch.encode());
        stored.setBornTimestamp(Fixtures.BORN_TIMESTAMP);
        stored.setBornHost(Fixtures.BORN_HOST);
        stored.setStoreHost(Fixtures.STORE_HOST);
        stored.setStoreTimestamp(Fixtures.STORE_TIMESTAMP);
        stored.setReconsumeTimes(0);
        MessageAccessor.putProperty(stored, MessageConst.PROPERTY_CLUSTER, Fixtures.CLUSTER);
        return new Vector(CATEGORY, "stored_from_batch", MessageDescriber.KIND)
            .description("the units the broker stores for a 3-message SEND_BATCH_MESSAGE (queue offsets 200-202):"
                + " each record's properties followed by the batch properties (WAIT, the batch UNIQ_KEY, CLUSTER);"
                + " Java's decoder keeps the last value of a repeated key")
            .javaSource("org.apache.rocketmq.store.MessageExtEncoder#encode(MessageExtBatch, PutMessageContext)"
                + " + the batch doAppend offsets; batch built by MessageBatch.generateFromList")
            .bytes(CommitLogUnits.storeBatch(stored, 32768L));
    }
}
