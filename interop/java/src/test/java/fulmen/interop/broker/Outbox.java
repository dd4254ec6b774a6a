package fulmen.interop.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Fills a topic with the standard workload through the official producer (20 small messages, the compressed and the
 * large one, a batch and selector sends) and remembers every message, to compare with what consumers receive.
 */
final class Outbox {

    private final List<SentMessage> sent = new ArrayList<>();

    /** Sends the whole workload to {@code topic} and returns what was sent. */
    static Outbox fill(DefaultMQProducer producer, String brokerAddress, String topic) throws Exception {
        Outbox outbox = new Outbox();
        SendChecks checks = new SendChecks(brokerAddress);
        outbox.sent.addAll(checks.sendAll(producer, Workload.small(topic, "sync", 20)));
        outbox.sent.addAll(checks.sendAll(producer, List.of(Workload.compressible(topic), Workload.large(topic))));
        List<Message> selected = Workload.small(topic, "selected", 4);
        for (Message message : selected) {
            SendResult result = producer.send(message, (queues, msg, arg) -> queues.get(0), null);
            outbox.sent.add(checks.check(message, result));
        }
        List<Message> batch = Workload.small(topic, "batch", 6);
        SendResult result = producer.send(batch);
        String[] msgIds = result.getMsgId().split(",");
        String[] offsetMsgIds = result.getOffsetMsgId().split(",");
        assertEquals(batch.size(), msgIds.length, "msgIds of the batch: " + result);
        for (int i = 0; i < batch.size(); i++) {
            outbox.sent.add(new SentMessage(batch.get(i), msgIds[i], offsetMsgIds[i],
                result.getMessageQueue().getQueueId(), result.getQueueOffset() + i));
        }
        return outbox;
    }

    /** Everything sent. */
    List<SentMessage> all() {
        return List.copyOf(sent);
    }

    /** The messages sent with tag {@code tag}. */
    List<SentMessage> tagged(String tag) {
        return sent.stream().filter(m -> tag.equals(m.message().getTags())).collect(Collectors.toList());
    }

    /** Fails unless {@code received} holds exactly the sent messages matching {@code which}, each as sent. */
    void assertReceivedExactly(Predicate<SentMessage> which, List<MessageExt> received) {
        List<SentMessage> expected = sent.stream().filter(which).collect(Collectors.toList());
        assertEquals(expected.size(), received.size(), "number of messages received");
        for (SentMessage message : expected) {
            List<MessageExt> copies = received.stream().filter(r -> r.getMsgId().equals(message.msgId()))
                .collect(Collectors.toList());
            assertEquals(1, copies.size(), "copies received of " + message.msgId());
            message.assertSameAs(copies.get(0));
        }
    }
}
