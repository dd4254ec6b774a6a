package fulmen.interop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.remoting.protocol.DataVersion;
import org.apache.rocketmq.remoting.protocol.LanguageCode;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.remoting.protocol.admin.TopicStatsTable;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.body.Connection;
import org.apache.rocketmq.remoting.protocol.body.ConsumerConnection;
import org.apache.rocketmq.remoting.protocol.body.ConsumerOffsetSerializeWrapper;
import org.apache.rocketmq.remoting.protocol.body.KVTable;
import org.apache.rocketmq.remoting.protocol.body.LockBatchRequestBody;
import org.apache.rocketmq.remoting.protocol.body.LockBatchResponseBody;
import org.apache.rocketmq.remoting.protocol.body.RegisterBrokerBody;
import org.apache.rocketmq.remoting.protocol.body.ResetOffsetBody;
import org.apache.rocketmq.remoting.protocol.body.TopicList;
import org.apache.rocketmq.remoting.protocol.filter.FilterAPI;
import org.apache.rocketmq.remoting.protocol.header.GetConsumerListByGroupResponseBody;
import org.apache.rocketmq.remoting.protocol.heartbeat.ConsumeType;
import org.apache.rocketmq.remoting.protocol.heartbeat.ConsumerData;
import org.apache.rocketmq.remoting.protocol.heartbeat.HeartbeatData;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;
import org.apache.rocketmq.remoting.protocol.heartbeat.ProducerData;
import org.apache.rocketmq.remoting.protocol.heartbeat.SubscriptionData;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;

/**
 * The Java objects behind the JSON body vectors, filled the way the NameSrv, broker or client fills them,
 * with fixed timestamps in place of the clock. Collections whose Java iteration order depends on identity hash
 * codes (sets of ProducerData, ConsumerData or Connection) are kept to one element so the output is stable.
 */
public final class BodyFixtures {
    public static final String NON_ASCII_CLUSTER = "集群-Ä";

    private BodyFixtures() {
    }

    /** Two brokers (broker-a with a slave), a non-ASCII cluster name and an orderTopicConf. */
    public static TopicRouteData topicRoute() {
        TopicRouteData route = new TopicRouteData();
        route.setOrderTopicConf(Fixtures.BROKER_A + ":4;" + Fixtures.BROKER_B + ":4");
        route.getQueueDatas().add(queueData(Fixtures.BROKER_A, 4, 6));
        route.getQueueDatas().add(queueData(Fixtures.BROKER_B, 4, 6));
        route.getBrokerDatas().add(brokerA(NON_ASCII_CLUSTER));
        route.getBrokerDatas().add(brokerB(NON_ASCII_CLUSTER));
        return route;
    }

    /** The single-broker route of REMOTING.md section 4.1. */
    public static TopicRouteData singleBrokerRoute() {
        TopicRouteData route = new TopicRouteData();
        route.getQueueDatas().add(queueData(Fixtures.BROKER_A, 4, 6));
        HashMap<Long, String> addresses = new HashMap<>();
        addresses.put(MixAll.MASTER_ID, "172.17.0.2:10911");
        route.getBrokerDatas().add(new BrokerData(Fixtures.CLUSTER, Fixtures.BROKER_A, addresses));
        return route;
    }

    private static QueueData queueData(String brokerName, int queues, int perm) {
        QueueData queueData = new QueueData();
        queueData.setBrokerName(brokerName);
        queueData.setReadQueueNums(queues);
        queueData.setWriteQueueNums(queues);
        queueData.setPerm(perm);
        queueData.setTopicSysFlag(0);
        return queueData;
    }

    private static BrokerData brokerA(String cluster) {
        HashMap<Long, String> addresses = new HashMap<>();
        addresses.put(MixAll.MASTER_ID, "10.0.0.1:10911");
        addresses.put(1L, "10.0.0.2:10911");
        return new BrokerData(cluster, Fixtures.BROKER_A, addresses);
    }

    private static BrokerData brokerB(String cluster) {
        HashMap<Long, String> addresses = new HashMap<>();
        addresses.put(MixAll.MASTER_ID, "10.0.0.3:10911");
        return new BrokerData(cluster, Fixtures.BROKER_B, addresses);
    }

    /** What RouteInfoManager.getAllClusterInfo returns for the two brokers above. */
    public static ClusterInfo clusterInfo() {
        ClusterInfo info = new ClusterInfo();
        HashMap<String, BrokerData> brokers = new HashMap<>();
        brokers.put(Fixtures.BROKER_A, brokerA(NON_ASCII_CLUSTER));
        brokers.put(Fixtures.BROKER_B, brokerB(NON_ASCII_CLUSTER));
        info.setBrokerAddrTable(brokers);
        HashMap<String, Set<String>> clusters = new HashMap<>();
        clusters.put(NON_ASCII_CLUSTER, new HashSet<>(Arrays.asList(Fixtures.BROKER_A, Fixtures.BROKER_B)));
        info.setClusterAddrTable(clusters);
        return info;
    }

    public static TopicList topicList() {
        TopicList list = new TopicList();
        list.getTopicList().addAll(Arrays.asList(Fixtures.TOPIC, "TopicOrder", TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC,
            MixAll.getRetryTopic(Fixtures.CONSUMER_GROUP)));
        list.setBrokerAddr("10.0.0.1:10911");
        return list;
    }

    public static KVTable kvTable() {
        KVTable table = new KVTable();
        HashMap<String, String> entries = new HashMap<>();
        entries.put("brokerVersionDesc", "V5_3_3");
        entries.put("msgPutTotalTodayNow", "12345");
        entries.put("commitLogDiskRatio", "0.25");
        entries.put("bootTimestamp", String.valueOf(Fixtures.BORN_TIMESTAMP));
        table.setTable(entries);
        return table;
    }

    /**
     * HEART_BEAT body of a client with one push consumer (clustering, "TagA || TagB" plus the implicit
     * %RETRY% subscription) and the client's inner producer, as MQClientInstance.prepareHeartbeatData builds it.
     */
    public static HeartbeatData heartbeat() throws Exception {
        HeartbeatData heartbeat = new HeartbeatData();
        heartbeat.setClientID(Fixtures.CLIENT_ID);
        ConsumerData consumer = new ConsumerData();
        consumer.setGroupName(Fixtures.CONSUMER_GROUP);
        consumer.setConsumeType(ConsumeType.CONSUME_PASSIVELY);
        consumer.setMessageModel(MessageModel.CLUSTERING);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
        consumer.setUnitMode(false);
        consumer.getSubscriptionDataSet().addAll(pushSubscriptions());
        heartbeat.getConsumerDataSet().add(consumer);
        ProducerData producer = new ProducerData();
        producer.setGroupName(MixAll.CLIENT_INNER_PRODUCER_GROUP);
        heartbeat.getProducerDataSet().add(producer);
        heartbeat.setWithoutSub(false);
        return heartbeat;
    }

    /** DefaultMQPushConsumerImpl.subscribe plus copySubscription's retry subscription, fixed subVersions. */
    private static Set<SubscriptionData> pushSubscriptions() throws Exception {
        SubscriptionData tags = FilterAPI.buildSubscriptionData(Fixtures.TOPIC, "TagA || TagB");
        tags.setSubVersion(Fixtures.SUB_VERSION);
        SubscriptionData retry = FilterAPI.buildSubscriptionData(MixAll.getRetryTopic(Fixtures.CONSUMER_GROUP),
            SubscriptionData.SUB_ALL);
        retry.setSubVersion(Fixtures.SUB_VERSION + 1);
        return new HashSet<>(Arrays.asList(tags, retry));
    }

    /** REGISTER_BROKER body: TBW102 and a normal topic with an attribute, fixed data versions. */
    public static RegisterBrokerBody registerBroker() {
        RegisterBrokerBody body = new RegisterBrokerBody();
        ConcurrentMap<String, TopicConfig> topics = new ConcurrentHashMap<>();
        TopicConfig template = new TopicConfig(TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC, 8, 8, 7);
        TopicConfig normal = new TopicConfig(Fixtures.TOPIC, 4, 4, 6);
        normal.getAttributes().put("message.type", "NORMAL");
        topics.put(template.getTopicName(), template);
        topics.put(normal.getTopicName(), normal);
        body.getTopicConfigSerializeWrapper().setTopicConfigTable(topics);
        body.getTopicConfigSerializeWrapper().setDataVersion(dataVersion(2));
        body.getTopicConfigSerializeWrapper().setMappingDataVersion(dataVersion(0));
        return body;
    }

    private static DataVersion dataVersion(long counter) {
        DataVersion version = new DataVersion();
        version.setTimestamp(Fixtures.BORN_TIMESTAMP);
        version.setCounter(new AtomicLong(counter));
        version.setStateVersion(0);
        return version;
    }

    public static MessageQueue queue(String brokerName, int queueId) {
        return new MessageQueue(Fixtures.TOPIC, brokerName, queueId);
    }

    public static ConsumeStats consumeStats() {
        ConsumeStats stats = new ConsumeStats();
        stats.getOffsetTable().put(queue(Fixtures.BROKER_A, 0), offsetWrapper(120, 118, 119));
        stats.getOffsetTable().put(queue(Fixtures.BROKER_A, 1), offsetWrapper(80, 80, 80));
        stats.getOffsetTable().put(queue(Fixtures.BROKER_B, 0), offsetWrapper(7, 0, 3));
        stats.setConsumeTps(12.5);
        return stats;
    }

    private static OffsetWrapper offsetWrapper(long broker, long consumer, long pull) {
        OffsetWrapper wrapper = new OffsetWrapper();
        wrapper.setBrokerOffset(broker);
        wrapper.setConsumerOffset(consumer);
        wrapper.setPullOffset(pull);
        wrapper.setLastTimestamp(Fixtures.STORE_TIMESTAMP);
        return wrapper;
    }

    public static TopicStatsTable topicStats() {
        TopicStatsTable table = new TopicStatsTable();
        table.getOffsetTable().put(queue(Fixtures.BROKER_A, 0), topicOffset(0, 120));
        table.getOffsetTable().put(queue(Fixtures.BROKER_B, 3), topicOffset(5, 7));
        table.setTopicPutTps(0.0);
        return table;
    }

    private static TopicOffset topicOffset(long min, long max) {
        TopicOffset offset = new TopicOffset();
        offset.setMinOffset(min);
        offset.setMaxOffset(max);
        offset.setLastUpdateTimestamp(Fixtures.STORE_TIMESTAMP);
        return offset;
    }

    public static ResetOffsetBody resetOffset() {
        ResetOffsetBody body = new ResetOffsetBody();
        HashMap<MessageQueue, Long> offsets = new HashMap<>();
        offsets.put(queue(Fixtures.BROKER_A, 0), 100L);
        offsets.put(queue(Fixtures.BROKER_A, 1), 0L);
        offsets.put(queue(Fixtures.BROKER_B, 2), 9007199254740993L);
        body.setOffsetTable(offsets);
        return body;
    }

    /** GET_ALL_CONSUMER_OFFSET body (consumerOffset.json): topic@group -> {queueId (Integer) -> offset}. */
    public static ConsumerOffsetSerializeWrapper consumerOffsets() {
        ConsumerOffsetSerializeWrapper wrapper = new ConsumerOffsetSerializeWrapper();
        ConcurrentMap<Integer, Long> topicOffsets = new ConcurrentHashMap<>();
        topicOffsets.put(0, 120L);
        topicOffsets.put(1, 118L);
        topicOffsets.put(2, 121L);
        topicOffsets.put(3, 119L);
        ConcurrentMap<Integer, Long> retryOffsets = new ConcurrentHashMap<>();
        retryOffsets.put(0, 0L);
        wrapper.getOffsetTable().put(Fixtures.TOPIC + "@" + Fixtures.CONSUMER_GROUP, topicOffsets);
        wrapper.getOffsetTable().put(MixAll.getRetryTopic(Fixtures.CONSUMER_GROUP) + "@" + Fixtures.CONSUMER_GROUP,
            retryOffsets);
        wrapper.setDataVersion(dataVersion(5));
        return wrapper;
    }

    public static LockBatchRequestBody lockBatchRequest() {
        LockBatchRequestBody body = new LockBatchRequestBody();
        body.setConsumerGroup(Fixtures.CONSUMER_GROUP);
        body.setClientId(Fixtures.CLIENT_ID);
        body.setOnlyThisBroker(false);
        body.getMqSet().addAll(queues());
        return body;
    }

    public static LockBatchResponseBody lockBatchResponse() {
        LockBatchResponseBody body = new LockBatchResponseBody();
        body.getLockOKMQSet().addAll(queues());
        return body;
    }

    private static List<MessageQueue> queues() {
        return Arrays.asList(queue(Fixtures.BROKER_A, 0), queue(Fixtures.BROKER_A, 1), queue(Fixtures.BROKER_A, 2));
    }

    /** GET_CONSUMER_CONNECTION_LIST body with one connection (a HashSet of Connection has no stable order). */
    public static ConsumerConnection consumerConnection() throws Exception {
        ConsumerConnection connection = new ConsumerConnection();
        Connection client = new Connection();
        client.setClientId(Fixtures.CLIENT_ID);
        client.setClientAddr("192.168.1.10:54321");
        client.setLanguage(LanguageCode.JAVA);
        client.setVersion(Fixtures.VERSION);
        connection.getConnectionSet().add(client);
        for (SubscriptionData subscription : pushSubscriptions()) {
            connection.getSubscriptionTable().put(subscription.getTopic(), subscription);
        }
        connection.setConsumeType(ConsumeType.CONSUME_PASSIVELY);
        connection.setMessageModel(MessageModel.CLUSTERING);
        connection.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
        return connection;
    }

    public static GetConsumerListByGroupResponseBody consumerList() {
        GetConsumerListByGroupResponseBody body = new GetConsumerListByGroupResponseBody();
        body.setConsumerIdList(new ArrayList<>(Arrays.asList(Fixtures.CLIENT_ID, "192.168.1.11@31338#1736000000001")));
        return body;
    }
}
