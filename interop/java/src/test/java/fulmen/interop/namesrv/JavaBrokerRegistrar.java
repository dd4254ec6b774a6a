package fulmen.interop.namesrv;

import fulmen.interop.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.broker.out.BrokerOuterAPI;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.body.RegisterBrokerBody;
import org.apache.rocketmq.remoting.protocol.body.TopicConfigAndMappingSerializeWrapper;
import org.apache.rocketmq.remoting.protocol.body.TopicConfigSerializeWrapper;
import org.apache.rocketmq.remoting.protocol.header.namesrv.RegisterBrokerRequestHeader;
import org.apache.rocketmq.remoting.protocol.namesrv.RegisterBrokerResult;

/**
 * The name-server side of a Java broker without the broker: its own {@code BrokerOuterAPI} (the class a RocketMQ
 * 5.3.3 broker registers, queries its data version and unregisters through), pointed at one name server.
 */
final class JavaBrokerRegistrar implements AutoCloseable {

    /** What a Java broker waits by default (registerBrokerTimeoutMills), and the bound of every call here. */
    static final int TIMEOUT_MILLIS = 6_000;
    private static final Duration AVAILABLE_TIMEOUT = Duration.ofSeconds(15);

    private final BrokerOuterAPI api;
    private final String namesrvAddr;

    private JavaBrokerRegistrar(BrokerOuterAPI api, String namesrvAddr) {
        this.api = api;
        this.namesrvAddr = namesrvAddr;
    }

    /**
     * Starts a BrokerOuterAPI for {@code namesrvAddr} and waits (bounded) until its client has connected and counts
     * the name server as available: registerBrokerAll only sends to available name servers.
     */
    static JavaBrokerRegistrar start(String namesrvAddr) throws Exception {
        BrokerOuterAPI api = new BrokerOuterAPI(new NettyClientConfig(), null);
        api.updateNameServerAddressList(namesrvAddr);
        api.start();
        JavaBrokerRegistrar registrar = new JavaBrokerRegistrar(api, namesrvAddr);
        try {
            Await.until("BrokerOuterAPI sees " + namesrvAddr + " as an available name server", AVAILABLE_TIMEOUT,
                () -> api.getRemotingClient().getAvailableNameSrvList().contains(namesrvAddr));
        } catch (Exception | AssertionError e) {
            registrar.close();
            throw e;
        }
        return registrar;
    }

    /** {@code registerBrokerAll} as a broker calls it (not oneway, no heartbeat override), with no filter servers. */
    List<RegisterBrokerResult> register(BrokerSpec broker, TopicConfigSerializeWrapper topics, boolean compressed) {
        return api.registerBrokerAll(broker.cluster(), broker.addr(), broker.name(), broker.id(), broker.haAddr(),
            topics, new ArrayList<>(), false, TIMEOUT_MILLIS, false, compressed, broker.identity());
    }

    /**
     * A REGISTER_BROKER request built from the official header and body classes and sent over the BrokerOuterAPI's
     * own remoting client, with the body encoded plain or zlib-compressed and the header's {@code compressed} flag
     * chosen independently; the raw response.
     */
    RemotingCommand registerRaw(BrokerSpec broker, TopicConfigAndMappingSerializeWrapper topics, boolean compressBody,
        boolean compressedFlag) throws Exception {
        RegisterBrokerBody body = new RegisterBrokerBody();
        body.setTopicConfigSerializeWrapper(topics);
        body.setFilterServerList(new ArrayList<>());
        byte[] bytes = body.encode(compressBody);

        RegisterBrokerRequestHeader header = new RegisterBrokerRequestHeader();
        header.setClusterName(broker.cluster());
        header.setBrokerName(broker.name());
        header.setBrokerId(broker.id());
        header.setBrokerAddr(broker.addr());
        header.setHaServerAddr(broker.haAddr());
        header.setEnableActingMaster(false);
        header.setCompressed(compressedFlag);
        header.setBodyCrc32(UtilAll.crc32(bytes));

        RemotingCommand request = RemotingCommand.createRequestCommand(RequestCode.REGISTER_BROKER, header);
        request.setBody(bytes);
        return api.getRemotingClient().invokeSync(namesrvAddr, request, TIMEOUT_MILLIS);
    }

    /** {@code needRegister}: one {@code TRUE} per name server whose registered data version differs, else empty. */
    List<Boolean> needRegister(BrokerSpec broker, TopicConfigSerializeWrapper topics) {
        return api.needRegister(broker.cluster(), broker.addr(), broker.name(), broker.id(), topics, TIMEOUT_MILLIS,
            false);
    }

    /** {@code unregisterBrokerAll}, as a broker calls it while shutting down. */
    void unregister(BrokerSpec broker) {
        api.unregisterBrokerAll(broker.cluster(), broker.addr(), broker.name(), broker.id());
    }

    @Override
    public void close() {
        api.shutdown();
    }
}
