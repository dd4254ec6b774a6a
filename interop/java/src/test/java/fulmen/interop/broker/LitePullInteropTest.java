package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fulmen.interop.testing.FulmenCluster;
import fulmen.interop.testing.FulmenClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The official {@code DefaultLitePullConsumer} reading back, queue by queue from offset 0, everything the official
 * producer sent to a fresh {@code fulmen cluster}; also its offset lookup by timestamp.
 */
@ExtendWith(FulmenClusterExtension.class)
@DisplayName("Fulmen broker, read by the official RocketMQ 5.3.3 lite pull consumer")
class LitePullInteropTest {

    private static final String TOPIC = "FulmenLitePullTopic";
    private static final Duration READ_LIMIT = Duration.ofSeconds(30);

    private JavaPeers peers;
    private Outbox outbox;
    private DefaultLitePullConsumer consumer;

    @BeforeEach
    void fillTopic(FulmenCluster cluster) throws Exception {
        peers = new JavaPeers(cluster.namesrvAddress());
        DefaultMQProducer producer = peers.producer("FulmenLitePullProducer");
        outbox = Outbox.fill(producer, cluster.brokerAddress(), TOPIC);
        consumer = peers.litePullConsumer("FulmenLitePullGroup");
    }

    @AfterEach
    void stopPeers() throws Exception {
        peers.close();
    }

    @Test
    void assignSeekAndPollReadEverythingBack() throws Exception {
        Collection<MessageQueue> queues = TopicRoutes.await(TOPIC, () -> consumer.fetchMessageQueues(TOPIC));
        assertEquals(4, queues.size(), "queues of the auto-created topic: " + queues);
        consumer.assign(queues);
        for (MessageQueue queue : queues) {
            consumer.seek(queue, 0);
        }
        // A pull the client started at assign may still deliver after seek (a race inside the Java client), so a
        // message may come twice; each copy must then be the same message at the same queue offset.
        Map<String, MessageExt> received = new LinkedHashMap<>();
        long deadline = System.nanoTime() + READ_LIMIT.toNanos();
        int expected = outbox.all().size();
        while (received.size() < expected && System.nanoTime() < deadline) {
            for (MessageExt message : consumer.poll(500)) {
                MessageExt first = received.putIfAbsent(message.getMsgId(), message);
                if (first != null) {
                    assertEquals(first.getQueueId() + "@" + first.getQueueOffset(),
                        message.getQueueId() + "@" + message.getQueueOffset(), "place of a repeated message");
                }
            }
        }
        outbox.assertReceivedExactly(m -> true, new ArrayList<>(received.values()));
    }

    @Test
    void offsetForTimestamp() throws Exception {
        Collection<MessageQueue> queues = TopicRoutes.await(TOPIC, () -> consumer.fetchMessageQueues(TOPIC));
        long total = 0;
        for (MessageQueue queue : queues) {
            assertEquals(0L, consumer.offsetForTimestamp(queue, 0L), "offset for time 0 in " + queue);
            long end = consumer.offsetForTimestamp(queue, System.currentTimeMillis() + 60_000);
            assertTrue(end >= 0, "offset for a future time in " + queue + ": " + end);
            total += end;
        }
        assertTrue(total > 0, "some queue has messages before now");
    }
}
