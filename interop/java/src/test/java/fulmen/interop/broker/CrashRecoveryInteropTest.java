package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fulmen.interop.testing.Await;
import fulmen.interop.testing.FulmenBroker;
import fulmen.interop.testing.FulmenNameServer;
import fulmen.interop.testing.TempDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The durability promise of sync flush, proven with the official producer: a {@code fulmen broker} process (sync
 * flush, 1 MiB commitlog files) is killed with SIGKILL while four threads send to it, restarted on the same port from
 * the same store, and the official lite pull consumer must then read back every message whose send returned SEND_OK,
 * with its body intact.
 */
@DisplayName("Fulmen broker killed with SIGKILL under sync flush, read back by the official RocketMQ 5.3.3 clients")
class CrashRecoveryInteropTest {

    private static final String TOPIC = "FulmenCrashTopic";
    private static final int SENDERS = 4;
    private static final int ACKED_BEFORE_KILL = 1_500;
    private static final Duration LOAD_LIMIT = Duration.ofSeconds(60);
    private static final Duration READ_LIMIT = Duration.ofSeconds(60);

    @Test
    void everyAcknowledgedSendSurvivesKillDashNine() throws Exception {
        Path dir = TempDirs.create("fulmen-crash-");
        try (FulmenNameServer namesrv = FulmenNameServer.start()) {
            FulmenBroker broker = FulmenBroker.start(namesrv.address(), dir, 0);
            Map<String, String> acked = new ConcurrentHashMap<>();
            try (JavaPeers writers = new JavaPeers(namesrv.address())) {
                DefaultMQProducer producer = writers.producer("FulmenCrashProducer");
                producer.setRetryTimesWhenSendFailed(0);
                AtomicInteger failures = sendUntilKilled(producer, broker, acked);
                assertTrue(failures.get() > 0, "sends failed once the broker was gone");
            }
            assertTrue(Files.exists(dir.resolve("store").resolve("abort")), "kill -9 leaves the abort marker");

            broker = FulmenBroker.start(namesrv.address(), dir, broker.port());
            try (JavaPeers readers = new JavaPeers(namesrv.address())) {
                Map<String, MessageExt> received = readEverything(readers.litePullConsumer("FulmenCrashReader"), acked);
                List<String> lost = new ArrayList<>();
                for (Map.Entry<String, String> sent : acked.entrySet()) {
                    MessageExt copy = received.get(sent.getKey());
                    if (copy == null) {
                        lost.add(sent.getKey() + " (" + sent.getValue() + ")");
                    } else {
                        assertEquals(sent.getValue(), new String(copy.getBody(), StandardCharsets.UTF_8),
                            "body of " + sent.getKey());
                    }
                }
                assertTrue(lost.isEmpty(), lost.size() + " of " + acked.size() + " acknowledged messages lost, e.g. "
                    + lost.subList(0, Math.min(5, lost.size())));
            } finally {
                broker.close();
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    /**
     * Sends from {@link #SENDERS} threads, recording each SEND_OK by msgId, kills the broker once
     * {@link #ACKED_BEFORE_KILL} were acknowledged, and stops the senders once sends fail. Returns the failure count.
     */
    private static AtomicInteger sendUntilKilled(DefaultMQProducer producer, FulmenBroker broker,
        Map<String, String> acked) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            senders.execute(() -> {
                for (int seq = 0; !stop.get(); seq++) {
                    String body = "crash-" + sender + "-" + seq;
                    try {
                        SendResult result = producer.send(
                            new Message(TOPIC, "crash", body.getBytes(StandardCharsets.UTF_8)));
                        if (result.getSendStatus() == SendStatus.SEND_OK) {
                            acked.put(result.getMsgId(), body);
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        sleepQuietly(20);
                    }
                }
            });
        }
        try {
            Await.until(ACKED_BEFORE_KILL + " acknowledged sends", LOAD_LIMIT,
                () -> acked.size() >= ACKED_BEFORE_KILL);
            broker.kill();
            int failuresAtKill = failures.get();
            Await.until("sends failing after the kill", LOAD_LIMIT, () -> failures.get() > failuresAtKill);
        } finally {
            stop.set(true);
            senders.shutdown();
            assertTrue(senders.awaitTermination(LOAD_LIMIT.toSeconds(), TimeUnit.SECONDS), "senders stopped");
        }
        return failures;
    }

    /** Polls every queue from offset 0 until each acknowledged msgId was seen, bounded; returns all by msgId. */
    private static Map<String, MessageExt> readEverything(DefaultLitePullConsumer consumer, Map<String, String> acked)
        throws Exception {
        Collection<MessageQueue> queues = TopicRoutes.await(TOPIC, () -> consumer.fetchMessageQueues(TOPIC));
        consumer.assign(queues);
        for (MessageQueue queue : queues) {
            consumer.seek(queue, 0);
        }
        Map<String, MessageExt> received = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + READ_LIMIT.toNanos();
        while (!received.keySet().containsAll(acked.keySet()) && System.nanoTime() < deadline) {
            for (MessageExt message : consumer.poll(500)) {
                received.putIfAbsent(message.getMsgId(), message);
            }
        }
        return received;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
