package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Sends with the official producer and checks each {@link SendResult} the way an application would rely on it:
 * SEND_OK, a UNIQ_KEY msgId, an offsetMsgId that decodes to the broker's address, a real queue, and queue
 * offsets that grow within each queue.
 */
final class SendChecks {

    private final String brokerAddress;
    private final boolean ordered;
    private final Map<Integer, Long> lastOffsets = new HashMap<>();
    private final Set<String> offsetsSeen = new HashSet<>();

    /** Checks for sends that complete in order (sync sends on one thread): offsets grow in each queue. */
    SendChecks(String brokerAddress) {
        this(brokerAddress, true);
    }

    /** {@code ordered == false} for async sends, whose callbacks run in any order: offsets are only unique. */
    SendChecks(String brokerAddress, boolean ordered) {
        this.brokerAddress = brokerAddress;
        this.ordered = ordered;
    }

    /** Sends each message synchronously and checks its result. */
    List<SentMessage> sendAll(DefaultMQProducer producer, List<Message> messages) throws Exception {
        List<SentMessage> sent = new ArrayList<>();
        for (Message message : messages) {
            sent.add(check(message, producer.send(message)));
        }
        return sent;
    }

    /** Checks one result for {@code message} and returns the record of where it went. */
    SentMessage check(Message message, SendResult result) throws Exception {
        assertNotNull(result, "send result");
        assertEquals(SendStatus.SEND_OK, result.getSendStatus(), "send status of " + result);
        String msgId = result.getMsgId();
        // The client makes UNIQ_KEY from its own IP: 32 hex digits for an IPv4 host, 56 for an IPv6 one.
        assertTrue(msgId != null && msgId.matches("[0-9A-F]{32}|[0-9A-F]{56}"), "msgId (UNIQ_KEY): " + msgId);
        String offsetMsgId = result.getOffsetMsgId();
        assertTrue(offsetMsgId != null && offsetMsgId.matches("[0-9A-F]{32}"), "offsetMsgId: " + offsetMsgId);
        InetSocketAddress stored = (InetSocketAddress) MessageDecoder.decodeMessageId(offsetMsgId).getAddress();
        assertEquals(brokerAddress, stored.getAddress().getHostAddress() + ":" + stored.getPort(),
            "broker address inside offsetMsgId " + offsetMsgId);
        MessageQueue queue = result.getMessageQueue();
        assertEquals(message.getTopic(), queue.getTopic(), "topic of the result's queue");
        assertTrue(queue.getQueueId() >= 0 && queue.getQueueId() < 16, "queue id " + queue.getQueueId());
        synchronized (lastOffsets) {
            assertTrue(offsetsSeen.add(queue.getQueueId() + "@" + result.getQueueOffset()),
                "queue offset " + result.getQueueOffset() + " of queue " + queue.getQueueId() + " given twice");
            Long previous = lastOffsets.put(queue.getQueueId(), result.getQueueOffset());
            assertTrue(!ordered || (previous == null ? result.getQueueOffset() >= 0 : result.getQueueOffset() > previous),
                "queue offset " + result.getQueueOffset() + " of queue " + queue.getQueueId() + " after " + previous);
        }
        return new SentMessage(message, msgId, offsetMsgId, queue.getQueueId(), result.getQueueOffset());
    }
}
