package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fulmen.interop.testing.Await;
import fulmen.interop.testing.FulmenCluster;
import fulmen.interop.testing.FulmenClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The official {@code DefaultMQProducer} against a fresh {@code fulmen cluster} per test: sync, async, oneway, batch
 * and selector sends, small and large bodies, to a topic the broker auto-creates from TBW102.
 */
@ExtendWith(FulmenClusterExtension.class)
@DisplayName("Fulmen broker, fed by the official RocketMQ 5.3.3 producer")
class ProducerInteropTest {

    private static final String TOPIC = "FulmenProducerTopic";
    private static final Duration SEND_LIMIT = Duration.ofSeconds(20);

    private FulmenCluster cluster;
    private JavaPeers peers;
    private DefaultMQProducer producer;

    @BeforeEach
    void startProducer(FulmenCluster cluster) throws Exception {
        this.cluster = cluster;
        peers = new JavaPeers(cluster.namesrvAddress());
        producer = peers.producer("FulmenProducerGroup");
    }

    @AfterEach
    void stopPeers() throws Exception {
        peers.close();
    }

    @Test
    void syncSendWithTagsKeysAndProperties() throws Exception {
        List<SentMessage> sent = new SendChecks(cluster.brokerAddress())
            .sendAll(producer, Workload.small(TOPIC, "sync", 20));
        assertEquals(20, sent.size());
        assertEquals(20, sent.stream().map(SentMessage::msgId).distinct().count(), "distinct msgIds");
        assertEquals(20, sent.stream().map(SentMessage::offsetMsgId).distinct().count(), "distinct offsetMsgIds");
        assertTrue(sent.stream().map(SentMessage::queueId).distinct().count() > 1, "spread over several queues");
    }

    @Test
    void compressedAndLargeBodies() throws Exception {
        List<SentMessage> sent = new SendChecks(cluster.brokerAddress())
            .sendAll(producer, List.of(Workload.compressible(TOPIC), Workload.large(TOPIC)));
        assertEquals(2, sent.size());
    }

    @Test
    void asyncSend() throws Exception {
        SendChecks checks = new SendChecks(cluster.brokerAddress(), false);
        List<Message> messages = Workload.small(TOPIC, "async", 10);
        CountDownLatch done = new CountDownLatch(messages.size());
        List<Object> outcomes = Collections.synchronizedList(new ArrayList<>());
        for (Message message : messages) {
            producer.send(message, new SendCallback() {
                @Override
                public void onSuccess(SendResult result) {
                    try {
                        checks.check(message, result);
                        outcomes.add(result);
                    } catch (Throwable e) {
                        outcomes.add(e);
                    }
                    done.countDown();
                }

                @Override
                public void onException(Throwable e) {
                    outcomes.add(e);
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(SEND_LIMIT.toMillis(), TimeUnit.MILLISECONDS), "all async sends completed");
        for (Object outcome : outcomes) {
            if (outcome instanceof Throwable failure) {
                throw new AssertionError("async send failed: " + failure, failure);
            }
        }
        assertEquals(messages.size(), outcomes.size());
    }

    @Test
    void onewaySendIsStored() throws Exception {
        // A sync send first, so the topic exists and its queues are known before counting.
        new SendChecks(cluster.brokerAddress()).sendAll(producer, Workload.small(TOPIC, "first", 1));
        for (Message message : Workload.small(TOPIC, "oneway", 10)) {
            producer.sendOneway(message);
        }
        List<MessageQueue> queues = TopicRoutes.await(TOPIC, () -> producer.fetchPublishMessageQueues(TOPIC));
        Await.until("11 messages stored in " + TOPIC, SEND_LIMIT, () -> {
            long total = 0;
            for (MessageQueue queue : queues) {
                total += producer.maxOffset(queue);
            }
            return total == 11;
        });
    }

    @Test
    void batchSend() throws Exception {
        List<Message> batch = Workload.small(TOPIC, "batch", 8);
        SendResult result = producer.send(batch);
        assertEquals(SendStatus.SEND_OK, result.getSendStatus(), "batch send status of " + result);
        String[] msgIds = result.getMsgId().split(",");
        String[] offsetMsgIds = result.getOffsetMsgId().split(",");
        assertEquals(batch.size(), msgIds.length, "one msgId per batched message: " + result.getMsgId());
        assertEquals(batch.size(), offsetMsgIds.length, "one offsetMsgId per message: " + result.getOffsetMsgId());
        assertEquals(batch.size(), Set.of(msgIds).size(), "distinct msgIds");
        MessageQueue queue = result.getMessageQueue();
        assertEquals(0, result.getQueueOffset(), "a fresh queue's first offset");
        assertEquals(batch.size(), producer.maxOffset(queue), "max offset of " + queue + " after the batch");
    }

    @Test
    void selectorSendsToTheChosenQueue() throws Exception {
        SendChecks checks = new SendChecks(cluster.brokerAddress());
        Set<Integer> chosen = ConcurrentHashMap.newKeySet();
        List<Message> messages = Workload.small(TOPIC, "selected", 6);
        for (int i = 0; i < messages.size(); i++) {
            int wanted = i % 2 == 0 ? 1 : 3;
            SendResult result = producer.send(messages.get(i), (queues, message, arg) -> {
                chosen.add(queues.size());
                return queues.get((Integer) arg);
            }, wanted);
            SentMessage sent = checks.check(messages.get(i), result);
            assertEquals(wanted, sent.queueId(), "queue of message " + i);
            assertEquals(i / 2, sent.queueOffset(), "offset of message " + i);
        }
        assertEquals(Set.of(4), chosen, "the selector saw the auto-created topic's 4 queues");
    }
}
