package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fulmen.interop.testing.Await;
import fulmen.interop.testing.FulmenCluster;
import fulmen.interop.testing.FulmenClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Delayed delivery with the official RocketMQ 5.3.3 Java client against {@code fulmen cluster}: a delay level
 * ({@code setDelayTimeLevel}, SCHEDULE_TOPIC_XXXX) and a 5.x timer message ({@code setDeliverTimeMs},
 * rmq_sys_wheel_timer) reach a push consumer when due and not before, with their body, tags, keys, user properties
 * and client message id intact and the REAL_TOPIC / REAL_QID properties Java's broker leaves on them (both paths
 * build the stored properties string before clearing those keys from the property map); a deliver
 * time beyond the broker's 3-day limit is refused; and short custom levels ({@code messageDelayLevel}) apply.
 */
@ExtendWith(FulmenClusterExtension.class)
@DisplayName("Fulmen broker, delay levels and timer messages with the official RocketMQ 5.3.3 client")
class DelayMessageInteropTest {

    /** How late a due message may reach the consumer (delivery rounds, pull and consume scheduling). */
    private static final long LATENESS_MILLIS = 3_000;

    private JavaPeers peers;

    @BeforeEach
    void start(FulmenCluster cluster) {
        peers = new JavaPeers(cluster.namesrvAddress());
    }

    @AfterEach
    void stopPeers() throws Exception {
        peers.close();
    }

    /** A message a push consumer was given, and when. */
    private record Arrival(MessageExt message, long atMillis) {
    }

    /** Collects what a push consumer of {@code topics} receives, with arrival times. */
    private List<Arrival> consume(JavaPeers peers, String group, String... topics) throws Exception {
        List<Arrival> arrivals = new ArrayList<>();
        DefaultMQPushConsumer consumer = peers.pushConsumer(group);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        for (String topic : topics) {
            consumer.subscribe(topic, "*");
        }
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            long now = System.currentTimeMillis();
            synchronized (arrivals) {
                for (MessageExt message : messages) {
                    arrivals.add(new Arrival(message, now));
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return arrivals;
    }

    private static Arrival awaitOne(List<Arrival> arrivals, String topic, Duration limit) throws Exception {
        Await.until("a message in " + topic, limit, () -> {
            synchronized (arrivals) {
                return arrivals.stream().anyMatch(arrival -> arrival.message().getTopic().equals(topic));
            }
        });
        synchronized (arrivals) {
            List<Arrival> found = arrivals.stream().filter(a -> a.message().getTopic().equals(topic)).toList();
            assertEquals(1, found.size(), "arrivals in " + topic);
            return found.get(0);
        }
    }

    private static Message message(String topic, String body) {
        Message message = new Message(topic, "TagD", "key-" + topic, body.getBytes(StandardCharsets.UTF_8));
        message.putUserProperty("color", "blue");
        return message;
    }

    private static void assertIntact(Message sent, SendResult result, Arrival arrival) {
        MessageExt received = arrival.message();
        assertEquals(new String(sent.getBody(), StandardCharsets.UTF_8),
            new String(received.getBody(), StandardCharsets.UTF_8));
        assertEquals("TagD", received.getTags());
        assertEquals(sent.getKeys(), received.getKeys());
        assertEquals("blue", received.getUserProperty("color"));
        assertEquals(result.getMsgId(), received.getMsgId(), "the client message id (UNIQ_KEY)");
        assertEquals(sent.getTopic(), received.getProperty(MessageConst.PROPERTY_REAL_TOPIC));
        assertEquals(String.valueOf(received.getQueueId()), received.getProperty(MessageConst.PROPERTY_REAL_QUEUE_ID));
        assertEquals(result.getMessageQueue().getQueueId(), received.getQueueId(), "delivered to the queue it was sent to");
    }

    @Test
    void aDelayLevelAndATimerMessageArriveWhenDueAndNotBefore() throws Exception {
        DefaultMQProducer producer = peers.producer("FulmenDelayProducer");

        Message delayed = message("FulmenDelayLevelTopic", "level 3");
        delayed.setDelayTimeLevel(3);
        long delayedSentAt = System.currentTimeMillis();
        SendResult delayedResult = producer.send(delayed);
        assertEquals(SendStatus.SEND_OK, delayedResult.getSendStatus());

        Message timed = message("FulmenTimerTopic", "in 5 s");
        long deliverAt = System.currentTimeMillis() + 5_000;
        timed.setDeliverTimeMs(deliverAt);
        SendResult timedResult = producer.send(timed);
        assertEquals(SendStatus.SEND_OK, timedResult.getSendStatus());

        // Beyond the 3-day limit (timerMaxDelaySec): MESSAGE_ILLEGAL with Java's remark.
        Message tooLate = message("FulmenTimerTopic", "in 4 days");
        tooLate.setDeliverTimeMs(System.currentTimeMillis() + Duration.ofDays(4).toMillis());
        MQBrokerException refused = assertThrows(MQBrokerException.class, () -> producer.send(tooLate));
        assertEquals(13, refused.getResponseCode());
        assertTrue(refused.getErrorMessage().contains("the delay time should not be bigger than the max delay"),
            refused.getErrorMessage());

        List<Arrival> arrivals = consume(peers, "FulmenDelayConsumer", "FulmenDelayLevelTopic", "FulmenTimerTopic");

        Arrival timedArrival = awaitOne(arrivals, "FulmenTimerTopic", Duration.ofSeconds(5 + 3 + 2));
        // The broker rounds the deliver time down to its 1 s precision.
        assertTrue(timedArrival.atMillis() >= deliverAt - 1_000, "timer message " + (deliverAt - timedArrival.atMillis())
            + " ms early");
        assertTrue(timedArrival.atMillis() <= deliverAt + LATENESS_MILLIS, "timer message "
            + (timedArrival.atMillis() - deliverAt) + " ms late");
        assertIntact(timed, timedResult, timedArrival);
        assertEquals(String.valueOf(deliverAt / 1000 * 1000),
            timedArrival.message().getProperty(MessageConst.PROPERTY_TIMER_OUT_MS));

        Arrival delayedArrival = awaitOne(arrivals, "FulmenDelayLevelTopic", Duration.ofSeconds(10 + 3));
        long after = delayedArrival.atMillis() - delayedSentAt;
        assertTrue(after >= 10_000, "level 3 (10 s) arrived after " + after + " ms");
        assertTrue(after <= 10_000 + LATENESS_MILLIS, "level 3 (10 s) arrived after " + after + " ms");
        assertIntact(delayed, delayedResult, delayedArrival);
        // Java's broker clears DELAY from the property map only after serializing it, so it stays on the message.
        assertEquals("3", delayedArrival.message().getProperty(MessageConst.PROPERTY_DELAY_TIME_LEVEL));
    }

    @Test
    void shortCustomLevelsApply() throws Exception {
        try (FulmenCluster custom = FulmenCluster.start(Map.of("messageDelayLevel", "1s 2s 3s"));
             JavaPeers customPeers = new JavaPeers(custom.namesrvAddress())) {
            DefaultMQProducer producer = customPeers.producer("FulmenShortDelayProducer");
            Message delayed = message("FulmenShortDelayTopic", "level 2");
            delayed.setDelayTimeLevel(2);
            long sentAt = System.currentTimeMillis();
            SendResult result = producer.send(delayed);
            List<Arrival> arrivals = consume(customPeers, "FulmenShortDelayConsumer", "FulmenShortDelayTopic");
            Arrival arrival = awaitOne(arrivals, "FulmenShortDelayTopic", Duration.ofSeconds(2 + 3));
            long after = arrival.atMillis() - sentAt;
            assertTrue(after >= 2_000 && after <= 2_000 + LATENESS_MILLIS, "level 2 (2 s) arrived after " + after + " ms");
            assertIntact(delayed, result, arrival);
        }
    }
}
