package fulmen.interop;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.remoting.protocol.RemotingSerializable;
import org.apache.rocketmq.remoting.protocol.body.RegisterBrokerBody;

/**
 * Kinds {@code jsonBody} and {@code compressedRegisterBrokerBody}: a request or response body decoded with
 * {@code RemotingSerializable.decode(bytes, javaClass)} (or {@code RegisterBrokerBody.decode(bytes, true,
 * V5_3_3)} for the zlib form), then described as a bean tree (see {@link BeanTree}).
 */
public final class BodyDescriber implements Describer {
    public static final String KIND_JSON = "jsonBody";
    public static final String KIND_COMPRESSED_REGISTER = "compressedRegisterBrokerBody";

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> describe(byte[] bytes, Map<String, Object> file) throws Exception {
        Object decoded;
        if (KIND_COMPRESSED_REGISTER.equals(file.get("kind"))) {
            decoded = RegisterBrokerBody.decode(bytes, true, MQVersion.Version.V5_3_3);
        } else {
            decoded = RemotingSerializable.decode(bytes, Class.forName((String) file.get("javaClass")));
        }
        if (decoded == null) {
            throw new IllegalArgumentException("Java decoded the body to null");
        }
        Map<String, Object> tree = (Map<String, Object>) BeanTree.of(decoded);
        if (KIND_COMPRESSED_REGISTER.equals(file.get("kind"))) {
            // Not carried by the compressed form: Java fills it with a fresh DataVersion stamped with the clock.
            ((Map<String, Object>) tree.get("topicConfigSerializeWrapper")).remove("mappingDataVersion");
        }
        return new LinkedHashMap<>(tree);
    }
}
