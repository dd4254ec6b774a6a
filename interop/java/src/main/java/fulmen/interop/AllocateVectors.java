package fulmen.interop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Category {@code allocate/}: consumer queue allocation by the client's {@code AllocateMessageQueueAveragely},
 * {@code AllocateMessageQueueAveragelyByCircle} and {@code AllocateMessageQueueConsistentHash}, for every client id
 * of a consumer group. Queues and client ids are given out of order on purpose; the describer sorts them as
 * {@code RebalanceImpl} does before allocating.
 */
public final class AllocateVectors implements VectorSource {
    private static final String SOURCE = "Collections.sort as in RebalanceImpl#rebalanceByTopic, then"
        + " AllocateMessageQueueStrategy#allocate(consumerGroup, currentCID, mqAll, cidAll) of"
        + " AllocateMessageQueueAveragely, AllocateMessageQueueAveragelyByCircle, AllocateMessageQueueConsistentHash";

    @Override
    public List<Vector> vectors() {
        List<Vector> vectors = new ArrayList<>();
        vectors.add(vector("one_client", "one client takes every queue", "GID_one",
            queues("TopicTest", "broker-a", 4), ids("127.0.0.1@1001#1700000000001"), null, null));
        vectors.add(vector("more_clients_than_queues", "5 clients, 3 queues: two clients get nothing", "GID_few_queues",
            queues("TopicTest", "broker-a", 3), realIds(5), null, null));
        vectors.add(vector("uneven_split", "10 queues over 3 clients: the first client takes the extra queue",
            "GID_uneven", queues("TopicTest", "broker-a", 10), realIds(3), null, null));
        vectors.add(vector("even_split", "8 queues over 4 clients", "GID_even",
            queues("TopicTest", "broker-a", 8), realIds(4), null, null));
        vectors.add(vector("two_brokers", "2 brokers x 4 queues over 3 clients, queues given in reverse order",
            "GID_two_brokers", reversed(concat(queues("TopicTest", "broker-a", 4), queues("TopicTest", "broker-b", 4))),
            realIds(3), null, null));
        vectors.add(vector("three_brokers_twelve_queues", "3 brokers x 12 queues (ids 10 and 11 sort after 2) over 5"
            + " clients, queues interleaved", "GID_three_brokers",
            interleaved(queues("TopicOrder", "broker-c", 12), queues("TopicOrder", "broker-a", 12),
                queues("TopicOrder", "broker-b", 12)), realIds(5), null, null));
        vectors.add(vector("outsider", "a client id that is not in the list gets nothing (Java logs it)", "GID_outsider",
            queues("TopicTest", "broker-a", 6), realIds(2), "127.0.0.1@9999#1700000009999", null));
        vectors.add(vector("consistent_hash_2_clients", "16 queues on 2 brokers over 2 clients", "GID_hash",
            concat(queues("TopicHash", "broker-b", 8), queues("TopicHash", "broker-a", 8)), realIds(2), null, null));
        vectors.add(vector("consistent_hash_7_clients", "16 queues on 2 brokers over 7 clients", "GID_hash",
            concat(queues("TopicHash", "broker-b", 8), queues("TopicHash", "broker-a", 8)), realIds(7), null, null));
        vectors.add(vector("consistent_hash_20_clients", "16 queues on 2 brokers over 20 clients (more clients than"
            + " queues)", "GID_hash", concat(queues("TopicHash", "broker-b", 8), queues("TopicHash", "broker-a", 8)),
            realIds(20), null, null));
        vectors.add(vector("consistent_hash_3_virtual_nodes", "AllocateMessageQueueConsistentHash(3): 3 virtual nodes"
            + " per client", "GID_hash", queues("TopicHash", "broker-a", 12), realIds(4), null, 3));
        vectors.add(vector("duplicate_client_id", "a client id listed twice: averagely uses its first index, the"
            + " hash ring gives its second copy virtual nodes 10..19", "GID_duplicate",
            queues("TopicTest", "broker-a", 8), ids("10.0.0.2@7#1", "10.0.0.1@7#1", "10.0.0.2@7#1"), null, null));
        vectors.add(vector("utf16_order", "names with U+FF21 and U+1F600: Java sorts by UTF-16 units (the surrogate"
            + " pair sorts first), not by code points; MD5 hashes the UTF-8 of MessageQueue#toString",
            "GID_utf16", concat(queues("TopicTest", "broker-\uFF21", 3), queues("TopicTest", "broker-\uD83D\uDE00", 3)),
            ids("client-\uFF21", "client-\uD83D\uDE00", "client-z"), null, null));
        return vectors;
    }

    private static Vector vector(String name, String description, String group, List<MessageQueue> queues,
        List<String> clientIds, String outsider, Integer virtualNodeCount) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("consumerGroup", group);
        inputs.put("messageQueues", AllocateDescriber.describeQueues(queues));
        inputs.put("clientIds", clientIds);
        if (outsider != null) {
            inputs.put("outsiderClientId", outsider);
        }
        if (virtualNodeCount != null) {
            inputs.put("virtualNodeCount", virtualNodeCount);
        }
        return new Vector("allocate", name, AllocateDescriber.KIND).description(description).javaSource(SOURCE)
            .expected(inputs);
    }

    private static List<MessageQueue> queues(String topic, String brokerName, int count) {
        List<MessageQueue> queues = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            queues.add(new MessageQueue(topic, brokerName, id));
        }
        return queues;
    }

    @SafeVarargs
    private static List<MessageQueue> concat(List<MessageQueue>... parts) {
        List<MessageQueue> all = new ArrayList<>();
        for (List<MessageQueue> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    private static List<MessageQueue> reversed(List<MessageQueue> queues) {
        List<MessageQueue> copy = new ArrayList<>(queues);
        Collections.reverse(copy);
        return copy;
    }

    /** One queue of each part in turn: c0, a0, b0, c1, a1, b1, ... */
    @SafeVarargs
    private static List<MessageQueue> interleaved(List<MessageQueue>... parts) {
        List<MessageQueue> all = new ArrayList<>();
        for (int i = 0; i < parts[0].size(); i++) {
            for (List<MessageQueue> part : parts) {
                all.add(part.get(i));
            }
        }
        return all;
    }

    /** Client ids in the real {@code ip@pid#nanoTime} shape, listed last-first so the sort has work to do. */
    private static List<String> realIds(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = count; i >= 1; i--) {
            ids.add("192.168.0." + (i * 7 % 23 + 1) + "@" + (12345 + i) + "#" + (1700000000000L + i * 1000003L));
        }
        return ids;
    }

    private static List<String> ids(String... ids) {
        return new ArrayList<>(Arrays.asList(ids));
    }
}
