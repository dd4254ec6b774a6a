package fulmen.interop.namesrv;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Starts the official client-side classes against one name server: the mqadmin tool's {@code DefaultMQAdminExt} and
 * a {@code DefaultMQProducer}. Each gets its own instance name, so no two share a client instance in this JVM.
 */
final class JavaClients {

    static final long ADMIN_TIMEOUT_MILLIS = 6_000;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private JavaClients() {
    }

    /** A started admin tool; shut it down after use. */
    static DefaultMQAdminExt startAdmin(String namesrvAddr) throws MQClientException {
        DefaultMQAdminExt admin = new DefaultMQAdminExt(ADMIN_TIMEOUT_MILLIS);
        admin.setNamesrvAddr(namesrvAddr);
        admin.setInstanceName(instanceName("admin"));
        admin.setVipChannelEnabled(false);
        admin.start();
        return admin;
    }

    /** A started producer of {@code group} (it never sends here); shut it down after use. */
    static DefaultMQProducer startProducer(String namesrvAddr, String group) throws MQClientException {
        DefaultMQProducer producer = new DefaultMQProducer(group);
        producer.setNamesrvAddr(namesrvAddr);
        producer.setInstanceName(instanceName("producer"));
        producer.setVipChannelEnabled(false);
        producer.setMqClientApiTimeout((int) ADMIN_TIMEOUT_MILLIS);
        producer.start();
        return producer;
    }

    private static String instanceName(String role) {
        return "fulmen-interop-" + role + "-" + INSTANCES.incrementAndGet();
    }
}
