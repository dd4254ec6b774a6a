package fulmen.interop.broker;

import fulmen.interop.testing.BackgroundShutdowns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The official Java clients of one test, all pointed at one Fulmen name server on 127.0.0.1 with the VIP channel off
 * and an instance name of their own (so no two share a client instance in this JVM). Closing shuts them all down in
 * parallel and waits, bounded, so they are gone before the cluster stops.
 */
final class JavaPeers implements AutoCloseable {

    static final int CLIENT_TIMEOUT_MILLIS = 6_000;
    private static final int PUSH_HEARTBEAT_MILLIS = 1_000;
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(20);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String namesrvAddr;
    private final List<Runnable> shutdowns = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    JavaPeers(String namesrvAddr) {
        this.namesrvAddr = namesrvAddr;
    }

    /** A started producer of {@code group}. */
    DefaultMQProducer producer(String group) throws MQClientException {
        DefaultMQProducer producer = new DefaultMQProducer(group);
        producer.setNamesrvAddr(namesrvAddr);
        producer.setInstanceName(instanceName("producer"));
        producer.setVipChannelEnabled(false);
        producer.setSendMsgTimeout(CLIENT_TIMEOUT_MILLIS);
        producer.setMqClientApiTimeout(CLIENT_TIMEOUT_MILLIS);
        producer.start();
        track("DefaultMQProducer " + group, producer::shutdown);
        return producer;
    }

    /** A started lite pull consumer of {@code group}, committing nothing automatically. */
    DefaultLitePullConsumer litePullConsumer(String group) throws MQClientException {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(group);
        consumer.setNamesrvAddr(namesrvAddr);
        consumer.setInstanceName(instanceName("lite-pull"));
        consumer.setVipChannelEnabled(false);
        consumer.setAutoCommit(false);
        consumer.setMqClientApiTimeout(CLIENT_TIMEOUT_MILLIS);
        consumer.start();
        track("DefaultLitePullConsumer " + group, consumer::shutdown);
        return consumer;
    }

    /**
     * A push consumer of {@code group}, not yet started: the caller subscribes and registers a listener. It sends
     * heartbeats every second instead of every 30 s: after a rebalance the client raises its subscription version and
     * announces it with a heartbeat, but skips that heartbeat when another one holds its lock (MQClientInstance
     * logs "sendHeartbeatToAllBrokerWithLockV2 lock heartBeat, but failed."); its pulls then carry a version newer
     * than the broker knows and get SUBSCRIPTION_NOT_LATEST (PullMessageProcessor) until the next periodic heartbeat.
     * It also commits its consume offsets every second instead of every 5 s, so consume stats settle sooner.
     */
    DefaultMQPushConsumer pushConsumer(String group) {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(namesrvAddr);
        consumer.setInstanceName(instanceName("push"));
        consumer.setVipChannelEnabled(false);
        consumer.setMqClientApiTimeout(CLIENT_TIMEOUT_MILLIS);
        consumer.setHeartbeatBrokerInterval(PUSH_HEARTBEAT_MILLIS);
        consumer.setPersistConsumerOffsetInterval(PUSH_HEARTBEAT_MILLIS);
        track("DefaultMQPushConsumer " + group, consumer::shutdown);
        return consumer;
    }

    /** A started admin tool (mqadmin's {@code DefaultMQAdminExt}). */
    DefaultMQAdminExt admin() throws MQClientException {
        DefaultMQAdminExt admin = new DefaultMQAdminExt(CLIENT_TIMEOUT_MILLIS);
        admin.setNamesrvAddr(namesrvAddr);
        admin.setInstanceName(instanceName("admin"));
        admin.setVipChannelEnabled(false);
        admin.start();
        track("DefaultMQAdminExt", admin::shutdown);
        return admin;
    }

    private void track(String name, Runnable shutdown) {
        names.add(name);
        shutdowns.add(shutdown);
    }

    private static String instanceName(String role) {
        return "fulmen-broker-interop-" + role + "-" + INSTANCES.incrementAndGet();
    }

    /** Shuts every client down in parallel and waits for all of them, bounded. */
    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < shutdowns.size(); i++) {
            BackgroundShutdowns.start(names.get(i), shutdowns.get(i));
        }
        shutdowns.clear();
        names.clear();
        BackgroundShutdowns.awaitAll(SHUTDOWN_LIMIT);
    }
}
