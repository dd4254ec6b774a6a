package fulmen.interop.broker;

import fulmen.interop.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Waits, bounded, for a topic's queues to be known to the name server. A broker announces a topic it auto-created on
 * a send after answering that send (Apache's does too), so the route may lag the first send a little.
 */
final class TopicRoutes {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    private TopicRoutes() {
    }

    /** The queues {@code lookup} returns once it stops failing with "no route" (an {@link MQClientException}). */
    static List<MessageQueue> await(String topic, Callable<Collection<MessageQueue>> lookup) throws Exception {
        List<MessageQueue> queues = new ArrayList<>();
        Await.until("route of " + topic + " on the name server", LIMIT, () -> {
            try {
                queues.addAll(lookup.call());
                return !queues.isEmpty();
            } catch (MQClientException e) {
                return false;
            }
        });
        return queues;
    }
}
