package fulmen.interop;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.help.FAQUrl;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.sysflag.PullSysFlag;
import org.apache.rocketmq.remoting.CommandCustomHeader;
import org.apache.rocketmq.remoting.protocol.LanguageCode;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.SerializeType;
import org.apache.rocketmq.remoting.protocol.header.HeartbeatRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.PopMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.PullMessageResponseHeader;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeaderV2;
import org.apache.rocketmq.remoting.protocol.header.SendMessageResponseHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.GetRouteInfoRequestHeader;

/**
 * Category {@code command/}: complete frames exactly as NettyEncoder writes them
 * ({@code RemotingCommand.fastEncodeHeader} + body), each in both header serializations (file name prefix
 * {@code json_} or {@code rocketmq_}). Every command sets version 479 and its opaque explicitly.
 */
public final class CommandVectors implements VectorSource {
    private static final String CATEGORY = "command";
    private static final String WIRE_SOURCE = "RemotingCommand#fastEncodeHeader(ByteBuf) + body, as NettyEncoder"
        + " writes it, after setSerializeTypeCurrentRPC(SerializeType.";
    private static final String ODD_REMARK = "line1\nline2\t\"quoted\" back\\slash \u0001\u0002 ctrl \u007f,"
        + " é 中文 😀 </script>";

    /** Builds a fresh command; called once per serialization because encoding mutates the command. */
    private interface CommandFactory {
        RemotingCommand build() throws Exception;
    }

    @Override
    public List<Vector> vectors() throws Exception {
        List<Vector> vectors = new ArrayList<>();
        both(vectors, "request_get_route_info", "GET_ROUTEINFO_BY_TOPIC (105) request, header {topic}",
            () -> request(RequestCode.GET_ROUTEINFO_BY_TOPIC, routeHeader(false), 1));
        both(vectors, "request_get_route_info_rust", "GET_ROUTEINFO_BY_TOPIC from a RUST client asking for standard"
            + " JSON (acceptStandardJsonOnly=true)", () -> {
                RemotingCommand command = request(RequestCode.GET_ROUTEINFO_BY_TOPIC, routeHeader(true), 2);
                command.setLanguage(LanguageCode.RUST);
                return command;
            });
        both(vectors, "request_send_message_v2", "SEND_MESSAGE_V2 (310) with the short-key header (properties"
            + " contain \\u0001/\\u0002) and a body; ROCKETMQ: FastCodesHeader writes keys a..n in field order",
            () -> withBody(request(RequestCode.SEND_MESSAGE_V2,
                SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(Fixtures.sendHeader()), 42),
                Fixtures.utf8(MessageFixtures.BODY)));
        both(vectors, "request_send_message_v1", "SEND_MESSAGE (10) with the long-key header and a body",
            () -> withBody(request(RequestCode.SEND_MESSAGE, Fixtures.sendHeader(), 43),
                Fixtures.utf8(MessageFixtures.BODY)));
        both(vectors, "request_send_batch_message", "SEND_BATCH_MESSAGE (320): V2 header with m=true, body = batch"
            + " encoding of 3 messages", () -> {
                SendMessageRequestHeader header = Fixtures.sendHeader();
                header.setBatch(true);
                return withBody(request(RequestCode.SEND_BATCH_MESSAGE,
                    SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(header), 49),
                    BatchVectors.producerBatch(3).encode());
            });
        both(vectors, "request_pull_message", "PULL_MESSAGE (11), sysFlag 0x3, FastCodesHeader",
            () -> request(RequestCode.PULL_MESSAGE,
                Fixtures.pullHeader(PullSysFlag.buildSysFlag(true, true, false, false), null), 44));
        both(vectors, "request_heartbeat", "HEART_BEAT (34): a header with no field set (JSON extFields {};"
            + " ROCKETMQ writes an empty map, which Java decodes as null) and a HeartbeatData body",
            () -> withBody(request(RequestCode.HEART_BEAT, new HeartbeatRequestHeader(), 45),
                BodyFixtures.heartbeat().encode()));
        both(vectors, "request_no_header", "GET_BROKER_CLUSTER_INFO (106) without a custom header: extFields null",
            () -> request(RequestCode.GET_BROKER_CLUSTER_INFO, null, 46));
        both(vectors, "request_negative_opaque", "GET_BROKER_CLUSTER_INFO with opaque Integer.MIN_VALUE (the"
            + " request id counter wraps)", () -> request(RequestCode.GET_BROKER_CLUSTER_INFO, null, Integer.MIN_VALUE));
        both(vectors, "oneway_update_consumer_offset", "UPDATE_CONSUMER_OFFSET (15) sent oneway (flag 2)", () -> {
            RemotingCommand command = request(RequestCode.UPDATE_CONSUMER_OFFSET, HeaderVectors.updateOffset(), 47);
            command.markOnewayRPC();
            return command;
        });
        both(vectors, "oneway_end_transaction", "END_TRANSACTION (37) commit, oneway, with a remark as the"
            + " producer sends the local transaction's exception text", () -> {
                RemotingCommand command = request(RequestCode.END_TRANSACTION, HeaderVectors.endTransaction(), 48);
                command.setRemark("executeLocalTransactionBranch exception: \"boom\"");
                command.markOnewayRPC();
                return command;
            });
        both(vectors, "request_pop_message", "POP_MESSAGE (200050): the ROCKETMQ header stores code as a short, so"
            + " Java decodes that frame's code as 3442 (POP works over JSON only)",
            () -> request(RequestCode.POP_MESSAGE, popHeader(), 50));
        both(vectors, "response_send_message", "SEND_MESSAGE_V2 response: SendMessageResponseHeader plus the"
            + " broker's MSG_REGION and TRACE_ON extFields", CommandVectors::sendResponse);
        both(vectors, "response_pull_found", "PULL_MESSAGE response FOUND: PullMessageResponseHeader, remark FOUND,"
            + " body = one stored message unit", CommandVectors::pullResponse);
        both(vectors, "response_route_info", "GET_ROUTEINFO_BY_TOPIC response: no header (extFields null), body ="
            + " standard-JSON TopicRouteData", () -> withBody(response(ResponseCode.SUCCESS, null, null, 1),
                BodyFixtures.topicRoute().encode(BodyVectors.STANDARD_JSON)));
        both(vectors, "response_error_remark", "SYSTEM_ERROR (1) whose remark has a newline, tab, quotes, a"
            + " backslash, \\u0001/\\u0002, DEL, non-ASCII and a surrogate pair",
            () -> response(ResponseCode.SYSTEM_ERROR, ODD_REMARK, null, 7));
        both(vectors, "response_topic_not_exist", "TOPIC_NOT_EXIST (17) from the NameSrv, remark with the FAQ URL",
            () -> response(ResponseCode.TOPIC_NOT_EXIST, "No topic route info in name server for the topic: "
                + Fixtures.TOPIC + FAQUrl.suggestTodo(FAQUrl.APPLY_TOPIC_URL), null, 3));
        both(vectors, "response_not_supported", "REQUEST_CODE_NOT_SUPPORTED (3) as NettyRemotingAbstract words it",
            () -> response(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, " request type 9999 not supported", null, 8));
        both(vectors, "response_empty_remark", "SUCCESS with remark \"\": JSON keeps \"\", ROCKETMQ writes length 0"
            + " which Java decodes as null", () -> response(ResponseCode.SUCCESS, "", null, 9));
        vectors.add(encodePathVariant());
        return vectors;
    }

    private static void both(List<Vector> vectors, String name, String description, CommandFactory factory)
        throws Exception {
        for (SerializeType type : new SerializeType[] {SerializeType.JSON, SerializeType.ROCKETMQ}) {
            RemotingCommand command = factory.build();
            command.setSerializeTypeCurrentRPC(type);
            byte[] frame = wire(command);
            vectors.add(new Vector(CATEGORY, type.name().toLowerCase() + "_" + name, CommandDescriber.KIND)
                .description(description)
                .javaSource(WIRE_SOURCE + type + ")")
                .bytes(frame)
                .headerText(CommandDescriber.headerText(frame)));
        }
    }

    /**
     * The alternative ROCKETMQ encoder: RemotingCommand#encode() flattens a FastCodesHeader into the extFields
     * HashMap, so the keys come in hash order instead of the header's field order.
     */
    private static Vector encodePathVariant() throws Exception {
        CommandFactory factory = () -> {
            RemotingCommand command = request(RequestCode.PULL_MESSAGE,
                Fixtures.pullHeader(PullSysFlag.buildSysFlag(true, true, false, false), null), 44);
            command.setSerializeTypeCurrentRPC(SerializeType.ROCKETMQ);
            return command;
        };
        ByteBuffer encoded = factory.build().encode();
        byte[] frame = new byte[encoded.remaining()];
        encoded.get(frame);
        if (Arrays.equals(frame, wire(factory.build()))) {
            throw new IllegalStateException("encode() and fastEncodeHeader() no longer differ for PULL_MESSAGE");
        }
        return new Vector(CATEGORY, "rocketmq_request_pull_message_encode_path", CommandDescriber.KIND)
            .description("the rocketmq_request_pull_message command written by RemotingCommand#encode() instead of"
                + " fastEncodeHeader: same fields, extFields in HashMap order; decoders must accept any key order")
            .javaSource("RemotingCommand#encode() after setSerializeTypeCurrentRPC(SerializeType.ROCKETMQ)")
            .bytes(frame);
    }

    /** What NettyEncoder#encode writes to the socket. */
    private static byte[] wire(RemotingCommand command) {
        ByteBuf out = Unpooled.buffer();
        command.fastEncodeHeader(out);
        if (command.getBody() != null) {
            out.writeBytes(command.getBody());
        }
        byte[] frame = new byte[out.readableBytes()];
        out.readBytes(frame);
        return frame;
    }

    private static RemotingCommand request(int code, CommandCustomHeader header, int opaque) {
        RemotingCommand command = RemotingCommand.createRequestCommand(code, header);
        command.setVersion(Fixtures.VERSION);
        command.setOpaque(opaque);
        return command;
    }

    private static RemotingCommand response(int code, String remark, Class<? extends CommandCustomHeader> header,
        int opaque) {
        RemotingCommand command = RemotingCommand.createResponseCommand(code, remark, header);
        command.setVersion(Fixtures.VERSION);
        command.setOpaque(opaque);
        return command;
    }

    private static RemotingCommand withBody(RemotingCommand command, byte[] body) {
        command.setBody(body);
        return command;
    }

    private static GetRouteInfoRequestHeader routeHeader(boolean standardJson) {
        GetRouteInfoRequestHeader header = new GetRouteInfoRequestHeader();
        header.setTopic(Fixtures.TOPIC);
        if (standardJson) {
            header.setAcceptStandardJsonOnly(true);
        }
        return header;
    }

    private static PopMessageRequestHeader popHeader() {
        PopMessageRequestHeader header = new PopMessageRequestHeader();
        header.setConsumerGroup(Fixtures.CONSUMER_GROUP);
        header.setTopic(Fixtures.TOPIC);
        header.setQueueId(-1);
        header.setMaxMsgNums(32);
        header.setInvisibleTime(60000L);
        header.setPollTime(15000L);
        header.setBornTime(Fixtures.BORN_TIMESTAMP);
        header.setInitMode(0);
        header.setExpType("TAG");
        header.setExp("*");
        header.setOrder(false);
        header.setBrokerName(Fixtures.BROKER_A);
        return header;
    }

    /** SendMessageProcessor's response: the typed header, then MSG_REGION and TRACE_ON. */
    private static RemotingCommand sendResponse() {
        RemotingCommand command = response(ResponseCode.SUCCESS, null, SendMessageResponseHeader.class, 42);
        SendMessageResponseHeader header = (SendMessageResponseHeader) command.readCustomHeader();
        header.setMsgId("0A00000100002A9F000000000002E858");
        header.setQueueId(1);
        header.setQueueOffset(12345L);
        header.setTransactionId(Fixtures.UNIQ_KEY);
        command.addExtField(MessageConst.PROPERTY_MSG_REGION, MixAll.DEFAULT_TRACE_REGION_ID);
        command.addExtField(MessageConst.PROPERTY_TRACE_SWITCH, "true");
        return command;
    }

    private static RemotingCommand pullResponse() {
        RemotingCommand command = response(ResponseCode.SUCCESS, "FOUND", PullMessageResponseHeader.class, 44);
        PullMessageResponseHeader header = (PullMessageResponseHeader) command.readCustomHeader();
        PullMessageResponseHeader fixed = HeaderVectors.pullResponse();
        header.setSuggestWhichBrokerId(fixed.getSuggestWhichBrokerId());
        header.setNextBeginOffset(fixed.getNextBeginOffset());
        header.setMinOffset(fixed.getMinOffset());
        header.setMaxOffset(fixed.getMaxOffset());
        command.setBody(CommitLogUnits.store(MessageFixtures.basic(Fixtures.UNIQ_KEY, 2, 1026), 190552L, false));
        return command;
    }
}
