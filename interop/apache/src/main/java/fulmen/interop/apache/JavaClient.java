package fulmen.interop.apache;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * The official Apache RocketMQ 5.3.3 Java client's half of the mixed tests (core/client/tests/apache_broker.rs):
 * {@code JavaClient <namesrv> <readTopic> <count> <sendTopic>}.
 *
 * <p>Pulls every message of {@code readTopic} from offset 0 with DefaultMQPullConsumer until {@code count} are found
 * (at most 30 s) and prints one line per message: {@code READ\tmsgId\tqueueId\tqueueOffset\thex(body)\thex(tags)\t
 * hex(keys)\thex(properties)\tsysFlag\tstoreSize}, the properties sorted by name and joined as
 * MessageDecoder.messageProperties2String does, the body decompressed, sysFlag and storeSize as stored. Then sends {@link #SENT_COUNT} messages to {@code sendTopic} with DefaultMQProducer (what they hold is fixed
 * here and in the Rust test) and prints {@code SENT\tmsgId\tqueueId\tqueueOffset} for each, then {@code DONE}.
 */
public final class JavaClient {
    static final int SENT_COUNT = 2;
    static final long READ_BOUND_MILLIS = 30_000;

    private JavaClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: JavaClient <namesrv> <readTopic> <count> <sendTopic>");
        }
        String namesrv = args[0];
        read(namesrv, args[1], Integer.parseInt(args[2]));
        send(namesrv, args[3]);
        System.out.println("DONE");
        System.out.flush();
        // The client's non-daemon threads end with shutdown, but a stray one must not keep the test waiting.
        System.exit(0);
    }

    private static void read(String namesrv, String topic, int count) throws Exception {
        DefaultMQPullConsumer consumer = new DefaultMQPullConsumer("JavaClientReadCG");
        consumer.setNamesrvAddr(namesrv);
        consumer.start();
        try {
            long deadline = System.currentTimeMillis() + READ_BOUND_MILLIS;
            List<MessageExt> found = new ArrayList<>();
            while (found.size() < count && System.currentTimeMillis() < deadline) {
                found.clear();
                for (MessageQueue queue : consumer.fetchSubscribeMessageQueues(topic)) {
                    PullResult result = consumer.pull(queue, "*", 0, 32);
                    if (result.getPullStatus() == PullStatus.FOUND) {
                        found.addAll(result.getMsgFoundList());
                    }
                }
                if (found.size() < count) {
                    Thread.sleep(100);
                }
            }
            HexFormat hex = HexFormat.of();
            for (MessageExt message : found) {
                Map<String, String> sorted = new TreeMap<>(message.getProperties());
                System.out.printf("READ\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t%d%n", message.getMsgId(),
                    message.getQueueId(), message.getQueueOffset(), hex.formatHex(message.getBody()),
                    hexOf(hex, message.getTags()), hexOf(hex, message.getKeys()),
                    hexOf(hex, MessageDecoder.messageProperties2String(sorted)), message.getSysFlag(),
                    message.getStoreSize());
            }
        } finally {
            consumer.shutdown();
        }
    }

    private static void send(String namesrv, String topic) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("JavaClientSendPG");
        producer.setNamesrvAddr(namesrv);
        producer.start();
        try {
            Message small = new Message(topic, "TagJ", "jk1 jk2", "from java".getBytes(StandardCharsets.UTF_8));
            small.putUserProperty("origin", "java");
            byte[] big = new byte[10 * 1024];
            byte[] pattern = "java-apache ".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < big.length; i++) {
                big[i] = pattern[i % pattern.length];
            }
            Message large = new Message(topic, "TagK", "big", big);
            for (Message message : List.of(small, large)) {
                SendResult result = producer.send(message);
                if (result.getSendStatus() != SendStatus.SEND_OK) {
                    throw new IllegalStateException("send failed: " + result);
                }
                System.out.printf("SENT\t%s\t%d\t%d%n", result.getMsgId(), result.getMessageQueue().getQueueId(),
                    result.getQueueOffset());
            }
        } finally {
            producer.shutdown();
        }
    }

    private static String hexOf(HexFormat hex, String text) {
        return text == null ? "-" : hex.formatHex(text.getBytes(StandardCharsets.UTF_8));
    }
}
