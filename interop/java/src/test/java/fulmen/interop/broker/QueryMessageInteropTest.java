package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import fulmen.interop.testing.FulmenCluster;
import fulmen.interop.testing.FulmenClusterExtension;
import java.util.List;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Query by key (QUERY_MESSAGE, code 12) through the mqadmin classes: every message of the standard workload
 * (single sends, the compressed and the large message, selector sends and a batch) is found by its KEYS and by its
 * client message id (UNIQ_KEY), against a fresh {@code fulmen cluster}.
 */
@ExtendWith(FulmenClusterExtension.class)
@DisplayName("Fulmen broker, queried by key with the official RocketMQ 5.3.3 mqadmin classes")
class QueryMessageInteropTest {

    private static final String TOPIC = "FulmenQueryTopic";

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
    void everyMessageIsFoundByKeyAndByUniqueKey() throws Exception {
        long begin = System.currentTimeMillis() - 1_000;
        DefaultMQProducer producer = peers.producer("FulmenQueryProducer");
        Outbox outbox = Outbox.fill(producer, cluster.brokerAddress(), TOPIC);
        long end = System.currentTimeMillis() + 1_000;
        for (SentMessage sent : outbox.all()) {
            String key = sent.message().getKeys();
            QueryResult result = admin.queryMessage(TOPIC, key, 32, begin, end);
            List<MessageExt> found = result.getMessageList();
            assertEquals(1, found.size(), "messages with key " + key + ": " + found);
            sent.assertSameAs(found.get(0));
            assertEquals(true, result.getIndexLastUpdateTimestamp() >= found.get(0).getStoreTimestamp(),
                "indexLastUpdateTimestamp " + result.getIndexLastUpdateTimestamp());

            // The unique-key lookup (QUERY_MESSAGE with _UNIQUE_KEY_QUERY=true, maxNum from the broker).
            QueryResult unique = admin.queryMessageByUniqKey(null, TOPIC, sent.msgId(), 1, begin, end);
            assertEquals(1, unique.getMessageList().size(), "by unique key: " + unique.getMessageList());
            sent.assertSameAs(unique.getMessageList().get(0));
        }
        // viewMessage tries the id as an offset message id first (it is not one), then looks it up by unique key.
        List<SentMessage> all = outbox.all();
        for (SentMessage sent : List.of(all.get(0), all.get(all.size() - 1))) {
            sent.assertSameAs(admin.viewMessage(TOPIC, sent.msgId()));
        }
        SentMessage first = all.get(0);
        assertThrows(MQClientException.class, () -> admin.queryMessage(TOPIC, "no-such-key", 32, begin, end));
        assertThrows(MQClientException.class, () -> admin.queryMessage(TOPIC, first.message().getKeys(), 32, 0,
            begin - 60_000));
    }
}
