package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fulmen.interop.testing.Await;
import fulmen.interop.testing.FulmenCluster;
import fulmen.interop.testing.FulmenClusterExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.body.CMResult;
import org.apache.rocketmq.remoting.protocol.body.ConsumeMessageDirectlyResult;
import org.apache.rocketmq.remoting.protocol.body.ConsumerRunningInfo;
import org.apache.rocketmq.remoting.protocol.body.GroupList;
import org.apache.rocketmq.remoting.protocol.body.SubscriptionGroupWrapper;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Consumer-group administration with the mqadmin classes ({@code DefaultMQAdminExt}): subscription groups created,
 * read, listed and deleted (mqadmin's updateSubGroup / getSubscriptionGroup / deleteSubGroup), the groups consuming a
 * topic, {@code resetOffsetByTimestamp} (mqadmin resetOffsetByTime) moving a live push consumer back so it
 * consumes everything again, and the calls the broker forwards to a consumer (mqadmin consumerStatus and
 * consumeMessage).
 */
@ExtendWith(FulmenClusterExtension.class)
@DisplayName("Fulmen broker: consumer groups administered by the official RocketMQ 5.3.3 mqadmin classes")
class GroupAdminInteropTest {

    private static final String TOPIC = "FulmenGroupAdminTopic";
    private static final int QUEUES = 2;
    private static final int MESSAGES = 20;
    private static final Duration LIMIT = Duration.ofSeconds(40);

    private FulmenCluster cluster;
    private JavaPeers peers;
    private DefaultMQAdminExt admin;

    @BeforeEach
    void startAdmin(FulmenCluster cluster) throws Exception {
        this.cluster = cluster;
        peers = new JavaPeers(cluster.namesrvAddress());
        admin = peers.admin();
    }

    @AfterEach
    void stopPeers() throws Exception {
        peers.close();
    }

    @Test
    void subscriptionGroupsAreCreatedReadListedAndDeleted() throws Exception {
        String group = "FulmenAdminGroup";
        SubscriptionGroupConfig config = new SubscriptionGroupConfig();
        config.setGroupName(group);
        config.setRetryMaxTimes(5);
        config.setRetryQueueNums(2);
        config.setConsumeBroadcastEnable(false);
        admin.createAndUpdateSubscriptionGroupConfig(cluster.brokerAddress(), config);

        SubscriptionGroupConfig read = admin.examineSubscriptionGroupConfig(cluster.brokerAddress(), group);
        assertEquals(5, read.getRetryMaxTimes());
        assertEquals(2, read.getRetryQueueNums());
        assertEquals(false, read.isConsumeBroadcastEnable());
        SubscriptionGroupWrapper all = admin.getAllSubscriptionGroup(cluster.brokerAddress(), 6_000);
        assertEquals(5, all.getSubscriptionGroupTable().get(group).getRetryMaxTimes());
        assertTrue(all.getSubscriptionGroupTable().containsKey("TOOLS_CONSUMER"), "the system groups are listed");

        admin.deleteSubscriptionGroup(cluster.brokerAddress(), group, true);
        SubscriptionGroupWrapper after = admin.getAllSubscriptionGroup(cluster.brokerAddress(), 6_000);
        assertTrue(!after.getSubscriptionGroupTable().containsKey(group), "deleted");
        assertNull(admin.examineSubscriptionGroupConfig(cluster.brokerAddress(), group), "deleted");
    }

    @Test
    void resetOffsetByTimestampMakesALiveConsumerConsumeAgain() throws Exception {
        String group = "FulmenResetGroup";
        createTopic();
        DefaultMQProducer producer = peers.producer("FulmenResetProducer");
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < MESSAGES; i++) {
            String body = "reset-" + i;
            Message message = new Message(TOPIC, body.getBytes(StandardCharsets.UTF_8));
            assertEquals(SendStatus.SEND_OK, producer.send(message).getSendStatus());
            sent.add(body);
        }

        List<String> received = startConsuming(group);
        Await.until("every message consumed once", LIMIT, () -> new HashSet<>(received).equals(sent));
        Await.until("the group's offsets committed", LIMIT,
            () -> admin.examineConsumeStats(group).computeTotalDiff() == 0);
        GroupList consumers = admin.queryTopicConsumeByWho(TOPIC);
        assertTrue(consumers.getGroupList().contains(group), "the topic's consumers: " + consumers.getGroupList());

        int before = received.size();
        Map<MessageQueue, Long> reset = admin.resetOffsetByTimestamp(TOPIC, group, 0L, true);
        assertEquals(QUEUES, reset.size(), "every queue reset: " + reset);
        for (Long offset : reset.values()) {
            assertEquals(0L, offset, "timestamp 0 is each queue's first message");
        }
        Await.until("every message consumed a second time", LIMIT,
            () -> new HashSet<>(received.subList(before, received.size())).equals(sent));
    }

    @Test
    void aConsumerIsAskedForItsStatusAndToConsumeAStoredMessage() throws Exception {
        String group = "FulmenDirectGroup";
        createTopic();
        DefaultMQProducer producer = peers.producer("FulmenDirectProducer");
        SendResult sent = producer.send(new Message(TOPIC, "direct".getBytes(StandardCharsets.UTF_8)));
        assertEquals(SendStatus.SEND_OK, sent.getSendStatus());

        List<String> received = startConsuming(group);
        Await.until("the message consumed", LIMIT, () -> received.size() == 1);
        String clientId = admin.examineConsumerConnectionInfo(group).getConnectionSet().iterator().next().getClientId();

        // mqadmin consumerStatus: the broker forwards GET_CONSUMER_RUNNING_INFO to the client and relays its answer.
        ConsumerRunningInfo info = admin.getConsumerRunningInfo(group, clientId, false);
        assertTrue(info.getSubscriptionSet().stream().anyMatch(s -> s.getTopic().equals(TOPIC)),
            "the client's subscriptions: " + info.getSubscriptionSet());

        // mqadmin consumeMessage (the dashboard's resend): the broker attaches the stored message.
        ConsumeMessageDirectlyResult result = admin.consumeMessageDirectly(group, clientId, TOPIC, sent.getMsgId());
        assertEquals(CMResult.CR_SUCCESS, result.getConsumeResult());
        assertEquals(List.of("direct", "direct"), received, "the listener consumed it a second time");
    }

    private void createTopic() throws Exception {
        admin.createAndUpdateTopicConfig(cluster.brokerAddress(), new TopicConfig(TOPIC, QUEUES, QUEUES));
        TopicRoutes.awaitInNameServer(admin, TOPIC);
    }

    /** Starts a push consumer of {@code group} from the first offset; the bodies it consumes, in order. */
    private List<String> startConsuming(String group) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        DefaultMQPushConsumer consumer = peers.pushConsumer(group);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt message : messages) {
                received.add(new String(message.getBody(), StandardCharsets.UTF_8));
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return received;
    }
}
