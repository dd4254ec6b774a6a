package fulmen.interop;

import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.JSONObject;
import com.alibaba.fastjson.parser.Feature;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.SerializeType;

/**
 * Kind {@code command}: a complete remoting frame (4-byte total length included) decoded with
 * {@code RemotingCommand.decode} after the length prefix, as Netty's frame decoder hands it over.
 * extFields are listed in the order they appear on the wire, with the values Java decoded.
 */
public final class CommandDescriber implements Describer {
    public static final String KIND = "command";

    @Override
    public Map<String, Object> describe(byte[] frame, Map<String, Object> file) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        int totalLength = buffer.getInt();
        if (totalLength != frame.length - 4) {
            throw new IllegalArgumentException("total length field is " + totalLength + " but " + (frame.length - 4)
                + " bytes follow it");
        }
        RemotingCommand command = RemotingCommand.decode(ByteBuffer.wrap(frame, 4, frame.length - 4).slice());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("code", command.getCode());
        expected.put("language", command.getLanguage() == null ? null : command.getLanguage().name());
        expected.put("version", command.getVersion());
        expected.put("opaque", command.getOpaque());
        expected.put("flag", command.getFlag());
        expected.put("remark", command.getRemark());
        expected.put("extFields", inWireOrder(command.getExtFields(), wireKeyOrder(frame)));
        expected.put("serializeTypeCurrentRPC", command.getSerializeTypeCurrentRPC().name());
        expected.put("bodyHex", Hex.encode(command.getBody()));
        return expected;
    }

    /** The JSON text of a JSON-serialized header, or null for a ROCKETMQ binary header. */
    public static String headerText(byte[] frame) {
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        int mark = buffer.getInt(4);
        if (SerializeType.valueOf((byte) ((mark >> 24) & 0xFF)) != SerializeType.JSON) {
            return null;
        }
        return new String(frame, 8, RemotingCommand.getHeaderLength(mark), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> inWireOrder(Map<String, String> decoded, List<String> wireOrder) {
        if (decoded == null) {
            return null;
        }
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String key : wireOrder) {
            if (decoded.containsKey(key)) {
                ordered.put(key, decoded.get(key));
            }
        }
        decoded.forEach(ordered::putIfAbsent);
        return ordered;
    }

    /** Keys of the extFields in the order the frame carries them (first occurrence wins). */
    private static List<String> wireKeyOrder(byte[] frame) {
        List<String> keys = new ArrayList<>();
        String json = headerText(frame);
        if (json != null) {
            JSONObject header = (JSONObject) JSON.parse(json, Feature.OrderedField);
            JSONObject ext = header.getJSONObject("extFields");
            if (ext != null) {
                keys.addAll(ext.keySet());
            }
            return keys;
        }
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        int headerEnd = 8 + RemotingCommand.getHeaderLength(buffer.getInt(4));
        buffer.position(8 + 2 + 1 + 2 + 4 + 4);
        int remarkLength = buffer.getInt();
        buffer.position(buffer.position() + Math.max(remarkLength, 0));
        int extLength = buffer.getInt();
        int extEnd = Math.min(buffer.position() + Math.max(extLength, 0), headerEnd);
        while (buffer.position() + 2 <= extEnd) {
            int keyLength = buffer.getShort();
            String key = new String(frame, buffer.position(), keyLength, StandardCharsets.UTF_8);
            buffer.position(buffer.position() + keyLength);
            int valueLength = buffer.getInt();
            buffer.position(buffer.position() + valueLength);
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        return keys;
    }
}
