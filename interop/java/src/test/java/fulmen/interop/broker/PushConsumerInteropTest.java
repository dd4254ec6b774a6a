package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fulmen.interop.testing.Await;
import fulmen.interop.testing.FulmenCluster;
import fulmen.interop.testing.FulmenClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The official {@code DefaultMQPushConsumer} (concurrent, clustering, from the first offset) against a fresh
 * {@code fulmen cluster}: it gets every message as sent, a tag subscription gets only its tag, and two members of
 * one group split the queues between them.
 */
@ExtendWith(FulmenClusterExtension.class)
@DisplayName("Fulmen broker, consumed by the official RocketMQ 5.3.3 push consumer")
class PushConsumerInteropTest {

    private static final String TOPIC = "FulmenPushTopic";
    private static final Duration CONSUME_LIMIT = Duration.ofSeconds(30);
    /** After the expected messages arrived, how long to watch for unexpected ones. */
    private static final Duration QUIET_PERIOD = Duration.ofMillis(1_500);

    private FulmenCluster cluster;
    private JavaPeers peers;
    private DefaultMQProducer producer;

    @BeforeEach
    void startProducer(FulmenCluster cluster) throws Exception {
        this.cluster = cluster;
        peers = new JavaPeers(cluster.namesrvAddress());
        producer = peers.producer("FulmenPushProducer");
    }

    @AfterEach
    void stopPeers() throws Exception {
        peers.close();
    }

    @Test
    void receivesEveryMessageAsSent() throws Exception {
        Outbox outbox = Outbox.fill(producer, cluster.brokerAddress(), TOPIC);
        Inbox inbox = Inbox.start(peers.pushConsumer("FulmenPushAll"), TOPIC, "*");
        awaitCount(inbox, outbox.all().size());
        outbox.assertReceivedExactly(m -> true, inbox.received());
    }

    @Test
    void tagSubscriptionReceivesOnlyThatTag() throws Exception {
        Outbox outbox = Outbox.fill(producer, cluster.brokerAddress(), TOPIC);
        Inbox inbox = Inbox.start(peers.pushConsumer("FulmenPushTagA"), TOPIC, Workload.TAG_A);
        int expected = outbox.tagged(Workload.TAG_A).size();
        assertTrue(expected > 0 && expected < outbox.all().size(), "the workload mixes tags");
        awaitCount(inbox, expected);
        outbox.assertReceivedExactly(m -> Workload.TAG_A.equals(m.message().getTags()), inbox.received());
    }

    @Test
    void twoMembersOfOneGroupSplitTheQueues() throws Exception {
        DefaultMQAdminExt admin = peers.admin();
        admin.createAndUpdateTopicConfig(cluster.brokerAddress(), new TopicConfig(TOPIC, 4, 4));
        TopicRoutes.awaitInNameServer(admin, TOPIC);
        String group = "FulmenPushShared";
        DefaultMQPushConsumer first = peers.pushConsumer(group);
        DefaultMQPushConsumer second = peers.pushConsumer(group);
        Inbox firstInbox = Inbox.start(first, TOPIC, "*");
        Inbox secondInbox = Inbox.start(second, TOPIC, "*");
        Await.until("both members own 2 of the 4 queues", CONSUME_LIMIT,
            () -> ownedQueues(first).size() == 2 && ownedQueues(second).size() == 2);
        Set<MessageQueue> firstQueues = ownedQueues(first);
        assertTrue(ownedQueues(second).stream().noneMatch(firstQueues::contains), "disjoint assignments");

        Outbox outbox = Outbox.fill(producer, cluster.brokerAddress(), TOPIC);
        try {
            Await.until("the group received " + outbox.all().size() + " messages", CONSUME_LIMIT,
                () -> firstInbox.size() + secondInbox.size() >= outbox.all().size());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; received " + firstInbox.size() + " + " + secondInbox.size()
                + "; " + ConsumerState.describe(first) + "; " + ConsumerState.describe(second), e);
        }
        Thread.sleep(QUIET_PERIOD.toMillis());
        assertTrue(firstInbox.size() > 0, "the first member got some messages");
        assertTrue(secondInbox.size() > 0, "the second member got some messages");
        for (MessageExt message : firstInbox.received()) {
            assertTrue(firstQueues.contains(new MessageQueue(TOPIC, message.getBrokerName(), message.getQueueId())),
                "first member got a message of queue " + message.getQueueId() + " only from its own queues");
        }
        List<MessageExt> together = new ArrayList<>(firstInbox.received());
        together.addAll(secondInbox.received());
        outbox.assertReceivedExactly(m -> true, together);
    }

    private static Set<MessageQueue> ownedQueues(DefaultMQPushConsumer consumer) {
        return consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().keySet().stream()
            .filter(queue -> queue.getTopic().equals(TOPIC)).collect(Collectors.toSet());
    }

    private static void awaitCount(Inbox inbox, int expected) throws Exception {
        Await.until(expected + " messages consumed", CONSUME_LIMIT, () -> inbox.size() >= expected);
        Thread.sleep(QUIET_PERIOD.toMillis());
        assertEquals(expected, inbox.size(), "messages consumed after a quiet period");
    }
}
