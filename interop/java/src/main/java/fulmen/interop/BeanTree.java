package fulmen.interop;

import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.serializer.SerializerFeature;

/**
 * Turns a decoded Java object into the tree stored under {@code expected}: its bean properties as fastjson
 * sees them (getter names, enums by name, nulls kept), maps in Java's iteration order with their keys written
 * as strings (an integer key as its digits, an object key as its compact fastjson JSON text), and longs beyond
 * 2^53 as strings.
 */
public final class BeanTree {
    private BeanTree() {
    }

    public static Object of(Object bean) {
        String json = JSON.toJSONString(bean,
            SerializerFeature.WriteMapNullValue,
            SerializerFeature.WriteNonStringKeyAsString,
            SerializerFeature.BrowserCompatible,
            SerializerFeature.DisableCircularReferenceDetect);
        return JsonTree.parse(json);
    }
}
