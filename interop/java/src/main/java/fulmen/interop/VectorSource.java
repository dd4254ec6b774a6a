package fulmen.interop;

import java.util.List;

/** One category of vectors: builds the values with the official Java classes and encodes them. */
public interface VectorSource {
    /** The vectors, {@code expected} still empty (the generator fills it with the category's describer). */
    List<Vector> vectors() throws Exception;
}
