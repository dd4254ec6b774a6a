package fulmen.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.sysflag.MessageSysFlag;
import org.apache.rocketmq.common.sysflag.PullSysFlag;
import org.apache.rocketmq.remoting.CommandCustomHeader;
import org.apache.rocketmq.remoting.protocol.header.ConsumerSendMsgBackRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.EndTransactionRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.PullMessageResponseHeader;
import org.apache.rocketmq.remoting.protocol.header.QueryConsumerOffsetRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.QueryConsumerOffsetResponseHeader;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeaderV2;
import org.apache.rocketmq.remoting.protocol.header.SendMessageResponseHeader;
import org.apache.rocketmq.remoting.protocol.header.UpdateConsumerOffsetRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.GetRouteInfoRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.RegisterBrokerRequestHeader;

/**
 * Category {@code header/}: the extFields map Java's {@code makeCustomHeaderToNet} produces for the main typed
 * headers, filled as the Java client, broker or NameSrv fills them.
 */
public final class HeaderVectors implements VectorSource {
    @Override
    public List<Vector> vectors() {
        List<Vector> vectors = new ArrayList<>();
        SendMessageRequestHeader send = Fixtures.sendHeader();
        vectors.add(header("send_message_v1", "SEND_MESSAGE (10) long-form header as sendKernelImpl fills it;"
            + " properties carry \\u0001/\\u0002 separators; bname = target broker", send));
        vectors.add(header("send_message_v2", "the same header converted for SEND_MESSAGE_V2 (310): keys a..n",
            SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(send)));
        vectors.add(header("send_message_v2_retry", "V2 header of a send to %RETRY%CG: reconsumeTimes (j) 3,"
            + " maxReconsumeTimes (l) 16", SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(
                Fixtures.retrySendHeader())));
        SendMessageRequestHeader batch = Fixtures.sendHeader();
        batch.setBatch(true);
        vectors.add(header("send_message_v2_batch", "V2 header of SEND_BATCH_MESSAGE (320): m = true",
            SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(batch)));
        vectors.add(pull("pull_message_commit_suspend", true, true, false, false,
            "push consumer with an offset to commit"));
        vectors.add(pull("pull_message_suspend", false, true, false, false, "push consumer, nothing to commit"));
        vectors.add(pull("pull_message_subscription", true, true, true, false,
            "postSubscriptionWhenPull: subscription and expressionType are used"));
        vectors.add(pull("pull_message_lite", false, true, true, true,
            "lite pull consumer (LITE_PULL_MESSAGE): maxMsgNums 10, suspend 20 s"));
        vectors.add(pull("pull_message_all_flags", true, true, true, true, "COMMIT_OFFSET, SUSPEND, SUBSCRIPTION and"
            + " LITE_PULL together"));
        vectors.add(header("send_message_response", "broker's send response header (msgId = offsetMsgId,"
            + " transactionId = UNIQ_KEY)", sendResponse()));
        vectors.add(header("pull_message_response", "broker's pull response header (FOUND, master suggested)",
            pullResponse()));
        vectors.add(header("query_consumer_offset_request", "QUERY_CONSUMER_OFFSET (14) request, setZeroIfNotFound"
            + " true", queryOffsetRequest()));
        vectors.add(header("query_consumer_offset_response", "QUERY_CONSUMER_OFFSET response: offset above 2^53"
            + " (values are strings, so nothing is lost)", queryOffsetResponse()));
        vectors.add(header("update_consumer_offset", "UPDATE_CONSUMER_OFFSET (15) request", updateOffset()));
        vectors.add(header("end_transaction_commit", "END_TRANSACTION (37) commit (8) sent by the producer",
            endTransaction()));
        vectors.add(header("register_broker", "REGISTER_BROKER (103) request header of a master with"
            + " compressed=false and a body CRC", registerBroker()));
        vectors.add(header("consumer_send_msg_back", "CONSUMER_SEND_MSG_BACK (36) of a failed message",
            sendBack()));
        vectors.add(header("get_route_info", "GET_ROUTEINFO_BY_TOPIC (105) asking for standard JSON",
            routeInfo()));
        return vectors;
    }

    private static Vector header(String name, String description, CommandCustomHeader header) {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("extFields", HeaderDescriber.flatten(header));
        return new Vector("header", name, HeaderDescriber.KIND).description(description)
            .javaClass(header.getClass())
            .javaSource("RemotingCommand#makeCustomHeaderToNet() of a " + header.getClass().getSimpleName())
            .expected(expected);
    }

    private static Vector pull(String name, boolean commitOffset, boolean suspend, boolean subscription,
        boolean litePull, String description) {
        int sysFlag = PullSysFlag.buildSysFlag(commitOffset, suspend, subscription, false, litePull);
        return header(name, "PULL_MESSAGE (11) header, sysFlag 0x" + Integer.toHexString(sysFlag)
            + " = PullSysFlag.buildSysFlag(commitOffset=" + commitOffset + ", suspend=" + suspend + ", subscription="
            + subscription + ", classFilter=false, litePull=" + litePull + "): " + description,
            Fixtures.pullHeader(sysFlag, subscription ? "TagA || TagB" : null));
    }

    private static SendMessageResponseHeader sendResponse() {
        SendMessageResponseHeader header = new SendMessageResponseHeader();
        header.setMsgId("0A00000100002A9F000000000002E858");
        header.setQueueId(1);
        header.setQueueOffset(12345L);
        header.setTransactionId(Fixtures.UNIQ_KEY);
        return header;
    }

    public static PullMessageResponseHeader pullResponse() {
        PullMessageResponseHeader header = new PullMessageResponseHeader();
        header.setSuggestWhichBrokerId(0L);
        header.setNextBeginOffset(1027L);
        header.setMinOffset(0L);
        header.setMaxOffset(1100L);
        return header;
    }

    private static QueryConsumerOffsetRequestHeader queryOffsetRequest() {
        QueryConsumerOffsetRequestHeader header = new QueryConsumerOffsetRequestHeader();
        header.setConsumerGroup(Fixtures.CONSUMER_GROUP);
        header.setTopic(Fixtures.TOPIC);
        header.setQueueId(2);
        header.setSetZeroIfNotFound(true);
        header.setBrokerName(Fixtures.BROKER_A);
        return header;
    }

    private static QueryConsumerOffsetResponseHeader queryOffsetResponse() {
        QueryConsumerOffsetResponseHeader header = new QueryConsumerOffsetResponseHeader();
        header.setOffset(9007199254740993L);
        return header;
    }

    public static UpdateConsumerOffsetRequestHeader updateOffset() {
        UpdateConsumerOffsetRequestHeader header = new UpdateConsumerOffsetRequestHeader();
        header.setConsumerGroup(Fixtures.CONSUMER_GROUP);
        header.setTopic(Fixtures.TOPIC);
        header.setQueueId(2);
        header.setCommitOffset(1024L);
        header.setBrokerName(Fixtures.BROKER_A);
        return header;
    }

    public static EndTransactionRequestHeader endTransaction() {
        EndTransactionRequestHeader header = new EndTransactionRequestHeader();
        header.setTopic(Fixtures.TOPIC);
        header.setProducerGroup(Fixtures.PRODUCER_GROUP);
        header.setTranStateTableOffset(9L);
        header.setCommitLogOffset(12288L);
        header.setCommitOrRollback(MessageSysFlag.TRANSACTION_COMMIT_TYPE);
        header.setFromTransactionCheck(false);
        header.setMsgId(Fixtures.UNIQ_KEY);
        header.setTransactionId(Fixtures.UNIQ_KEY);
        header.setBrokerName(Fixtures.BROKER_A);
        return header;
    }

    private static RegisterBrokerRequestHeader registerBroker() {
        RegisterBrokerRequestHeader header = new RegisterBrokerRequestHeader();
        header.setBrokerName(Fixtures.BROKER_A);
        header.setBrokerAddr("10.0.0.1:10911");
        header.setClusterName(Fixtures.CLUSTER);
        header.setHaServerAddr("10.0.0.1:10912");
        header.setBrokerId(0L);
        header.setHeartbeatTimeoutMillis(120000L);
        header.setEnableActingMaster(false);
        header.setCompressed(false);
        header.setBodyCrc32(1234567890);
        return header;
    }

    private static ConsumerSendMsgBackRequestHeader sendBack() {
        ConsumerSendMsgBackRequestHeader header = new ConsumerSendMsgBackRequestHeader();
        header.setOffset(190552L);
        header.setGroup(Fixtures.CONSUMER_GROUP);
        header.setDelayLevel(0);
        header.setOriginMsgId(Fixtures.UNIQ_KEY);
        header.setOriginTopic(Fixtures.TOPIC);
        header.setUnitMode(false);
        header.setMaxReconsumeTimes(16);
        header.setBrokerName(Fixtures.BROKER_A);
        return header;
    }

    public static GetRouteInfoRequestHeader routeInfo() {
        GetRouteInfoRequestHeader header = new GetRouteInfoRequestHeader();
        header.setTopic(Fixtures.TOPIC);
        header.setAcceptStandardJsonOnly(true);
        return header;
    }
}
