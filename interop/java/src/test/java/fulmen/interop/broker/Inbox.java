package fulmen.interop.broker;

import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/** Collects what one push consumer's concurrent listener is given, acknowledging every message at once. */
final class Inbox {

    private final List<MessageExt> received = new ArrayList<>();

    /** Subscribes {@code consumer} to {@code topic} with {@code expression}, from the first offset, and starts it. */
    static Inbox start(DefaultMQPushConsumer consumer, String topic, String expression) throws MQClientException {
        Inbox inbox = new Inbox();
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, expression);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            inbox.add(messages);
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return inbox;
    }

    private synchronized void add(List<MessageExt> messages) {
        received.addAll(messages);
    }

    /** How many messages arrived so far. */
    synchronized int size() {
        return received.size();
    }

    /** A copy of what arrived so far. */
    synchronized List<MessageExt> received() {
        return new ArrayList<>(received);
    }
}
