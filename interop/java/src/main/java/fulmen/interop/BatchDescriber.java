package fulmen.interop;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;

/** Kind {@code batchBody}: a SEND_BATCH_MESSAGE body decoded with {@code MessageDecoder.decodeMessages}. */
public final class BatchDescriber implements Describer {
    public static final String KIND = "batchBody";

    @Override
    public Map<String, Object> describe(byte[] bytes, Map<String, Object> file) throws Exception {
        List<Object> messages = new ArrayList<>();
        for (Message message : MessageDecoder.decodeMessages(ByteBuffer.wrap(bytes))) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("flag", message.getFlag());
            fields.put("bodyHex", Hex.encode(message.getBody()));
            fields.put("properties", message.getProperties() == null ? null : new LinkedHashMap<>(message.getProperties()));
            messages.add(fields);
        }
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("messages", messages);
        return expected;
    }
}
