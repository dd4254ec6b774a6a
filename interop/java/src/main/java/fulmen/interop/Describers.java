package fulmen.interop;

import java.util.LinkedHashMap;
import java.util.Map;

/** The describer of every vector kind, looked up by the {@code kind} field of a vector file. */
public final class Describers {
    private static final Map<String, Describer> BY_KIND = new LinkedHashMap<>();

    static {
        BY_KIND.put(CodesDescriber.KIND, new CodesDescriber());
        BY_KIND.put(CommandDescriber.KIND, new CommandDescriber());
        BY_KIND.put(HeaderDescriber.KIND, new HeaderDescriber());
        BY_KIND.put(BodyDescriber.KIND_JSON, new BodyDescriber());
        BY_KIND.put(BodyDescriber.KIND_COMPRESSED_REGISTER, new BodyDescriber());
        BY_KIND.put(MessageDescriber.KIND, new MessageDescriber());
        BY_KIND.put(BatchDescriber.KIND, new BatchDescriber());
        BY_KIND.put(CompressionDescriber.KIND, new CompressionDescriber());
        BY_KIND.put(MsgIdDescriber.KIND_OFFSET, new MsgIdDescriber());
        BY_KIND.put(MsgIdDescriber.KIND_CLIENT, new MsgIdDescriber());
        BY_KIND.put(TagHashDescriber.KIND_TAG, new TagHashDescriber());
        BY_KIND.put(TagHashDescriber.KIND_SUBSCRIPTION, new TagHashDescriber());
        BY_KIND.put(AllocateDescriber.KIND, new AllocateDescriber());
    }

    private Describers() {
    }

    public static Describer forKind(String kind) {
        Describer describer = BY_KIND.get(kind);
        if (describer == null) {
            throw new IllegalArgumentException("unknown vector kind '" + kind + "', known: " + BY_KIND.keySet());
        }
        return describer;
    }

    /** Fills {@code expected} of a freshly generated vector from what Java decodes out of its bytes. */
    public static Vector complete(Vector vector) throws Exception {
        Map<String, Object> described = forKind(vector.kind()).describe(vector.bytes(), vector.toTree());
        return vector.expected(described);
    }
}
