package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import fulmen.interop.testing.Await;
import fulmen.interop.testing.FulmenCluster;
import fulmen.interop.testing.FulmenClusterExtension;
import fulmen.interop.testing.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
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
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Broadcasting needs nothing special from a broker (each client pulls every queue and keeps its offsets in a local
 * file), which this proves with the official client: two push consumers of one group in BROADCASTING mode each
 * receive every message, where in CLUSTERING mode they would share them.
 */
@ExtendWith(FulmenClusterExtension.class)
@DisplayName("Fulmen broker: two official RocketMQ 5.3.3 push consumers in BROADCASTING mode each get every message")
class BroadcastingInteropTest {

    private static final String TOPIC = "FulmenBroadcastTopic";
    private static final String GROUP = "FulmenBroadcastGroup";
    private static final int QUEUES = 4;
    private static final int MESSAGES = 40;
    private static final Duration LIMIT = Duration.ofSeconds(40);
    private static final Duration QUIET_PERIOD = Duration.ofMillis(1_500);

    private FulmenCluster cluster;
    private JavaPeers peers;
    private static Path offsetStoreDir;

    /**
     * Broadcasting consumers keep their offsets in local files, under {@code ~/.rocketmq_offsets} unless told
     * otherwise; the client reads the property once, when its offset store class loads.
     */
    @BeforeAll
    static void keepOffsetFilesInATempDir() throws IOException {
        offsetStoreDir = TempDirs.create("fulmen-broadcast-offsets-");
        System.setProperty("rocketmq.client.localOffsetStoreDir", offsetStoreDir.toString());
    }

    @AfterAll
    static void deleteOffsetFiles() throws IOException {
        TempDirs.delete(offsetStoreDir);
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
    void everyConsumerOfTheGroupGetsEveryMessage() throws Exception {
        DefaultMQAdminExt admin = peers.admin();
        admin.createAndUpdateTopicConfig(cluster.brokerAddress(), new TopicConfig(TOPIC, QUEUES, QUEUES));
        TopicRoutes.awaitInNameServer(admin, TOPIC);

        Map<String, Set<String>> received = new ConcurrentHashMap<>();
        List<String> consumers = List.of("first", "second");
        for (String name : consumers) {
            Set<String> bodies = ConcurrentHashMap.newKeySet();
            received.put(name, bodies);
            DefaultMQPushConsumer consumer = peers.pushConsumer(GROUP);
            consumer.setMessageModel(MessageModel.BROADCASTING);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(TOPIC, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt message : messages) {
                    bodies.add(new String(message.getBody(), StandardCharsets.UTF_8));
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
        }
        // Both consumers are up before anything is sent: a broadcasting consumer starts at the queue's end.
        Await.until("both consumers registered", LIMIT,
            () -> admin.examineConsumerConnectionInfo(GROUP).getConnectionSet().size() == consumers.size());

        DefaultMQProducer producer = peers.producer("FulmenBroadcastProducer");
        Set<String> sent = new TreeSet<>();
        for (int i = 0; i < MESSAGES; i++) {
            String body = "broadcast-" + i;
            SendResult result = producer.send(new Message(TOPIC, body.getBytes(StandardCharsets.UTF_8)));
            assertEquals(SendStatus.SEND_OK, result.getSendStatus());
            sent.add(body);
        }
        Await.until("every consumer got every message", LIMIT,
            () -> received.values().stream().allMatch(bodies -> bodies.size() >= MESSAGES));
        Thread.sleep(QUIET_PERIOD.toMillis());
        for (String name : consumers) {
            assertEquals(sent, new TreeSet<>(received.get(name)), name + " got exactly the messages sent");
        }
        List<Integer> queuesSeen = new ArrayList<>();
        for (var queue : admin.examineTopicStats(TOPIC).getOffsetTable().entrySet()) {
            if (queue.getValue().getMaxOffset() > 0) {
                queuesSeen.add(queue.getKey().getQueueId());
            }
        }
        assertEquals(QUEUES, queuesSeen.size(), "the messages were spread over every queue: " + queuesSeen);
    }
}
