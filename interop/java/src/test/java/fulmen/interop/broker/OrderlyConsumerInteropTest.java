package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fulmen.interop.testing.Await;
import fulmen.interop.testing.FulmenCluster;
import fulmen.interop.testing.FulmenClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Orderly consumption ({@code MessageListenerOrderly}) by two official push consumers of one group against a fresh
 * {@code fulmen cluster}, which exercises LOCK_BATCH_MQ / UNLOCK_BATCH_MQ: the Java client consumes a queue only
 * while the broker grants it the queue's lock, and hands a queue over on rebalance by unlocking it.
 *
 * <p>A producer sends {@value #KEYS} keys × {@value #PER_KEY} messages; a {@code MessageQueueSelector} puts key
 * {@code k} on queue {@code k % 4}, and the body is {@code "k,seq"} with seq 0, 1, … per key. The first consumer
 * starts alone; after it consumed some of the first half, the second consumer joins (a rebalance moves two queues
 * to it) and the second half is sent. The test then checks:
 * <ul>
 *   <li><b>completeness</b>: every (key, seq) was consumed at least once;</li>
 *   <li><b>order within a consumer</b>: for each consumer and key, the seqs it consumed are strictly increasing and
 *   without gaps (each is the previous + 1). It never goes backwards and never skips;</li>
 *   <li><b>hand-over</b>: a queue that moved resumes at or before where the first holder stopped, so a message may
 *   be consumed by both consumers (the new holder restarts from the committed offset), but never out of order
 *   across them: the new holder's first seq of a key is at most the old holder's last seq + 1;</li>
 *   <li><b>unlock</b>: the second consumer starts consuming well within the broker's 60 s lock lease, so the first
 *   holder's UNLOCK_BATCH_MQ released the moved queues;</li>
 *   <li><b>mutual exclusion</b>: no two consumers were inside the listener for the same queue at overlapping times
 *   (the broker lock is what guarantees that).</li>
 * </ul>
 */
@ExtendWith(FulmenClusterExtension.class)
@DisplayName("Fulmen broker, consumed in order by two official RocketMQ 5.3.3 push consumers (queue locks)")
class OrderlyConsumerInteropTest {

    private static final String TOPIC = "FulmenOrderlyTopic";
    private static final String GROUP = "FulmenOrderlyGroup";
    private static final int QUEUES = 4;
    private static final int KEYS = 8;
    private static final int PER_KEY = 50;
    /** Per message, so that the first consumer is still busy when the second one joins. */
    private static final long CONSUME_MILLIS = 15;
    /** A moved queue waits for the old holder's unlock (the client may delay it by 20 s); JUnit stops at 60 s. */
    private static final Duration CONSUME_LIMIT = Duration.ofSeconds(45);
    /**
     * The second consumer's first message comes sooner than the broker's 60 s lock lease: the first holder's
     * UNLOCK_BATCH_MQ freed the queues (the client delays it by at most 20 s).
     */
    private static final Duration HAND_OVER_LIMIT = Duration.ofSeconds(30);
    private static final Duration QUIET_PERIOD = Duration.ofMillis(1_500);

    private FulmenCluster cluster;
    private JavaPeers peers;

    /** One call of the listener for one message. */
    private record Consumed(String consumer, int queueId, int key, int seq, long startNanos, long endNanos) {
    }

    @BeforeEach
    void start(FulmenCluster cluster) {
        this.cluster = cluster;
        peers = new JavaPeers(cluster.namesrvAddress());
    }

    @AfterEach
    void stopPeers() throws Exception {
        peers.close();
    }

    @Test
    void twoOrderlyConsumersKeepEachKeyInOrderAcrossARebalance() throws Exception {
        DefaultMQAdminExt admin = peers.admin();
        admin.createAndUpdateTopicConfig(cluster.brokerAddress(), new TopicConfig(TOPIC, QUEUES, QUEUES));
        TopicRoutes.awaitInNameServer(admin, TOPIC);
        DefaultMQProducer producer = peers.producer("FulmenOrderlyProducer");
        List<Consumed> events = new CopyOnWriteArrayList<>();

        send(producer, 0, PER_KEY / 2);
        start(peers.pushConsumer(GROUP), "first", events);
        Await.until("the first consumer consumed 40 messages", CONSUME_LIMIT, () -> events.size() >= 40);
        long secondStarted = System.nanoTime();
        start(peers.pushConsumer(GROUP), "second", events);
        send(producer, PER_KEY / 2, PER_KEY);

        Await.until("every (key, seq) consumed", CONSUME_LIMIT, () -> distinct(events).size() == KEYS * PER_KEY);
        Thread.sleep(QUIET_PERIOD.toMillis());
        List<Consumed> all = new ArrayList<>(events);
        assertEquals(KEYS * PER_KEY, distinct(all).size(), "every message consumed");
        long handOver = all.stream().filter(e -> e.consumer().equals("second")).mapToLong(Consumed::startNanos)
            .min().orElseThrow(() -> new AssertionError("the second consumer got no queue"));
        assertTrue(Duration.ofNanos(handOver - secondStarted).compareTo(HAND_OVER_LIMIT) < 0,
            "the second consumer started consuming within " + HAND_OVER_LIMIT + " (an unlock, not the 60 s expiry)");
        for (Consumed event : all) {
            assertEquals(event.key() % QUEUES, event.queueId(), "key " + event.key() + " stays on its queue");
        }
        assertInOrderPerConsumer(all);
        assertHandOverInOrder(all);
        assertMutualExclusion(all);
    }

    private static void send(DefaultMQProducer producer, int fromSeq, int toSeq) throws Exception {
        for (int seq = fromSeq; seq < toSeq; seq++) {
            for (int key = 0; key < KEYS; key++) {
                Message message = new Message(TOPIC, "ORDER", "key-" + key,
                    (key + "," + seq).getBytes(StandardCharsets.UTF_8));
                SendResult result = producer.send(message, (mqs, msg, arg) -> mqs.get((Integer) arg % mqs.size()),
                    key, JavaPeers.CLIENT_TIMEOUT_MILLIS);
                assertEquals(SendStatus.SEND_OK, result.getSendStatus());
                assertEquals(key % QUEUES, result.getMessageQueue().getQueueId(), "the selector's queue");
            }
        }
    }

    private static void start(DefaultMQPushConsumer consumer, String name, List<Consumed> events) throws Exception {
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
            for (MessageExt message : messages) {
                long start = System.nanoTime();
                try {
                    Thread.sleep(CONSUME_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
                }
                String[] parts = new String(message.getBody(), StandardCharsets.UTF_8).split(",");
                events.add(new Consumed(name, message.getQueueId(), Integer.parseInt(parts[0]),
                    Integer.parseInt(parts[1]), start, System.nanoTime()));
            }
            return ConsumeOrderlyStatus.SUCCESS;
        });
        consumer.start();
    }

    private static Set<String> distinct(List<Consumed> events) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        for (Consumed event : events) {
            seen.add(event.key() + "," + event.seq());
        }
        return seen;
    }

    /** Per consumer and key, in consumption order: seqs go up by exactly one. */
    private static void assertInOrderPerConsumer(List<Consumed> events) {
        Map<String, Integer> last = new HashMap<>();
        for (Consumed event : events) {
            String id = event.consumer() + "/key-" + event.key();
            Integer previous = last.put(id, event.seq());
            if (previous != null) {
                assertEquals(previous + 1, event.seq(), id + " consumed seq " + event.seq() + " after " + previous);
            }
        }
    }

    /** Where a key was consumed by both, the later holder starts at or before the earlier holder's next seq. */
    private static void assertHandOverInOrder(List<Consumed> events) {
        for (int key = 0; key < KEYS; key++) {
            int k = key;
            List<Consumed> ofKey = events.stream().filter(e -> e.key() == k).toList();
            String firstHolder = ofKey.get(0).consumer();
            List<Consumed> later = ofKey.stream().filter(e -> !e.consumer().equals(firstHolder)).toList();
            if (later.isEmpty()) {
                continue;
            }
            int lastOfFirst = ofKey.stream().filter(e -> e.consumer().equals(firstHolder))
                .mapToInt(Consumed::seq).max().orElseThrow();
            assertTrue(later.get(0).seq() <= lastOfFirst + 1,
                "key " + key + ": the new holder started at " + later.get(0).seq() + " after " + lastOfFirst);
            assertTrue(later.get(0).startNanos() > ofKey.stream().filter(e -> e.consumer().equals(firstHolder))
                .mapToLong(Consumed::endNanos).max().orElseThrow(), "key " + key + " handed over, not shared");
        }
    }

    /** Per queue, the consumers' listener intervals do not overlap. */
    private static void assertMutualExclusion(List<Consumed> events) {
        for (int queue = 0; queue < QUEUES; queue++) {
            int q = queue;
            List<Consumed> ofQueue = events.stream().filter(e -> e.queueId() == q)
                .sorted((a, b) -> Long.compare(a.startNanos(), b.startNanos())).toList();
            Map<String, Long> lastEnd = new HashMap<>();
            for (Consumed event : ofQueue) {
                for (Map.Entry<String, Long> other : lastEnd.entrySet()) {
                    if (!other.getKey().equals(event.consumer())) {
                        assertTrue(event.startNanos() >= other.getValue(), "queue " + queue + ": "
                            + event.consumer() + " started while " + other.getKey() + " was consuming it");
                    }
                }
                lastEnd.merge(event.consumer(), event.endNanos(), Math::max);
            }
        }
    }
}
