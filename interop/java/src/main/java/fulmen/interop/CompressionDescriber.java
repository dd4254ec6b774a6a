package fulmen.interop;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.rocketmq.common.compression.CompressionType;
import org.apache.rocketmq.common.compression.CompressorFactory;

/**
 * Kind {@code compressed}: a compressed body inflated with the Java decompressor of {@code compressionType}
 * ({@code CompressorFactory.getCompressor(type).decompress}).
 */
public final class CompressionDescriber implements Describer {
    public static final String KIND = "compressed";

    @Override
    public Map<String, Object> describe(byte[] bytes, Map<String, Object> file) throws Exception {
        CompressionType type = CompressionType.valueOf((String) file.get("compressionType"));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("inputHex", Hex.encode(CompressorFactory.getCompressor(type).decompress(bytes)));
        return expected;
    }
}
