package fulmen.interop;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.sysflag.PullSysFlag;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.remoting.protocol.header.PullMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeader;

/**
 * Fixed inputs shared by all categories: timestamps, hosts, names and ids. Nothing here reads a clock, a
 * random source, the process id or the network, so every run produces the same vectors.
 */
public final class Fixtures {
    /** MQVersion.Version.V5_3_3.ordinal(), set explicitly on every command. */
    public static final int VERSION = 479;
    public static final long BORN_TIMESTAMP = 1700000000000L;
    public static final long STORE_TIMESTAMP = 1700000000123L;
    public static final long SUB_VERSION = 1700000000456L;
    public static final String UNIQ_KEY = "7F000001A3E530F399910F2AB16903E1";
    public static final String UNIQ_KEY_2 = "7F000001A3E530F399910F2AB16903E2";
    public static final String UNIQ_KEY_3 = "7F000001A3E530F399910F2AB16903E3";
    public static final String PRODUCER_GROUP = "PG";
    public static final String CONSUMER_GROUP = "CG";
    public static final String TOPIC = "TopicTest";
    public static final String BROKER_A = "broker-a";
    public static final String BROKER_B = "broker-b";
    public static final String CLUSTER = "DefaultCluster";
    public static final String CLIENT_ID = "192.168.1.10@31337#1736000000000";
    public static final InetSocketAddress BORN_HOST = ipv4(192, 168, 1, 10, 54321);
    public static final InetSocketAddress STORE_HOST = ipv4(10, 0, 0, 1, 10911);
    public static final InetSocketAddress BORN_HOST_V6 = ipv6("20010DB8000000000000000000000010", 54321);
    public static final InetSocketAddress STORE_HOST_V6 = ipv6("20010DB8000000000000000000000001", 10911);

    static {
        if (MQVersion.Version.V5_3_3.ordinal() != VERSION) {
            throw new IllegalStateException("V5_3_3 is no longer ordinal " + VERSION);
        }
    }

    private Fixtures() {
    }

    public static InetSocketAddress ipv4(int a, int b, int c, int d, int port) {
        return address(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}, port);
    }

    public static InetSocketAddress ipv6(String hex, int port) {
        return address(Hex.decode(hex), port);
    }

    private static InetSocketAddress address(byte[] ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A message as a Java producer has it just before sending: TAGS, KEYS, WAIT and an explicit UNIQ_KEY. */
    public static Message producerMessage(String body, String uniqKey) {
        Message message = new Message(TOPIC, "TagA", utf8(body));
        message.setKeys(Arrays.asList("order-1", "order-2"));
        MessageAccessor.putProperty(message, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniqKey);
        return message;
    }

    /** The long-form send header exactly as DefaultMQProducerImpl.sendKernelImpl fills it (fixed born time). */
    public static SendMessageRequestHeader sendHeader() {
        Message message = producerMessage("Hello RocketMQ", UNIQ_KEY);
        SendMessageRequestHeader header = new SendMessageRequestHeader();
        header.setProducerGroup(PRODUCER_GROUP);
        header.setTopic(TOPIC);
        header.setDefaultTopic(TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC);
        header.setDefaultTopicQueueNums(4);
        header.setQueueId(1);
        header.setSysFlag(0);
        header.setBornTimestamp(BORN_TIMESTAMP);
        header.setFlag(0);
        header.setProperties(MessageDecoder.messageProperties2String(message.getProperties()));
        header.setReconsumeTimes(0);
        header.setUnitMode(false);
        header.setBatch(false);
        header.setBrokerName(BROKER_A);
        return header;
    }

    /** A send header for a %RETRY% topic, with the reconsume counters moved from properties to the header. */
    public static SendMessageRequestHeader retrySendHeader() {
        SendMessageRequestHeader header = sendHeader();
        header.setTopic(MixAll.getRetryTopic(CONSUMER_GROUP));
        header.setReconsumeTimes(3);
        header.setMaxReconsumeTimes(16);
        return header;
    }

    /** The pull header as PullAPIWrapper.pullKernelImpl fills it for a push consumer. */
    public static PullMessageRequestHeader pullHeader(int sysFlag, String subscription) {
        PullMessageRequestHeader header = new PullMessageRequestHeader();
        header.setConsumerGroup(CONSUMER_GROUP);
        header.setTopic(TOPIC);
        header.setQueueId(2);
        header.setQueueOffset(1024L);
        header.setMaxMsgNums(PullSysFlag.hasLitePullFlag(sysFlag) ? 10 : 32);
        header.setSysFlag(sysFlag);
        header.setCommitOffset(PullSysFlag.hasCommitOffsetFlag(sysFlag) ? 1000L : 0L);
        header.setSuspendTimeoutMillis(PullSysFlag.hasLitePullFlag(sysFlag) ? 20000L : 15000L);
        header.setSubscription(subscription);
        header.setSubVersion(SUB_VERSION);
        header.setMaxMsgBytes(262144);
        header.setExpressionType("TAG");
        header.setBrokerName(BROKER_A);
        return header;
    }
}
