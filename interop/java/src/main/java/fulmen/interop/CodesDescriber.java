package fulmen.interop;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.remoting.protocol.LanguageCode;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * Kind {@code codes}: the request codes, response codes (including those ResponseCode inherits from
 * RemotingSysResponseCode) and language codes of the Java classes, read by reflection. There are no bytes;
 * the verifier rebuilds the tables and compares them with the file.
 */
public final class CodesDescriber implements Describer {
    public static final String KIND = "codes";

    @Override
    public Map<String, Object> describe(byte[] bytes, Map<String, Object> file) {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("requestCodes", constants(RequestCode.class));
        expected.put("responseCodes", constants(ResponseCode.class));
        Map<String, Object> languages = new LinkedHashMap<>();
        for (LanguageCode language : LanguageCode.values()) {
            languages.put(language.name(), (int) language.getCode());
        }
        expected.put("languageCodes", languages);
        return expected;
    }

    /** Every public static final int or short field (inherited ones too), ordered by value, then name. */
    private static Map<String, Object> constants(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Field field : type.getFields()) {
            int modifiers = field.getModifiers();
            boolean integral = field.getType() == int.class || field.getType() == short.class;
            if (integral && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)) {
                fields.add(field);
            }
        }
        fields.sort(Comparator.comparingInt(CodesDescriber::value).thenComparing(Field::getName));
        Map<String, Object> table = new LinkedHashMap<>();
        for (Field field : fields) {
            table.put(field.getName(), value(field));
        }
        return table;
    }

    private static int value(Field field) {
        try {
            return ((Number) field.get(null)).intValue();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
