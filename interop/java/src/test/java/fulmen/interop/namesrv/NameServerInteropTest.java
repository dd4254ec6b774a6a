package fulmen.interop.namesrv;

import static fulmen.interop.namesrv.TopicTables.ORDINARY;
import static fulmen.interop.namesrv.TopicTables.ORDINARY_READ_QUEUES;
import static fulmen.interop.namesrv.TopicTables.ORDINARY_WRITE_QUEUES;
import static fulmen.interop.namesrv.TopicTables.PERM_READ_WRITE;
import static fulmen.interop.namesrv.TopicTables.PERM_READ_WRITE_INHERIT;
import static fulmen.interop.namesrv.TopicTables.TBW102;
import static fulmen.interop.namesrv.TopicTables.TBW102_QUEUES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fulmen.interop.testing.Await;
import fulmen.interop.testing.BackgroundShutdowns;
import fulmen.interop.testing.ClosedPorts;
import fulmen.interop.testing.FulmenNameServer;
import fulmen.interop.testing.FulmenNameServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.namesrv.NamesrvUtil;
import org.apache.rocketmq.remoting.protocol.DataVersion;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.body.TopicConfigAndMappingSerializeWrapper;
import org.apache.rocketmq.remoting.protocol.namesrv.RegisterBrokerResult;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fulmen's name server (the {@code fulmen namesrv} binary, a fresh one per test) driven only by the official Apache
 * RocketMQ 5.3.3 classes: the broker's {@code BrokerOuterAPI}, the mqadmin tool's {@code DefaultMQAdminExt} and a
 * {@code DefaultMQProducer}. Brokers exist only as registrations whose addresses are closed 127.0.0.1 ports.
 */
@ExtendWith(FulmenNameServerExtension.class)
@DisplayName("Fulmen name server, driven by the official RocketMQ 5.3.3 Java classes")
class NameServerInteropTest {

    private static final String CLUSTER = "FulmenInteropCluster";
    private static final String OTHER_CLUSTER = "FulmenOtherCluster";
    private static final String OTHER_TOPIC = "FulmenOtherTopic";
    /** Java's unregistration is queued (BatchUnregistrationService); allow for it. */
    private static final Duration ASYNC_LIMIT = Duration.ofSeconds(10);
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(20);

    /** Broker addresses; held until every Java peer that might dial them has shut down. */
    private static final ClosedPorts PORTS = new ClosedPorts();
    private FulmenNameServer nameServer;
    private JavaBrokerRegistrar registrar;
    private DefaultMQAdminExt admin;
    private BrokerSpec master;
    private BrokerSpec slave;

    @BeforeEach
    void startJavaPeers(FulmenNameServer nameServer) throws Exception {
        this.nameServer = nameServer;
        master = BrokerSpec.of(CLUSTER, "broker-a", 0, PORTS);
        slave = BrokerSpec.of(CLUSTER, "broker-a", 1, PORTS);
        registrar = JavaBrokerRegistrar.start(nameServer.address());
        admin = JavaClients.startAdmin(nameServer.address());
    }

    @AfterEach
    void stopJavaPeers() throws Exception {
        if (admin != null) {
            BackgroundShutdowns.start("DefaultMQAdminExt", admin::shutdown);
        }
        if (registrar != null) {
            BackgroundShutdowns.start("BrokerOuterAPI", registrar::close);
        }
    }

    @AfterAll
    static void awaitJavaPeersShutdown() throws Exception {
        try {
            BackgroundShutdowns.awaitAll(SHUTDOWN_LIMIT);
        } finally {
            PORTS.close();
        }
    }

    @Nested
    @DisplayName("a broker registering through BrokerOuterAPI")
    class BrokerRegistration {

        @Test
        @DisplayName("registerBrokerAll (plain JSON body) publishes the master's topics")
        void masterRegistrationPublishesItsTopics() throws Exception {
            RegisterBrokerResult result = registerOnce(master, TopicTables.standard());

            assertNull(result.getMasterAddr(), "a master is told no master address");
            assertNull(result.getHaServerAddr(), "a master is told no HA address");
            assertQueues(route(ORDINARY), ORDINARY_READ_QUEUES, ORDINARY_WRITE_QUEUES, PERM_READ_WRITE);
            assertQueues(route(TBW102), TBW102_QUEUES, TBW102_QUEUES, PERM_READ_WRITE_INHERIT);
            BrokerData broker = onlyBroker(route(ORDINARY));
            assertEquals(CLUSTER, broker.getCluster());
            assertEquals(Map.of(0L, master.addr()), broker.getBrokerAddrs());
            assertFalse(broker.isEnableActingMaster());
        }

        @Test
        @DisplayName("a slave (brokerId 1) is told its master's address and joins the route")
        void slaveLearnsItsMaster() throws Exception {
            registerOnce(master, TopicTables.standard());

            RegisterBrokerResult result = registerOnce(slave, TopicTables.standard());

            assertEquals(master.addr(), result.getMasterAddr());
            assertEquals(master.haAddr(), result.getHaServerAddr());
            TopicRouteData route = route(ORDINARY);
            assertEquals(Map.of(0L, master.addr(), 1L, slave.addr()), onlyBroker(route).getBrokerAddrs());
            assertQueues(route, ORDINARY_READ_QUEUES, ORDINARY_WRITE_QUEUES, PERM_READ_WRITE);
        }

        @Test
        @DisplayName("a zlib body under the header compressed=true registers the same topics")
        void compressedRegistration() throws Exception {
            RemotingCommand response = registrar.registerRaw(master, TopicTables.standard(), true, true);

            assertEquals(ResponseCode.SUCCESS, response.getCode(), () -> "remark: " + response.getRemark());
            assertQueues(route(ORDINARY), ORDINARY_READ_QUEUES, ORDINARY_WRITE_QUEUES, PERM_READ_WRITE);
            assertQueues(route(TBW102), TBW102_QUEUES, TBW102_QUEUES, PERM_READ_WRITE_INHERIT);
            assertEquals(Map.of(0L, master.addr()), onlyBroker(route(ORDINARY)).getBrokerAddrs());
        }

        /**
         * BrokerOuterAPI#registerBrokerAll encodes the body with {@code RegisterBrokerBody#encode(compressed)} but
         * always sends the header {@code compressed=false}; Java's name server (DefaultRequestProcessor
         * #extractRegisterBrokerBodyFromRequest) decodes by the header, fails on the zlib bytes and answers
         * SYSTEM_ERROR, and registerBrokerAll logs it and returns no result. Fulmen must refuse it the same way.
         */
        @Test
        @DisplayName("registerBrokerAll(compressed=true) is refused, as Java's name server refuses it")
        void registerBrokerAllCompressedIsRefused() throws Exception {
            assertEquals(List.of(), registrar.register(master, TopicTables.standard(), true));

            RemotingCommand response = registrar.registerRaw(master, TopicTables.standard(), true, false);
            assertEquals(ResponseCode.SYSTEM_ERROR, response.getCode(), () -> "remark: " + response.getRemark());
            assertTopicNotExist(ORDINARY);
            assertTrue(admin.examineBrokerClusterInfo().getBrokerAddrTable().isEmpty(), "no broker was registered");
        }

        /** RouteInfoManager#registerBroker answers null ("register broker failed") in exactly this case. */
        @Test
        @DisplayName("a first registration holding a single topic is refused; after a full one it is accepted")
        void singleTopicBeforeFullRegistrationIsRefused() throws Exception {
            TopicConfigAndMappingSerializeWrapper single = TopicTables.of(new DataVersion(), TopicTables.ordinary());

            assertEquals(List.of(), registrar.register(master, single, false));
            RemotingCommand response = registrar.registerRaw(master, single, false, false);
            assertEquals(ResponseCode.SYSTEM_ERROR, response.getCode());
            assertEquals("register broker failed", response.getRemark());
            assertTopicNotExist(ORDINARY);

            registerOnce(master, TopicTables.standard());
            TopicConfig later = new TopicConfig(OTHER_TOPIC, 2, 2, PERM_READ_WRITE);
            registerOnce(master, TopicTables.of(new DataVersion(), later));
            assertQueues(route(OTHER_TOPIC), 2, 2, PERM_READ_WRITE);
        }

        @Test
        @DisplayName("topics are rebuilt only when the data version changes")
        void dataVersionGatesRouteUpdates() throws Exception {
            TopicConfigAndMappingSerializeWrapper first = TopicTables.standard();
            registerOnce(master, first);
            TopicConfig widened = new TopicConfig(ORDINARY, 16, 16, PERM_READ_WRITE);

            DataVersion sameVersion = TopicTables.copy(first.getDataVersion());
            registerOnce(master, TopicTables.of(sameVersion, TopicTables.tbw102(), widened));
            assertQueues(route(ORDINARY), ORDINARY_READ_QUEUES, ORDINARY_WRITE_QUEUES, PERM_READ_WRITE);

            DataVersion nextVersion = TopicTables.copy(first.getDataVersion());
            nextVersion.nextVersion();
            registerOnce(master, TopicTables.of(nextVersion, TopicTables.tbw102(), widened));
            assertQueues(route(ORDINARY), 16, 16, PERM_READ_WRITE);
        }

        @Test
        @DisplayName("needRegister (QUERY_DATA_VERSION) reports a change only when the versions differ")
        void needRegisterComparesDataVersions() throws Exception {
            TopicConfigAndMappingSerializeWrapper topics = TopicTables.standard();
            assertEquals(List.of(true), registrar.needRegister(master, topics), "unknown broker");

            registerOnce(master, topics);
            assertEquals(List.of(), registrar.needRegister(master, topics), "same version");

            topics.getDataVersion().nextVersion();
            assertEquals(List.of(true), registrar.needRegister(master, topics), "next version");
        }

        @Test
        @DisplayName("unregisterBrokerAll removes the slave, then the master and the broker's topics")
        void unregisterRemovesBrokersAndRoutes() throws Exception {
            registerOnce(master, TopicTables.standard());
            registerOnce(slave, TopicTables.standard());

            registrar.unregister(slave);
            Await.until("the slave leaves the route", ASYNC_LIMIT,
                () -> onlyBroker(route(ORDINARY)).getBrokerAddrs().equals(Map.of(0L, master.addr())));

            registrar.unregister(master);
            Await.until("the cluster has no broker left", ASYNC_LIMIT,
                () -> admin.examineBrokerClusterInfo().getBrokerAddrTable().isEmpty());
            assertTopicNotExist(ORDINARY);
            assertTopicNotExist(TBW102);
            assertFalse(admin.examineBrokerClusterInfo().getClusterAddrTable().containsKey(CLUSTER));
        }

        @Test
        @DisplayName("the registration result carries the ORDER_TOPIC_CONFIG key-value table")
        void registrationReturnsOrderTopicConfigs() throws Exception {
            admin.createAndUpdateKvConfig(NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG, ORDINARY, "broker-a:8");

            RegisterBrokerResult result = registerOnce(master, TopicTables.standard());

            assertNotNull(result.getKvTable(), "kvTable");
            assertEquals(Map.of(ORDINARY, "broker-a:8"), result.getKvTable().getTable());
        }
    }

    @Nested
    @DisplayName("the mqadmin API (DefaultMQAdminExt)")
    class AdminTool {

        @BeforeEach
        void registerMasterAndSlave() throws Exception {
            registerOnce(master, TopicTables.standard());
            registerOnce(slave, TopicTables.standard());
        }

        @Test
        @DisplayName("examineTopicRouteInfo: queue counts, perms, and both brokers' addresses")
        void examineTopicRouteInfo() throws Exception {
            TopicRouteData ordinary = admin.examineTopicRouteInfo(ORDINARY);
            assertQueues(ordinary, ORDINARY_READ_QUEUES, ORDINARY_WRITE_QUEUES, PERM_READ_WRITE);
            assertEquals(0, onlyQueue(ordinary).getTopicSysFlag());
            assertEquals("broker-a", onlyQueue(ordinary).getBrokerName());
            BrokerData broker = onlyBroker(ordinary);
            assertEquals(CLUSTER, broker.getCluster());
            assertEquals("broker-a", broker.getBrokerName());
            assertEquals(Map.of(0L, master.addr(), 1L, slave.addr()), broker.getBrokerAddrs());
            assertEquals(master.addr(), broker.selectBrokerAddr());
            assertNull(ordinary.getOrderTopicConf());

            assertQueues(admin.examineTopicRouteInfo(TBW102), TBW102_QUEUES, TBW102_QUEUES, PERM_READ_WRITE_INHERIT);
        }

        @Test
        @DisplayName("examineTopicRouteInfo of an unknown topic: MQClientException, response code 17")
        void unknownTopicIsTopicNotExist() {
            MQClientException error = assertThrows(MQClientException.class,
                () -> admin.examineTopicRouteInfo("FulmenNoSuchTopic"));

            assertEquals(ResponseCode.TOPIC_NOT_EXIST, error.getResponseCode());
            assertTrue(error.getErrorMessage().startsWith(
                "No topic route info in name server for the topic: FulmenNoSuchTopic"), error.getErrorMessage());
        }

        @Test
        @DisplayName("examineBrokerClusterInfo: the cluster, its broker name and both addresses")
        void examineBrokerClusterInfo() throws Exception {
            ClusterInfo info = admin.examineBrokerClusterInfo();

            assertEquals(Map.of(CLUSTER, Set.of("broker-a")), info.getClusterAddrTable());
            assertEquals(Set.of("broker-a"), info.getBrokerAddrTable().keySet());
            BrokerData broker = info.getBrokerAddrTable().get("broker-a");
            assertEquals(CLUSTER, broker.getCluster());
            assertEquals(Map.of(0L, master.addr(), 1L, slave.addr()), broker.getBrokerAddrs());
        }

        @Test
        @DisplayName("fetchAllTopicList and fetchTopicsByCLuster list exactly the registered topics")
        void topicLists() throws Exception {
            BrokerSpec other = BrokerSpec.of(OTHER_CLUSTER, "broker-b", 0, PORTS);
            TopicConfig otherTopic = new TopicConfig(OTHER_TOPIC, 2, 2, PERM_READ_WRITE);
            registerOnce(other, TopicTables.of(new DataVersion(), TopicTables.tbw102(), otherTopic));

            assertEquals(Set.of(TBW102, ORDINARY, OTHER_TOPIC), admin.fetchAllTopicList().getTopicList());
            assertEquals(Set.of(TBW102, ORDINARY), admin.fetchTopicsByCLuster(CLUSTER).getTopicList());
            assertEquals(Set.of(TBW102, OTHER_TOPIC), admin.fetchTopicsByCLuster(OTHER_CLUSTER).getTopicList());
            assertEquals(2, route(TBW102).getQueueDatas().size(), "TBW102 is on broker-a and broker-b");
        }

        @Test
        @DisplayName("KV config: createAndUpdateKvConfig, getKVConfig, getKVListByNamespace, deleteKvConfig")
        void kvConfig() throws Exception {
            String namespace = "FulmenInteropNamespace";
            admin.createAndUpdateKvConfig(namespace, "color", "blue");
            assertEquals("blue", admin.getKVConfig(namespace, "color"));

            admin.createAndUpdateKvConfig(namespace, "color", "green");
            admin.createAndUpdateKvConfig(namespace, "size", "7");
            assertEquals("green", admin.getKVConfig(namespace, "color"));
            assertEquals(Map.of("color", "green", "size", "7"), admin.getKVListByNamespace(namespace).getTable());

            admin.deleteKvConfig(namespace, "color");
            MQClientException missing = assertThrows(MQClientException.class,
                () -> admin.getKVConfig(namespace, "color"));
            assertEquals(ResponseCode.QUERY_NOT_FOUND, missing.getResponseCode());
            assertEquals("7", admin.getKVConfig(namespace, "size"));
        }

        /** RouteInfoManager#operateWritePermOfBroker: wipe clears the write bit, add sets exactly READ|WRITE. */
        @Test
        @DisplayName("wipeWritePermOfBroker / addWritePermOfBroker: topic counts and the routes' perms")
        void writePermissions() throws Exception {
            String namesrv = nameServer.address();

            assertEquals(2, admin.wipeWritePermOfBroker(namesrv, "broker-a"));
            assertEquals(PermName.PERM_READ, onlyQueue(route(ORDINARY)).getPerm());
            assertEquals(PermName.PERM_READ | PermName.PERM_INHERIT, onlyQueue(route(TBW102)).getPerm());

            assertEquals(2, admin.addWritePermOfBroker(namesrv, "broker-a"));
            assertEquals(PERM_READ_WRITE, onlyQueue(route(ORDINARY)).getPerm());
            assertEquals(PERM_READ_WRITE, onlyQueue(route(TBW102)).getPerm(), "add sets READ|WRITE, not 7");

            assertEquals(0, admin.wipeWritePermOfBroker(namesrv, "FulmenNoSuchBroker"));
        }

        @Test
        @DisplayName("getNameServerConfig / updateNameServerConfig, and orderTopicConf in routes")
        void nameServerConfig() throws Exception {
            List<String> namesrv = List.of(nameServer.address());
            Properties config = admin.getNameServerConfig(namesrv).get(nameServer.address());
            assertNotNull(config, "config of " + nameServer.address());
            assertEquals(String.valueOf(nameServer.port()), config.getProperty("listenPort"));
            assertEquals("false", config.getProperty("orderMessageEnable"));
            assertEquals("true", config.getProperty("enableAllTopicList"));

            admin.createAndUpdateKvConfig(NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG, ORDINARY, "broker-a:8");
            assertNull(route(ORDINARY).getOrderTopicConf(), "orderMessageEnable is off");

            Properties update = new Properties();
            update.setProperty("orderMessageEnable", "true");
            admin.updateNameServerConfig(update, namesrv);
            assertEquals("true", admin.getNameServerConfig(namesrv).get(nameServer.address())
                .getProperty("orderMessageEnable"));
            assertEquals("broker-a:8", route(ORDINARY).getOrderTopicConf());
        }

        @Test
        @DisplayName("deleteTopicInNameServer: everywhere, or only on one cluster's brokers")
        void deleteTopicInNameServer() throws Exception {
            BrokerSpec other = BrokerSpec.of(OTHER_CLUSTER, "broker-b", 0, PORTS);
            registerOnce(other, TopicTables.standard());
            Set<String> namesrv = Set.of(nameServer.address());

            admin.deleteTopicInNameServer(namesrv, OTHER_CLUSTER, TBW102);
            TopicRouteData tbw102 = route(TBW102);
            assertEquals("broker-a", onlyQueue(tbw102).getBrokerName());
            assertEquals(List.of("broker-a"), brokerNames(tbw102));

            admin.deleteTopicInNameServer(namesrv, ORDINARY);
            assertTopicNotExist(ORDINARY);
            assertEquals(Set.of(TBW102), admin.fetchAllTopicList().getTopicList());
        }
    }

    @Nested
    @DisplayName("a producer looking up routes (DefaultMQProducer)")
    class ProducerRouteLookup {

        private DefaultMQProducer producer;

        @BeforeEach
        void registerAndStartProducer() throws Exception {
            registerOnce(master, TopicTables.standard());
            registerOnce(slave, TopicTables.standard());
            producer = JavaClients.startProducer(nameServer.address(), "FulmenInteropProducerGroup");
        }

        @AfterEach
        void stopProducer() {
            if (producer != null) {
                BackgroundShutdowns.start("DefaultMQProducer", producer::shutdown);
            }
        }

        @Test
        @DisplayName("fetchPublishMessageQueues gives the master's 8 write queues")
        void fetchPublishMessageQueues() throws Exception {
            List<MessageQueue> queues = producer.fetchPublishMessageQueues(ORDINARY);

            List<MessageQueue> expected = IntStream.range(0, ORDINARY_WRITE_QUEUES)
                .mapToObj(id -> new MessageQueue(ORDINARY, "broker-a", id))
                .collect(Collectors.toList());
            assertEquals(expected, queues);
        }

        @Test
        @DisplayName("no queue to publish to once the broker's write permission is wiped")
        void noPublishQueuesAfterWipe() throws Exception {
            assertEquals(2, admin.wipeWritePermOfBroker(nameServer.address(), "broker-a"));

            assertThrows(MQClientException.class, () -> producer.fetchPublishMessageQueues(ORDINARY));
        }
    }

    // ---- helpers shared by the nested classes ----

    /** Registers through registerBrokerAll (plain body) and returns the single name server's result. */
    private RegisterBrokerResult registerOnce(BrokerSpec broker, TopicConfigAndMappingSerializeWrapper topics) {
        List<RegisterBrokerResult> results = registrar.register(broker, topics, false);
        assertEquals(1, results.size(), () -> "registration of " + broker + " got " + results.size() + " results");
        return results.get(0);
    }

    private TopicRouteData route(String topic) throws Exception {
        return admin.examineTopicRouteInfo(topic);
    }

    private void assertTopicNotExist(String topic) {
        MQClientException error = assertThrows(MQClientException.class, () -> route(topic), topic);
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, error.getResponseCode(), topic);
    }

    private static void assertQueues(TopicRouteData route, int read, int write, int perm) {
        QueueData queue = onlyQueue(route);
        assertEquals(read, queue.getReadQueueNums(), "readQueueNums");
        assertEquals(write, queue.getWriteQueueNums(), "writeQueueNums");
        assertEquals(perm, queue.getPerm(), "perm");
    }

    private static QueueData onlyQueue(TopicRouteData route) {
        assertEquals(1, route.getQueueDatas().size(), () -> "queue datas: " + route.getQueueDatas());
        return route.getQueueDatas().get(0);
    }

    private static BrokerData onlyBroker(TopicRouteData route) {
        assertEquals(1, route.getBrokerDatas().size(), () -> "broker datas: " + route.getBrokerDatas());
        return route.getBrokerDatas().get(0);
    }

    private static List<String> brokerNames(TopicRouteData route) {
        return route.getBrokerDatas().stream().map(BrokerData::getBrokerName).sorted().collect(Collectors.toList());
    }
}
