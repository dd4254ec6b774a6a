package fulmen.interop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.consumer.AllocateMessageQueueStrategy;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragelyByCircle;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueConsistentHash;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Kind {@code allocate}: consumer queue allocation. There are no bytes; the inputs are in {@code expected}
 * ({@code consumerGroup}, {@code messageQueues} and {@code clientIds} in the order a caller might hold them,
 * optional {@code outsiderClientId} and {@code virtualNodeCount}). Both lists are sorted the way
 * {@code RebalanceImpl#rebalanceByTopic} sorts them ({@code Collections.sort}: {@code MessageQueue#compareTo},
 * {@code String} natural order), then every strategy allocates for every distinct client id (and the outsider).
 */
public final class AllocateDescriber implements Describer {
    public static final String KIND = "allocate";
    public static final int DEFAULT_VIRTUAL_NODE_COUNT = 10;

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> describe(byte[] bytes, Map<String, Object> file) {
        Map<String, Object> given = (Map<String, Object>) file.get("expected");
        String group = (String) given.get("consumerGroup");
        List<MessageQueue> queues = new ArrayList<>();
        for (Object queue : (List<Object>) given.get("messageQueues")) {
            Map<String, Object> fields = (Map<String, Object>) queue;
            queues.add(new MessageQueue((String) fields.get("topic"), (String) fields.get("brokerName"),
                ((Number) fields.get("queueId")).intValue()));
        }
        List<String> clientIds = new ArrayList<>();
        for (Object id : (List<Object>) given.get("clientIds")) {
            clientIds.add((String) id);
        }
        String outsider = (String) given.get("outsiderClientId");
        Object nodes = given.get("virtualNodeCount");
        int virtualNodeCount = nodes == null ? DEFAULT_VIRTUAL_NODE_COUNT : ((Number) nodes).intValue();

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("consumerGroup", group);
        expected.put("messageQueues", describeQueues(queues));
        expected.put("clientIds", new ArrayList<>(clientIds));
        if (outsider != null) {
            expected.put("outsiderClientId", outsider);
        }
        if (nodes != null) {
            expected.put("virtualNodeCount", virtualNodeCount);
        }

        List<MessageQueue> mqAll = new ArrayList<>(queues);
        Collections.sort(mqAll);
        List<String> cidAll = new ArrayList<>(clientIds);
        Collections.sort(cidAll);
        expected.put("sortedMessageQueues", describeQueues(mqAll));
        expected.put("sortedClientIds", new ArrayList<>(cidAll));

        LinkedHashSet<String> currents = new LinkedHashSet<>(cidAll);
        if (outsider != null) {
            currents.add(outsider);
        }
        List<AllocateMessageQueueStrategy> strategies = new ArrayList<>();
        strategies.add(new AllocateMessageQueueAveragely());
        strategies.add(new AllocateMessageQueueAveragelyByCircle());
        strategies.add(new AllocateMessageQueueConsistentHash(virtualNodeCount));
        Map<String, Object> allocations = new LinkedHashMap<>();
        for (AllocateMessageQueueStrategy strategy : strategies) {
            Map<String, Object> byClient = new LinkedHashMap<>();
            for (String current : currents) {
                byClient.put(current,
                    describeQueues(strategy.allocate(group, current, new ArrayList<>(mqAll), new ArrayList<>(cidAll))));
            }
            allocations.put(strategy.getName(), byClient);
        }
        expected.put("allocations", allocations);
        return expected;
    }

    static List<Object> describeQueues(List<MessageQueue> queues) {
        List<Object> described = new ArrayList<>();
        for (MessageQueue queue : queues) {
            described.add(describeQueue(queue));
        }
        return described;
    }

    static Map<String, Object> describeQueue(MessageQueue queue) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("topic", queue.getTopic());
        fields.put("brokerName", queue.getBrokerName());
        fields.put("queueId", queue.getQueueId());
        return fields;
    }
}
