package fulmen.interop;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.compression.CompressionType;
import org.apache.rocketmq.common.compression.CompressorFactory;

/**
 * Category {@code compression/}: the same input compressed by {@code CompressorFactory.getCompressor(type)} at
 * the producer's default level 5. Another correct compressor may emit different bytes, so exactReencode is false.
 */
public final class CompressionVectors implements VectorSource {
    private static final int DEFAULT_LEVEL = 5;
    private static final Map<CompressionType, String> FORMATS = new EnumMap<>(CompressionType.class);

    static {
        FORMATS.put(CompressionType.ZLIB, "ZLIB: a zlib (RFC 1950) stream from java.util.zip.Deflater");
        FORMATS.put(CompressionType.LZ4, "LZ4: an LZ4 frame from lz4-java's LZ4FrameOutputStream (the level is"
            + " ignored)");
        FORMATS.put(CompressionType.ZSTD, "ZSTD: a zstd frame from zstd-jni's ZstdOutputStream");
    }

    @Override
    public List<Vector> vectors() throws Exception {
        List<Vector> vectors = new ArrayList<>();
        for (CompressionType type : new CompressionType[] {CompressionType.ZLIB, CompressionType.LZ4,
            CompressionType.ZSTD}) {
            byte[] compressed = CompressorFactory.getCompressor(type).compress(sampleInput(), DEFAULT_LEVEL);
            vectors.add(new Vector("compression", type.name().toLowerCase(), CompressionDescriber.KIND)
                .description(FORMATS.get(type) + " of the 1000-byte sample input at the producer's default level 5;"
                    + " message sysFlag compression bits 0x" + Integer.toHexString(type.getCompressionFlag()))
                .compressionType(type.name())
                .javaSource("CompressorFactory.getCompressor(CompressionType." + type + ").compress(input, 5)")
                .bytes(compressed)
                .exactReencode(false));
        }
        return vectors;
    }

    /** 1000 bytes: repetitive text (compressible) followed by a run of every byte value. */
    public static byte[] sampleInput() {
        byte[] input = new byte[1000];
        byte[] text = Fixtures.utf8("RocketMQ compresses bodies over 4 KiB; Fulmen must inflate them. ");
        for (int i = 0; i < 744; i++) {
            input[i] = text[i % text.length];
        }
        for (int i = 744; i < input.length; i++) {
            input[i] = (byte) (i - 744);
        }
        return input;
    }
}
