package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fulmen.interop.testing.Await;
import fulmen.interop.testing.FulmenBroker;
import fulmen.interop.testing.FulmenCluster;
import fulmen.interop.testing.FulmenNameServer;
import fulmen.interop.testing.TempDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The official {@code TransactionMQProducer} against Fulmen: a committed message reaches a push consumer as sent
 * (same msgId, body, tags, keys and properties), a rolled-back one never does, and a transaction left UNKNOW is
 * resolved by the broker's check-back (CHECK_TRANSACTION_STATE, with {@code TRANSACTION_CHECK_TIMES}) to commit or
 * rollback, also when the broker was killed and restarted in between. The broker checks every second and checks
 * half messages older than 1.5 s, so the whole class runs in well under a minute.
 */
@DisplayName("Fulmen broker transactions with the official RocketMQ 5.3.3 TransactionMQProducer")
class TransactionInteropTest {

    private static final String TOPIC = "FulmenTxTopic";
    private static final String CASE = "txCase";
    private static final Map<String, String> QUICK_CHECKS = Map.of(
        "transactionCheckInterval", "1000",
        "transactionTimeOut", "1500");
    private static final Duration LIMIT = Duration.ofSeconds(30);
    /** Several check intervals past the half messages' timeout: long enough for a wrong delivery to show. */
    private static final Duration QUIET_PERIOD = Duration.ofSeconds(4);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** How the local transaction of each case ends, and what the check-back answers. */
    private static final class Verdicts implements TransactionListener {
        final Map<String, MessageExt> checked = new ConcurrentHashMap<>();

        @Override
        public LocalTransactionState executeLocalTransaction(Message message, Object arg) {
            switch (message.getUserProperty(CASE)) {
                case "commit":
                    return LocalTransactionState.COMMIT_MESSAGE;
                case "rollback":
                    return LocalTransactionState.ROLLBACK_MESSAGE;
                default:
                    return LocalTransactionState.UNKNOW;
            }
        }

        @Override
        public LocalTransactionState checkLocalTransaction(MessageExt message) {
            String name = message.getUserProperty(CASE);
            checked.putIfAbsent(name, message);
            return "check-rollback".equals(name) ? LocalTransactionState.ROLLBACK_MESSAGE
                : LocalTransactionState.COMMIT_MESSAGE;
        }
    }

    @Test
    void commitAndRollbackAndCheckBackResolveAsTheProducerSays() throws Exception {
        try (FulmenCluster cluster = FulmenCluster.start(QUICK_CHECKS);
             JavaPeers peers = new JavaPeers(cluster.namesrvAddress())) {
            Verdicts verdicts = new Verdicts();
            TransactionMQProducer producer = transactionProducer(cluster.namesrvAddress(), "FulmenTxProducer",
                verdicts);
            try {
                Map<String, TransactionSendResult> sent = new HashMap<>();
                for (String name : List.of("commit", "rollback", "check-commit", "check-rollback")) {
                    sent.put(name, send(producer, name));
                }
                assertEquals(LocalTransactionState.COMMIT_MESSAGE, sent.get("commit").getLocalTransactionState());
                assertEquals(LocalTransactionState.ROLLBACK_MESSAGE, sent.get("rollback").getLocalTransactionState());
                assertEquals(LocalTransactionState.UNKNOW, sent.get("check-commit").getLocalTransactionState());

                Inbox inbox = Inbox.start(peers.pushConsumer("FulmenTxConsumer"), TOPIC, "*");
                Await.until("the committed and the checked-then-committed messages", LIMIT, () -> inbox.size() >= 2);
                Await.until("both UNKNOW transactions were checked", LIMIT, () -> verdicts.checked.size() >= 2);
                Thread.sleep(QUIET_PERIOD.toMillis());

                Map<String, MessageExt> received = new HashMap<>();
                for (MessageExt message : inbox.received()) {
                    assertEquals(null, received.put(message.getUserProperty(CASE), message),
                        "one delivery per case: " + message);
                }
                assertEquals(java.util.Set.of("commit", "check-commit"), received.keySet());
                for (String name : List.of("commit", "check-commit")) {
                    MessageExt message = received.get(name);
                    assertEquals(sent.get(name).getMsgId(), message.getMsgId(), "msgId of " + name);
                    assertEquals("body-" + name, new String(message.getBody(), StandardCharsets.UTF_8));
                    assertEquals("TagTx", message.getTags());
                    assertEquals("key-" + name, message.getKeys());
                    assertEquals("FulmenTxProducer", message.getProperty(MessageConst.PROPERTY_PRODUCER_GROUP));
                    assertEquals(null, message.getProperty(MessageConst.PROPERTY_TRANSACTION_PREPARED));
                    assertEquals(null, message.getProperty(MessageConst.PROPERTY_REAL_TOPIC));
                }

                assertEquals(java.util.Set.of("check-commit", "check-rollback"), verdicts.checked.keySet(),
                    "only the UNKNOW transactions are checked");
                MessageExt check = verdicts.checked.get("check-commit");
                assertEquals("1", check.getProperty(MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES));
                assertEquals(TOPIC, check.getTopic());
                assertEquals(sent.get("check-commit").getMsgId(), check.getTransactionId());
                assertEquals("body-check-commit", new String(check.getBody(), StandardCharsets.UTF_8));
            } finally {
                producer.shutdown();
            }
        }
    }

    @Test
    void aHalfMessageIsCheckedBackAfterTheBrokerWasKilledAndRestarted() throws Exception {
        Path dir = TempDirs.create("fulmen-tx-restart-");
        try (FulmenNameServer namesrv = FulmenNameServer.start()) {
            // The first broker checks only after a long timeout: the half message is still unresolved when it dies.
            FulmenBroker broker = FulmenBroker.start(namesrv.address(), dir, 0,
                Map.of("transactionTimeOut", "600000"));
            Verdicts verdicts = new Verdicts();
            TransactionMQProducer producer = transactionProducer(namesrv.address(), "FulmenTxRestartProducer",
                verdicts);
            try (JavaPeers peers = new JavaPeers(namesrv.address())) {
                TransactionSendResult sent = send(producer, "check-commit");
                assertEquals(LocalTransactionState.UNKNOW, sent.getLocalTransactionState());
                broker.kill();
                assertTrue(verdicts.checked.isEmpty(), "no check before the kill");

                broker = FulmenBroker.start(namesrv.address(), dir, broker.port(), QUICK_CHECKS);
                Await.until("the check-back after the restart", LIMIT, () -> !verdicts.checked.isEmpty());
                Inbox inbox = Inbox.start(peers.pushConsumer("FulmenTxRestartConsumer"), TOPIC, "*");
                Await.until("the committed message", LIMIT, () -> inbox.size() >= 1);
                MessageExt message = inbox.received().get(0);
                assertEquals(sent.getMsgId(), message.getMsgId());
                assertEquals("body-check-commit", new String(message.getBody(), StandardCharsets.UTF_8));
                assertNotNull(verdicts.checked.get("check-commit").getProperty(
                    MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES));
                Thread.sleep(QUIET_PERIOD.toMillis());
                assertEquals(1, inbox.size(), "committed once");
            } finally {
                producer.shutdown();
                broker.close();
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static TransactionSendResult send(TransactionMQProducer producer, String name) throws Exception {
        Message message = new Message(TOPIC, "TagTx", "key-" + name, ("body-" + name).getBytes(StandardCharsets.UTF_8));
        message.putUserProperty(CASE, name);
        TransactionSendResult result = producer.sendMessageInTransaction(message, null);
        assertEquals(SendStatus.SEND_OK, result.getSendStatus(), "send of " + name);
        assertFalse(result.getMsgId() == null || result.getMsgId().isEmpty(), "msgId of " + name);
        return result;
    }

    /** A started transactional producer that sends heartbeats every second (so a restarted broker knows it soon). */
    private static TransactionMQProducer transactionProducer(String namesrv, String group, TransactionListener listener)
        throws MQClientException {
        TransactionMQProducer producer = new TransactionMQProducer(group);
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("fulmen-tx-interop-" + INSTANCES.incrementAndGet());
        producer.setVipChannelEnabled(false);
        producer.setSendMsgTimeout(JavaPeers.CLIENT_TIMEOUT_MILLIS);
        producer.setMqClientApiTimeout(JavaPeers.CLIENT_TIMEOUT_MILLIS);
        producer.setHeartbeatBrokerInterval(1_000);
        producer.setTransactionListener(listener);
        producer.start();
        return producer;
    }
}
