package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fulmen.interop.testing.Await;
import fulmen.interop.testing.FulmenBroker;
import fulmen.interop.testing.FulmenNameServer;
import fulmen.interop.testing.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.admin.TopicStatsTable;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Retention seen by the official clients: a {@code fulmen broker} with 1 MiB commitlog files, a 2 s reserved time
 * (Fulmen's {@code fileReservedTimeMillis}), a roomy simulated disk (Fulmen's {@code simulatedDiskUsedRatio}), every
 * hour a delete hour and a clean pass every 500 ms deletes every commitlog file but the active one once it is 2 s
 * old. The admin tool then sees the queue's min offset move up, and a lite pull consumer of a fresh group starting
 * from the first offset (it pulls offset 0, gets PULL_OFFSET_MOVED and jumps to the new minimum) receives exactly the
 * messages that remain, and none of the deleted ones.
 */
@DisplayName("Fulmen broker deleting expired commitlog files, seen by the official RocketMQ 5.3.3 clients")
class RetentionInteropTest {

    private static final String TOPIC = "FulmenRetentionTopic";
    private static final int MESSAGES = 400;
    private static final int BODY_SIZE = 10 * 1024;
    private static final Duration RESERVED = Duration.ofSeconds(2);
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void expiredFilesGoAndAFreshConsumerReadsExactlyWhatRemains() throws Exception {
        Path dir = TempDirs.create("fulmen-retention-");
        String everyHour = IntStream.range(0, 24).mapToObj(h -> String.format("%02d", h))
            .collect(Collectors.joining(";"));
        Map<String, String> settings = Map.of(
            "fileReservedTimeMillis", Long.toString(RESERVED.toMillis()),
            "deleteWhen", everyHour,
            "cleanResourceInitialDelay", "500",
            "cleanResourceInterval", "500",
            "deleteCommitLogFilesInterval", "0",
            // Fulmen's own key: the test must not depend on how full the machine's disk is (over 85 % every file
            // would go at once, over 90 % sends would be refused).
            "simulatedDiskUsedRatio", "0.1",
            "flushDiskType", "ASYNC_FLUSH");
        try (FulmenNameServer namesrv = FulmenNameServer.start();
             FulmenBroker broker = FulmenBroker.start(namesrv.address(), dir, 0, settings);
             JavaPeers peers = new JavaPeers(namesrv.address())) {
            DefaultMQProducer producer = peers.producer("FulmenRetentionProducer");
            Map<Long, String> sentKeys = new TreeMap<>();
            // Random bodies: the producer compresses bodies over 4 KiB, and these must fill the files as they are.
            Random random = new Random(42);
            for (int i = 0; i < MESSAGES; i++) {
                byte[] body = new byte[BODY_SIZE];
                random.nextBytes(body);
                Message message = new Message(TOPIC, "retention", "retention-" + i, body);
                SendResult result = producer.send(message, (queues, msg, arg) -> queues.stream()
                    .filter(q -> q.getQueueId() == 0).findFirst().orElse(queues.get(0)), null);
                assertEquals(SendStatus.SEND_OK, result.getSendStatus(), "send " + i);
                assertEquals(0, result.getMessageQueue().getQueueId());
                sentKeys.put(result.getQueueOffset(), "retention-" + i);
            }
            assertEquals(MESSAGES, sentKeys.size());

            DefaultMQAdminExt admin = peers.admin();
            MessageQueue queue = new MessageQueue(TOPIC, FulmenBroker.BROKER_NAME, 0);
            Await.until("the min offset of " + queue + " moved up", LIMIT, () -> admin.minOffset(queue) > 0);
            // Every file but the active one is older than the reserved time after it plus two passes.
            Thread.sleep(RESERVED.toMillis() + 1_000);
            long min = admin.minOffset(queue);
            long max = admin.maxOffset(queue);
            assertEquals(MESSAGES, max);
            assertTrue(min >= 200 && min < MESSAGES, "all but the active 1 MiB file deleted: min " + min);
            TopicStatsTable stats = admin.examineTopicStats(TOPIC);
            assertEquals(min, stats.getOffsetTable().get(queue).getMinOffset(), "examineTopicStats min offset");
            assertEquals(max, stats.getOffsetTable().get(queue).getMaxOffset(), "examineTopicStats max offset");

            DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("FulmenRetentionReader");
            consumer.setNamesrvAddr(namesrv.address());
            consumer.setInstanceName("fulmen-retention-reader");
            consumer.setVipChannelEnabled(false);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.setMqClientApiTimeout(JavaPeers.CLIENT_TIMEOUT_MILLIS);
            consumer.subscribe(TOPIC, "*");
            consumer.start();
            Map<Long, String> received = new TreeMap<>();
            try {
                long expected = max - min;
                long deadline = System.nanoTime() + LIMIT.toNanos();
                while (received.size() < expected && System.nanoTime() < deadline) {
                    collect(consumer, received);
                }
                // Nothing more (in particular nothing below the minimum) arrives afterwards.
                long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (System.nanoTime() < settle) {
                    collect(consumer, received);
                }
            } finally {
                consumer.shutdown();
            }
            Map<Long, String> remaining = new TreeMap<>(sentKeys.entrySet().stream()
                .filter(e -> e.getKey() >= min)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
            assertEquals(remaining, received, "the messages from the new minimum " + min + " on, exactly");
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** One poll: records each message by queue offset, checking it is queue 0's and was sent with that key. */
    private static void collect(DefaultLitePullConsumer consumer, Map<Long, String> received) {
        for (MessageExt message : consumer.poll(500)) {
            assertEquals(0, message.getQueueId(), "only queue 0 has messages");
            assertEquals(BODY_SIZE, message.getBody().length);
            String key = message.getKeys();
            String earlier = received.putIfAbsent(message.getQueueOffset(), key);
            if (earlier != null) {
                assertEquals(earlier, key, "a repeated offset carries the same message");
            }
            assertTrue(key.startsWith("retention-"), key);
        }
    }
}
