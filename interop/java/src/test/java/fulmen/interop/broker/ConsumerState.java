package fulmen.interop.broker;

import java.util.Map;
import java.util.TreeMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.common.message.MessageQueue;

/** Describes a push consumer's queues from the inside (process queues), for failure messages of waits that time out. */
final class ConsumerState {

    private ConsumerState() {
    }

    /** One entry per owned queue: messages buffered, dropped or not, and how long ago it last pulled and consumed. */
    static String describe(DefaultMQPushConsumer consumer) {
        long now = System.currentTimeMillis();
        Map<String, String> queues = new TreeMap<>();
        for (Map.Entry<MessageQueue, ProcessQueue> entry
            : consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().entrySet()) {
            ProcessQueue queue = entry.getValue();
            queues.put(entry.getKey().getTopic() + "#" + entry.getKey().getQueueId(),
                "buffered=" + queue.getMsgCount().get() + " dropped=" + queue.isDropped()
                    + " lastPull=" + (now - queue.getLastPullTimestamp()) + "ms ago"
                    + " lastConsume=" + (now - queue.getLastConsumeTimestamp()) + "ms ago");
        }
        return consumer.getInstanceName() + " " + queues;
    }
}
