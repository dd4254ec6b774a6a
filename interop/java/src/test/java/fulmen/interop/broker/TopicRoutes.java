package fulmen.interop.broker;

import fulmen.interop.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Waits, bounded, for a topic's queues to be known to the name server (as a client's lookup or the admin tool sees
 * them). A broker announces a topic it auto-created on
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

    /** Waits until the name server answers {@code admin}'s route query for {@code topic} with queues. */
    static void awaitInNameServer(DefaultMQAdminExt admin, String topic) throws Exception {
        awaitInNameServer(admin, topic, LIMIT);
    }

    /** Like {@link #awaitInNameServer(DefaultMQAdminExt, String)}, waiting at most {@code limit}. */
    static void awaitInNameServer(DefaultMQAdminExt admin, String topic, Duration limit) throws Exception {
        Await.until("route of " + topic + " on the name server", limit, () -> {
            try {
                return !admin.examineTopicRouteInfo(topic).getQueueDatas().isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
    }
}
