package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fulmen.interop.testing.Await;
import fulmen.interop.testing.BrokerSettings;
import fulmen.interop.testing.FulmenCluster;
import fulmen.interop.testing.FulmenClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.admin.TopicStatsTable;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retry and dead-letter queues with the official push consumer: a message its listener keeps failing comes back
 * with reconsumeTimes 1, 2, ... (the client's CONSUMER_SEND_MSG_BACK, stored by the broker in {@code %RETRY%group}
 * with a delay level), and after the consumer's maxReconsumeTimes it lands in {@code %DLQ%group}, where a consumer of
 * that topic and the admin tool find it. The delay levels are shortened to 1 s so the retries come quickly, and
 * each retry waits for its level before it comes back.
 */
@ExtendWith(FulmenClusterExtension.class)
@BrokerSettings("messageDelayLevel=1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s")
@DisplayName("Fulmen broker: retries and dead-letter queue with official RocketMQ 5.3.3 push consumers")
class RetryDlqInteropTest {

    private static final String TOPIC = "FulmenRetryTopic";
    private static final int MAX_RECONSUME_TIMES = 3;
    private static final Duration LIMIT = Duration.ofSeconds(40);
    /** Every delay level is 1 s here; a retry comes back through SCHEDULE_TOPIC_XXXX no sooner. */
    private static final Duration RETRY_DELAY = Duration.ofMillis(900);
    /** After the last expected delivery, how long no further one may come. */
    private static final Duration QUIET_PERIOD = Duration.ofMillis(2_500);

    private FulmenCluster cluster;
    private JavaPeers peers;

    @BeforeEach
    void start(FulmenCluster cluster) throws Exception {
        this.cluster = cluster;
        peers = new JavaPeers(cluster.namesrvAddress());
    }

    @AfterEach
    void stopPeers() throws Exception {
        peers.close();
    }

    @Test
    void aFailedMessageIsRetriedThenDeadLettered() throws Exception {
        String group = "FulmenRetryGroup";
        DefaultMQAdminExt admin = createTopic();
        SendResult sent = sendOne("retry-me");

        // The broker creates the retry topic at the consumer's first heartbeat, after the client looked up its
        // routes, so the client would only take its queue at its next rebalance (20 s); made beforehand, the
        // retry queue is the client's from the start.
        admin.createAndUpdateTopicConfig(cluster.brokerAddress(), new TopicConfig("%RETRY%" + group, 1, 1));
        TopicRoutes.awaitInNameServer(admin, "%RETRY%" + group);

        List<MessageExt> deliveries = new CopyOnWriteArrayList<>();
        List<Long> deliveredAt = new CopyOnWriteArrayList<>();
        DefaultMQPushConsumer consumer = peers.pushConsumer(group);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setMaxReconsumeTimes(MAX_RECONSUME_TIMES);
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            deliveries.addAll(messages);
            messages.forEach(message -> deliveredAt.add(System.nanoTime()));
            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
        });
        consumer.start();

        int expected = MAX_RECONSUME_TIMES + 1;
        Await.until(expected + " deliveries", LIMIT, () -> deliveries.size() >= expected);
        Thread.sleep(QUIET_PERIOD.toMillis());
        List<Integer> times = new ArrayList<>();
        for (MessageExt delivery : deliveries) {
            times.add(delivery.getReconsumeTimes());
            assertSameMessage(sent, "retry-me", delivery);
            assertEquals(TOPIC, delivery.getTopic(), "the client shows a retry under its original topic");
        }
        assertEquals(List.of(0, 1, 2, 3), times, "delivered once, then retried with reconsumeTimes 1, 2, 3");
        for (int i = 1; i < deliveredAt.size(); i++) {
            Duration gap = Duration.ofNanos(deliveredAt.get(i) - deliveredAt.get(i - 1));
            assertTrue(gap.compareTo(RETRY_DELAY) >= 0,
                "retry " + i + " came after its delay level (1 s here), not at once: " + gap);
        }

        String deadLetterTopic = "%DLQ%" + group;
        TopicRoutes.awaitInNameServer(admin, deadLetterTopic, LIMIT);
        TopicStatsTable stats = admin.examineTopicStats(deadLetterTopic);
        long stored = stats.getOffsetTable().values().stream().mapToLong(s -> s.getMaxOffset()).sum();
        assertEquals(1, stored, "one message in " + deadLetterTopic);
        MessageExt dead = readOne(deadLetterTopic);
        assertSameMessage(sent, "retry-me", dead);
        assertEquals(MAX_RECONSUME_TIMES + 1, dead.getReconsumeTimes());
        assertEquals(TOPIC, dead.getProperty(MessageConst.PROPERTY_RETRY_TOPIC));
    }

    @Test
    void anOrderlyConsumerThatGivesUpSendsTheMessageToTheDeadLetterTopic() throws Exception {
        String group = "FulmenOrderlyRetryGroup";
        DefaultMQAdminExt admin = createTopic();
        SendResult sent = sendOne("orderly-poison");

        List<MessageExt> attempts = new CopyOnWriteArrayList<>();
        DefaultMQPushConsumer consumer = peers.pushConsumer(group);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setMaxReconsumeTimes(2);
        consumer.setSuspendCurrentQueueTimeMillis(100);
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
            attempts.addAll(messages);
            return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        });
        consumer.start();

        String deadLetterTopic = "%DLQ%" + group;
        TopicRoutes.awaitInNameServer(admin, deadLetterTopic, LIMIT);
        MessageExt dead = readOne(deadLetterTopic);
        assertSameMessage(sent, "orderly-poison", dead);
        assertEquals("-1", dead.getProperty(MessageConst.PROPERTY_DELAY_TIME_LEVEL),
            "Java's broker marks a retry message it dead-letters with DELAY=-1");
        assertEquals(3, attempts.size(), "the orderly client tried three times locally: " + attempts);
    }

    private DefaultMQAdminExt createTopic() throws Exception {
        DefaultMQAdminExt admin = peers.admin();
        admin.createAndUpdateTopicConfig(cluster.brokerAddress(), new TopicConfig(TOPIC, 1, 1));
        TopicRoutes.awaitInNameServer(admin, TOPIC);
        return admin;
    }

    private SendResult sendOne(String body) throws Exception {
        DefaultMQProducer producer = peers.producer("FulmenRetryProducer");
        Message message = new Message(TOPIC, "TagR", "key-r", body.getBytes(StandardCharsets.UTF_8));
        message.putUserProperty("origin", "java");
        SendResult sent = producer.send(message);
        assertEquals(SendStatus.SEND_OK, sent.getSendStatus());
        return sent;
    }

    /** Reads the only message of a dead-letter topic with a push consumer of a new group, from the first offset. */
    private MessageExt readOne(String topic) throws Exception {
        List<MessageExt> read = new CopyOnWriteArrayList<>();
        DefaultMQPushConsumer reader = peers.pushConsumer("FulmenDlqReader" + Math.abs(topic.hashCode()));
        reader.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        reader.subscribe(topic, "*");
        reader.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            read.addAll(messages);
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        reader.start();
        Await.until("a message consumed from " + topic, LIMIT, () -> !read.isEmpty());
        Thread.sleep(QUIET_PERIOD.toMillis());
        assertEquals(1, read.size(), "one message in " + topic);
        return read.get(0);
    }

    private static void assertSameMessage(SendResult sent, String body, MessageExt message) {
        assertEquals(body, new String(message.getBody(), StandardCharsets.UTF_8));
        assertEquals(sent.getMsgId(), message.getMsgId(), "the msgId (UNIQ_KEY) stays the producer's");
        assertEquals("TagR", message.getTags());
        assertEquals("key-r", message.getKeys());
        assertEquals("java", message.getUserProperty("origin"));
    }
}
