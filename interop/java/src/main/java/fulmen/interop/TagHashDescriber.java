package fulmen.interop;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageExtBrokerInner;
import org.apache.rocketmq.remoting.protocol.filter.FilterAPI;
import org.apache.rocketmq.remoting.protocol.heartbeat.SubscriptionData;

/**
 * Kinds {@code tagHash} (the bytes are a UTF-8 tag: {@code String.hashCode} and
 * {@code MessageExtBrokerInner.tagsString2tagsCode}) and {@code subscription} (the bytes are a UTF-8
 * subscription expression: {@code FilterAPI.buildSubscriptionData} tag and code sets, in HashSet order).
 */
public final class TagHashDescriber implements Describer {
    public static final String KIND_TAG = "tagHash";
    public static final String KIND_SUBSCRIPTION = "subscription";

    @Override
    public Map<String, Object> describe(byte[] bytes, Map<String, Object> file) throws Exception {
        String text = new String(bytes, StandardCharsets.UTF_8);
        Map<String, Object> expected = new LinkedHashMap<>();
        if (KIND_TAG.equals(file.get("kind"))) {
            expected.put("tag", text);
            expected.put("stringHashCode", text.hashCode());
            expected.put("tagsCode", MessageExtBrokerInner.tagsString2tagsCode(text));
        } else {
            SubscriptionData data = FilterAPI.buildSubscriptionData("TopicTest", text);
            expected.put("subString", data.getSubString());
            expected.put("tagsSet", new ArrayList<>(data.getTagsSet()));
            expected.put("codeSet", new ArrayList<>(data.getCodeSet()));
        }
        return expected;
    }
}
