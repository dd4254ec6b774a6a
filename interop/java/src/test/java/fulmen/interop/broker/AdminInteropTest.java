package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fulmen.interop.testing.Await;
import fulmen.interop.testing.FulmenCluster;
import fulmen.interop.testing.FulmenClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The mqadmin tool's {@code DefaultMQAdminExt} against a fresh {@code fulmen cluster}: topic creation on the broker
 * and its route, cluster info, consume stats of a push consumer's group, and the message and offset look-ups.
 */
@ExtendWith(FulmenClusterExtension.class)
@DisplayName("Fulmen broker, administered by the official RocketMQ 5.3.3 mqadmin classes")
class AdminInteropTest {

    private static final String TOPIC = "FulmenAdminTopic";
    private static final Duration LIMIT = Duration.ofSeconds(30);

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
    void createdTopicShowsInItsRoute() throws Exception {
        admin.createAndUpdateTopicConfig(cluster.brokerAddress(), new TopicConfig(TOPIC, 4, 8, PermName.PERM_READ
            | PermName.PERM_WRITE));
        Await.until("route of " + TOPIC + " with 8 write and 4 read queues", LIMIT, () -> {
            try {
                List<QueueData> queues = admin.examineTopicRouteInfo(TOPIC).getQueueDatas();
                return queues.size() == 1 && queues.get(0).getWriteQueueNums() == 8
                    && queues.get(0).getReadQueueNums() == 4;
            } catch (Exception e) {
                return false;
            }
        });
        TopicRouteData route = admin.examineTopicRouteInfo(TOPIC);
        QueueData queues = route.getQueueDatas().get(0);
        assertEquals(FulmenCluster.BROKER_NAME, queues.getBrokerName());
        assertEquals(PermName.PERM_READ | PermName.PERM_WRITE, queues.getPerm());
        assertEquals(1, route.getBrokerDatas().size(), "brokers of the route");
        assertEquals(cluster.brokerAddress(), route.getBrokerDatas().get(0).getBrokerAddrs().get(0L));
    }

    @Test
    void clusterInfoNamesTheBroker() throws Exception {
        ClusterInfo info = admin.examineBrokerClusterInfo();
        BrokerData broker = info.getBrokerAddrTable().get(FulmenCluster.BROKER_NAME);
        assertNotNull(broker, "broker " + FulmenCluster.BROKER_NAME + " in " + info.getBrokerAddrTable());
        assertEquals(Map.of(0L, cluster.brokerAddress()), Map.copyOf(broker.getBrokerAddrs()));
        Set<String> names = info.getClusterAddrTable().get(broker.getCluster());
        assertEquals(Set.of(FulmenCluster.BROKER_NAME), names, "brokers of cluster " + broker.getCluster());
    }

    @Test
    void consumeStatsBacklogDrainsToZero() throws Exception {
        DefaultMQProducer producer = peers.producer("FulmenAdminProducer");
        Outbox outbox = Outbox.fill(producer, cluster.brokerAddress(), TOPIC);
        String group = "FulmenAdminStatsGroup";
        Inbox inbox = Inbox.start(peers.pushConsumer(group), TOPIC, "*");
        Await.until("all messages consumed", LIMIT, () -> inbox.size() >= outbox.all().size());
        // The push consumer commits its offsets periodically (persistConsumerOffsetInterval, 1 s here).
        Await.until("the backlog of " + group + " is zero", LIMIT,
            () -> admin.examineConsumeStats(group).computeTotalDiff() == 0);
        ConsumeStats stats = admin.examineConsumeStats(group);
        long brokerOffsets = stats.getOffsetTable().values().stream().mapToLong(o -> o.getBrokerOffset()).sum();
        assertEquals(outbox.all().size(), brokerOffsets, "broker offsets over all queues: " + stats.getOffsetTable());
    }

    @Test
    void viewMessageAndOffsetLookups() throws Exception {
        long before = System.currentTimeMillis();
        DefaultMQProducer producer = peers.producer("FulmenAdminProducer");
        Outbox outbox = Outbox.fill(producer, cluster.brokerAddress(), TOPIC);
        for (SentMessage sent : outbox.all()) {
            MessageExt viewed = admin.viewMessage(TOPIC, sent.offsetMsgId());
            sent.assertSameAs(viewed);
        }
        long total = 0;
        for (MessageQueue queue : TopicRoutes.await(TOPIC, () -> producer.fetchPublishMessageQueues(TOPIC))) {
            long max = admin.maxOffset(queue);
            assertEquals(0, admin.minOffset(queue), "min offset of " + queue);
            assertEquals(0, admin.searchOffset(queue, before - 1_000), "offset before the first send in " + queue);
            if (max > 0) {
                long earliest = admin.earliestMsgStoreTime(queue);
                assertTrue(earliest >= before - 1_000 && earliest <= System.currentTimeMillis(),
                    "earliest store time " + earliest + " of " + queue);
            }
            total += max;
        }
        assertEquals(outbox.all().size(), total, "max offsets over all queues");
    }
}
