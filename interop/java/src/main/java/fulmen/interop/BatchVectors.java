package fulmen.interop;

import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageBatch;
import org.apache.rocketmq.common.message.MessageConst;

/**
 * Category {@code batch/}: SEND_BATCH_MESSAGE bodies from {@code MessageBatch.generateFromList(...).encode()},
 * with each message's UNIQ_KEY set explicitly (DefaultMQProducer.batch would generate them).
 */
public final class BatchVectors implements VectorSource {
    private static final String[] UNIQ_KEYS = {Fixtures.UNIQ_KEY, Fixtures.UNIQ_KEY_2, Fixtures.UNIQ_KEY_3};
    private static final String[] BODIES = {"batch message 0", "batch message 1: ünïcödé 😀", "batch message 2"};
    private static final int[] FLAGS = {0, 1, 42};

    @Override
    public List<Vector> vectors() {
        List<Vector> vectors = new ArrayList<>();
        vectors.add(batch("one_message", 1));
        vectors.add(batch("three_messages", 3));
        return vectors;
    }

    private static Vector batch(String name, int count) {
        return new Vector("batch", name, BatchDescriber.KIND)
            .description(count + (count == 1 ? " message" : " messages") + " of topic TopicTest with TAGS, KEYS,"
                + " WAIT and UNIQ_KEY properties, flag" + (count == 1 ? " 0" : "s 0, 1, 42 and a non-ASCII body")
                + "; each record = totalSize, magic 0, bodyCRC 0, flag, body length + body, properties length +"
                + " properties")
            .javaSource("org.apache.rocketmq.common.message.MessageBatch#generateFromList(...)#encode()"
                + " (MessageDecoder#encodeMessages)")
            .bytes(producerBatch(count).encode());
    }

    /** The batch as DefaultMQProducer.batch prepares it, minus the generated ids. */
    public static MessageBatch producerBatch(int count) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message message = new Message(Fixtures.TOPIC, "Tag" + (char) ('A' + i), "key-" + i, Fixtures.utf8(BODIES[i]));
            message.setFlag(FLAGS[i]);
            MessageAccessor.putProperty(message, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, UNIQ_KEYS[i]);
            messages.add(message);
        }
        return MessageBatch.generateFromList(messages);
    }
}
