package fulmen.interop;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageId;

/**
 * Kinds {@code offsetMsgId} and {@code clientMsgId}: the bytes of a message id (its text is their upper-case
 * hex). Offset ids are decoded with {@code MessageDecoder.decodeMessageId} and re-created with
 * {@code createMessageId}; client ids (UNIQ_KEY) are read with {@code MessageClientIDSetter}.
 */
public final class MsgIdDescriber implements Describer {
    public static final String KIND_OFFSET = "offsetMsgId";
    public static final String KIND_CLIENT = "clientMsgId";

    @Override
    public Map<String, Object> describe(byte[] bytes, Map<String, Object> file) throws Exception {
        String id = Hex.encode(bytes);
        Map<String, Object> expected = new LinkedHashMap<>();
        if (KIND_OFFSET.equals(file.get("kind"))) {
            MessageId decoded = MessageDecoder.decodeMessageId(id);
            InetSocketAddress address = (InetSocketAddress) decoded.getAddress();
            expected.put("msgId", MessageDecoder.createMessageId(address, decoded.getOffset()));
            expected.put("storeHost", MessageDescriber.hostAndPort(address));
            expected.put("ipHex", Hex.encode(address.getAddress().getAddress()));
            expected.put("port", address.getPort());
            expected.put("commitLogOffset", decoded.getOffset());
        } else {
            expected.put("msgId", id);
            expected.put("ip", MessageClientIDSetter.getIPStrFromID(id));
            expected.put("ipHex", Hex.encode(MessageClientIDSetter.getIPFromID(id)));
            expected.put("pid", MessageClientIDSetter.getPidFromID(id));
        }
        return expected;
    }
}
