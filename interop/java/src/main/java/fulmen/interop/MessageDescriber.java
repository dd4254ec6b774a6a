package fulmen.interop;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Kind {@code messageUnits}: one or more stored message units back to back (a commitlog slice, a pull body).
 * Each unit is decoded twice: with {@code MessageDecoder.decode(buf, true, false)} for the fields as stored, and
 * with {@code MessageDecoder.decodes(buf)} (what the client runs on a pull body, inflating compressed bodies).
 */
public final class MessageDescriber implements Describer {
    public static final String KIND = "messageUnits";

    @Override
    public Map<String, Object> describe(byte[] bytes, Map<String, Object> file) {
        List<MessageExt> inflated = MessageDecoder.decodes(ByteBuffer.wrap(bytes));
        ByteBuffer stored = ByteBuffer.wrap(bytes);
        List<Object> messages = new ArrayList<>();
        while (stored.hasRemaining()) {
            int offset = stored.position();
            MessageExt message = MessageDecoder.decode(stored, true, false);
            if (message == null) {
                throw new IllegalArgumentException("MessageDecoder.decode failed on the unit at byte " + offset);
            }
            if (messages.size() >= inflated.size()) {
                throw new IllegalArgumentException("MessageDecoder.decodes stopped before the unit at byte " + offset);
            }
            messages.add(describe(message, inflated.get(messages.size()).getBody()));
        }
        if (messages.size() != inflated.size()) {
            throw new IllegalArgumentException("decode found " + messages.size() + " units, decodes " + inflated.size());
        }
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("messages", messages);
        return expected;
    }

    private static Map<String, Object> describe(MessageExt message, byte[] decompressedBody) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("msgId", message.getMsgId());
        fields.put("storeSize", message.getStoreSize());
        fields.put("bodyCRC", message.getBodyCRC());
        fields.put("queueId", message.getQueueId());
        fields.put("flag", message.getFlag());
        fields.put("queueOffset", message.getQueueOffset());
        fields.put("commitLogOffset", message.getCommitLogOffset());
        fields.put("sysFlag", message.getSysFlag());
        fields.put("bornTimestamp", message.getBornTimestamp());
        fields.put("bornHost", hostAndPort(message.getBornHost()));
        fields.put("storeTimestamp", message.getStoreTimestamp());
        fields.put("storeHost", hostAndPort(message.getStoreHost()));
        fields.put("reconsumeTimes", message.getReconsumeTimes());
        fields.put("preparedTransactionOffset", message.getPreparedTransactionOffset());
        fields.put("topic", message.getTopic());
        fields.put("properties", message.getProperties() == null ? null : new LinkedHashMap<>(message.getProperties()));
        fields.put("bodyHex", Hex.encode(message.getBody()));
        fields.put("decompressedBodyHex", Hex.encode(decompressedBody));
        return fields;
    }

    /** {@code InetAddress.getHostAddress() + ":" + port}, e.g. 10.0.0.1:10911 or 2001:db8:0:0:0:0:0:1:10911. */
    public static String hostAndPort(SocketAddress address) {
        InetSocketAddress socket = (InetSocketAddress) address;
        return socket.getAddress().getHostAddress() + ":" + socket.getPort();
    }
}
