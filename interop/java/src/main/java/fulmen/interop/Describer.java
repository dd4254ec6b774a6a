package fulmen.interop;

import java.util.Map;

/**
 * Decodes the bytes of one vector with the official Java classes and describes what Java sees, in the
 * {@code expected} schema of the vector's kind. Both the generator and the verifier use the same describers,
 * so a file is correct exactly when its {@code expected} equals the description of its {@code hex}.
 */
public interface Describer {
    /**
     * @param bytes the vector's {@code hex}, decoded
     * @param file  the whole vector file (for {@code javaClass}, {@code compressionType}, or header inputs)
     */
    Map<String, Object> describe(byte[] bytes, Map<String, Object> file) throws Exception;
}
