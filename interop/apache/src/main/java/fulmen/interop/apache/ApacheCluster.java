package fulmen.interop.apache;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * One official Apache RocketMQ 5.3.3 name server and one master broker in this JVM, on 127.0.0.1 only, with small
 * mapped files and the store (and every file the two would write under the home directory) in a fresh temporary
 * directory that is deleted at exit.
 *
 * <p>Usage: {@code ApacheCluster [key=value ...]}; each pair is a broker.conf setting applied on top of the defaults
 * below (BrokerConfig, NettyServerConfig or MessageStoreConfig, as Apache's BrokerStartup applies a config file).
 *
 * <p>Once the broker's route for TBW102 is in the name server, prints one line to stdout:
 * {@code APACHE_CLUSTER_READY namesrv=127.0.0.1:P broker=127.0.0.1:Q cluster=C brokerName=B millis=T}. Stops
 * (broker, then name server, then the directory; see {@link #stop}) when stdin closes or on SIGTERM/SIGINT, so a test
 * process that dies never leaves the JVM behind. Logs (errors only) go to stderr.
 *
 * <p>Loopback: both listen on 127.0.0.1 ({@code bindAddress}), the broker advertises {@code brokerIP1=127.0.0.1} and
 * registers with the name server at 127.0.0.1. Apache's HA service (DefaultHAService.AcceptSocketService) has no bind
 * address setting and accepts on the wildcard address; no slave exists, so nothing connects to it.
 */
public final class ApacheCluster {
    static final String READY = "APACHE_CLUSTER_READY";
    static final String LOOPBACK = "127.0.0.1";
    static final String CLUSTER = "ApacheCluster";
    static final String BROKER_NAME = "apache-broker-a";
    static final long READY_TIMEOUT_MILLIS = 60_000;
    static final long STOP_GRACE_MILLIS = 3_000;

    private ApacheCluster() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        Path home = Files.createTempDirectory("fulmen-apache-cluster-");
        // Apache's defaults (store, namesrv kv config, logs) live under user.home; keep them all in the temp dir.
        System.setProperty("user.home", home.toString());
        System.setProperty(MixAll.ROCKETMQ_HOME_PROPERTY, home.toString());
        System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));

        NamesrvController namesrv = startNamesrv(home);
        String namesrvAddr = LOOPBACK + ":" + namesrv.getNettyServerConfig().getListenPort();
        BrokerController broker = startBroker(home, namesrvAddr, args);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(broker, namesrv, home), "apache-cluster-stop"));
        awaitRoute(namesrv, broker.getBrokerAddr());

        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("%s namesrv=%s broker=%s cluster=%s brokerName=%s millis=%d%n", READY, namesrvAddr,
            broker.getBrokerAddr(), CLUSTER, BROKER_NAME, millis);
        System.out.flush();
        exitWhenStdinCloses();
    }

    private static NamesrvController startNamesrv(Path home) throws Exception {
        NamesrvConfig config = new NamesrvConfig();
        config.setRocketmqHome(home.toString());
        config.setKvConfigPath(home.resolve("namesrv").resolve("kvConfig.json").toString());
        config.setConfigStorePath(home.resolve("namesrv").resolve("namesrv.properties").toString());
        NettyServerConfig server = new NettyServerConfig();
        server.setBindAddress(LOOPBACK);
        // NettyRemotingServer.start writes the port the OS chose back into the config.
        server.setListenPort(0);
        server.setServerWorkerThreads(2);
        NamesrvController controller = new NamesrvController(config, server, new NettyClientConfig());
        if (!controller.initialize()) {
            throw new IllegalStateException("the Apache name server did not initialize");
        }
        controller.start();
        return controller;
    }

    private static BrokerController startBroker(Path home, String namesrvAddr, String[] args) throws Exception {
        BrokerConfig config = new BrokerConfig();
        config.setRocketmqHome(home.toString());
        config.setBrokerIP1(LOOPBACK);
        config.setBrokerIP2(LOOPBACK);
        config.setNamesrvAddr(namesrvAddr);
        config.setFetchNamesrvAddrByAddressServer(false);
        config.setBrokerClusterName(CLUSTER);
        config.setBrokerName(BROKER_NAME);
        config.setBrokerId(MixAll.MASTER_ID);
        config.setAutoCreateTopicEnable(true);

        MessageStoreConfig store = new MessageStoreConfig();
        store.setStorePathRootDir(home.resolve("store").toString());
        store.setStorePathCommitLog(home.resolve("store").resolve("commitlog").toString());
        store.setMappedFileSizeCommitLog(8 * 1024 * 1024);
        store.setMappedFileSizeConsumeQueue(20 * 10_000);
        store.setMappedFileSizeTimerLog(4 * 1024 * 1024);
        store.setTimerMaxDelaySec(3600);
        store.setMaxHashSlotNum(10_000);
        store.setMaxIndexNum(40_000);

        NettyServerConfig server = new NettyServerConfig();
        server.setBindAddress(LOOPBACK);
        server.setServerWorkerThreads(4);
        NettyClientConfig client = new NettyClientConfig();

        Properties settings = new Properties();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            settings.setProperty(arg.substring(0, eq).trim(), arg.substring(eq + 1).trim());
        }
        MixAll.properties2Object(settings, config);
        MixAll.properties2Object(settings, server);
        MixAll.properties2Object(settings, client);
        MixAll.properties2Object(settings, store);

        // The broker listens on listenPort and listenPort - 2 (the "fast" channel), HA on haListenPort.
        int port = server.getListenPort() > 2 ? server.getListenPort() : freeBrokerPort();
        server.setListenPort(port);
        config.setListenPort(port);
        store.setHaListenPort(port + 1);

        AuthConfig auth = new AuthConfig();
        auth.setConfigName(config.getBrokerName());
        auth.setClusterName(config.getBrokerClusterName());
        auth.setAuthConfigPath(home.resolve("store").resolve("config").toString());

        BrokerController controller = new BrokerController(config, server, client, store, auth);
        if (!controller.initialize()) {
            controller.shutdown();
            throw new IllegalStateException("the Apache broker did not initialize (see the errors above)");
        }
        controller.start();
        return controller;
    }

    /** A port P with P, P - 2 and P + 1 free on 127.0.0.1 when checked. */
    private static int freeBrokerPort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
                port = socket.getLocalPort();
            }
            if (port > 1026 && port < 65535 && isFree(port - 2) && isFree(port + 1) && isFree(port)) {
                return port;
            }
        }
        throw new IOException("no free port triple (P-2, P, P+1) on 127.0.0.1 after 50 attempts");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitRoute(NamesrvController namesrv, String brokerAddr) throws InterruptedException {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            TopicRouteData route = namesrv.getRouteInfoManager().pickupTopicRouteData(TopicValidatorKey.TBW102);
            if (route != null && route.getBrokerDatas().stream()
                .anyMatch(data -> brokerAddr.equals(data.getBrokerAddrs().get(MixAll.MASTER_ID)))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the broker " + brokerAddr + " did not register TBW102 within "
            + READY_TIMEOUT_MILLIS + " ms");
    }

    private static void exitWhenStdinCloses() throws IOException {
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // Whatever the parent writes is ignored; only the end of the stream matters.
        }
        System.exit(0);
    }

    /**
     * Shuts the broker and the name server down, waiting at most {@link #STOP_GRACE_MILLIS} (Apache's own shutdown
     * joins its service threads one by one and takes about 20 s), then deletes the directory and halts the JVM.
     */
    private static void stop(BrokerController broker, NamesrvController namesrv, Path home) {
        Thread graceful = new Thread(() -> {
            try {
                broker.shutdown();
                namesrv.shutdown();
            } catch (RuntimeException e) {
                System.err.println("apache cluster shutdown: " + e);
            }
        }, "apache-cluster-graceful-stop");
        graceful.setDaemon(true);
        graceful.start();
        try {
            graceful.join(STOP_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(home)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("apache cluster: could not delete " + home + ": " + e);
        }
        Runtime.getRuntime().halt(0);
    }

    /** The template topic of auto-created topics (TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC). */
    private static final class TopicValidatorKey {
        static final String TBW102 = org.apache.rocketmq.common.topic.TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC;
    }
}
