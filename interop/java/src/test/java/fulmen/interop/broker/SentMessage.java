package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/** A message as the test sent it, with where the broker said it stored it; compares itself with a received copy. */
record SentMessage(Message message, String msgId, String offsetMsgId, int queueId, long queueOffset) {

    /** Fails unless {@code received} is this message: ids, topic, tags, keys, user property, body, queue, offset. */
    void assertSameAs(MessageExt received) {
        String what = "message " + msgId;
        assertEquals(msgId, received.getMsgId(), what + ": msgId (UNIQ_KEY)");
        assertEquals(message.getTopic(), received.getTopic(), what + ": topic");
        assertEquals(message.getTags(), received.getTags(), what + ": tags");
        assertEquals(message.getKeys(), received.getKeys(), what + ": keys");
        assertEquals(message.getUserProperty(Workload.PROPERTY), received.getUserProperty(Workload.PROPERTY),
            what + ": user property");
        assertArrayEquals(message.getBody(), received.getBody(), what + ": body");
        if (queueOffset >= 0) {
            assertEquals(queueId, received.getQueueId(), what + ": queue id");
            assertEquals(queueOffset, received.getQueueOffset(), what + ": queue offset");
        }
    }
}
