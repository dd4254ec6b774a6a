package fulmen.interop;

import java.net.InetSocketAddress;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExtBrokerInner;

/**
 * Builds {@code MessageExtBrokerInner} objects the way SendMessageProcessor does from a client's message: the
 * properties string is parsed back with {@code string2messageProperties} (a 128-bucket HashMap, which fixes the
 * stored property order) and the broker adds CLUSTER.
 */
public final class MessageFixtures {
    public static final String BODY = "Hello RocketMQ";

    private MessageFixtures() {
    }

    /** A broker-side message built from {@code client}, stored by broker-a's host with fixed timestamps. */
    public static MessageExtBrokerInner received(Message client, int queueId, long queueOffset) {
        MessageExtBrokerInner inner = new MessageExtBrokerInner();
        inner.setTopic(client.getTopic());
        inner.setBody(client.getBody());
        inner.setFlag(client.getFlag());
        inner.setQueueId(queueId);
        inner.setQueueOffset(queueOffset);
        inner.setSysFlag(0);
        inner.setBornTimestamp(Fixtures.BORN_TIMESTAMP);
        inner.setBornHost(Fixtures.BORN_HOST);
        inner.setStoreTimestamp(Fixtures.STORE_TIMESTAMP);
        inner.setStoreHost(Fixtures.STORE_HOST);
        inner.setReconsumeTimes(0);
        inner.setPreparedTransactionOffset(0);
        String wire = MessageDecoder.messageProperties2String(client.getProperties());
        MessageAccessor.setProperties(inner, MessageDecoder.string2messageProperties(wire));
        MessageAccessor.putProperty(inner, MessageConst.PROPERTY_CLUSTER, Fixtures.CLUSTER);
        return inner;
    }

    public static MessageExtBrokerInner received(Message client, int queueId, long queueOffset,
        InetSocketAddress bornHost, InetSocketAddress storeHost) {
        MessageExtBrokerInner inner = received(client, queueId, queueOffset);
        inner.setBornHost(bornHost);
        inner.setStoreHost(storeHost);
        return inner;
    }

    /** The plain message every simple vector stores: TAGS, KEYS "order-1 order-2", WAIT, UNIQ_KEY, CLUSTER. */
    public static MessageExtBrokerInner basic(String uniqKey, int queueId, long queueOffset) {
        return received(Fixtures.producerMessage(BODY, uniqKey), queueId, queueOffset);
    }
}
