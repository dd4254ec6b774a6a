package fulmen.interop;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.remoting.CommandCustomHeader;
import org.apache.rocketmq.remoting.annotation.CFNotNull;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * Kind {@code header}: the extFields map of a typed custom header. There are no bytes: the map in
 * {@code expected.extFields} is decoded into the header class named by {@code javaClass} with
 * {@code RemotingCommand.decodeCommandCustomHeader} (the broker's path, fast decoders included) and flattened
 * again with {@code makeCustomHeaderToNet}. The result, in Java's HashMap iteration order, is the description.
 * A missing {@code @CFNotNull} field is an error.
 */
public final class HeaderDescriber implements Describer {
    public static final String KIND = "header";

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> describe(byte[] bytes, Map<String, Object> file) throws Exception {
        Class<? extends CommandCustomHeader> type =
            Class.forName((String) file.get("javaClass")).asSubclass(CommandCustomHeader.class);
        Map<String, Object> given = (Map<String, Object>) ((Map<String, Object>) file.get("expected")).get("extFields");
        HashMap<String, String> fields = new HashMap<>();
        given.forEach((key, value) -> fields.put(key, value == null ? null : value.toString()));

        RemotingCommand received = RemotingCommand.createRequestCommand(0, null);
        received.setExtFields(fields);
        CommandCustomHeader header = received.decodeCommandCustomHeader(type);
        requireNotNullFields(header);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("extFields", flatten(header));
        return expected;
    }

    /**
     * Java's generic decoder rejects a header whose {@code @CFNotNull} field is missing, but the fast decoders of
     * FastCodesHeader classes only log it; both are treated as a failure here.
     */
    private static void requireNotNullFields(CommandCustomHeader header) throws IllegalAccessException {
        List<String> missing = new ArrayList<>();
        for (Class<?> type = header.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.isAnnotationPresent(CFNotNull.class) && !Modifier.isStatic(field.getModifiers())) {
                    field.setAccessible(true);
                    if (field.get(header) == null) {
                        missing.add(field.getName());
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("required (@CFNotNull) extFields missing: " + missing);
        }
    }

    /** extFields exactly as Java puts them on the wire for this header object. */
    public static Map<String, Object> flatten(CommandCustomHeader header) {
        RemotingCommand command = RemotingCommand.createRequestCommand(0, header);
        command.makeCustomHeaderToNet();
        Map<String, Object> map = new LinkedHashMap<>();
        if (command.getExtFields() != null) {
            map.putAll(command.getExtFields());
        }
        return map;
    }
}
