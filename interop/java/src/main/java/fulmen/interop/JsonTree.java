package fulmen.interop;

import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.parser.Feature;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads JSON into an order-preserving tree (maps keep their key order) and compares two trees.
 * Objects compare as unordered maps; arrays compare in order, and an array whose elements only differ in
 * order is reported separately, because many RocketMQ collections are Java hash sets.
 */
public final class JsonTree {
    private JsonTree() {
    }

    /** Parses JSON text; objects become insertion-ordered maps, decimals become BigDecimal. */
    public static Object parse(String text) {
        return JSON.parse(text, Feature.OrderedField, Feature.UseBigDecimal);
    }

    /** Normalises a tree built in Java (Long, byte[] already hex...) to what a file read back would give. */
    public static Object normalise(Object tree) {
        return parse(JsonWriter.write(tree));
    }

    /** Result of a comparison: hard differences and arrays that only differ in element order. */
    public static final class Diff {
        public final List<String> differences = new ArrayList<>();
        public final List<String> orderOnly = new ArrayList<>();
    }

    public static Diff compare(Object expected, Object actual) {
        Diff diff = new Diff();
        compare("$", expected, actual, diff);
        return diff;
    }

    private static void compare(String path, Object expected, Object actual, Diff diff) {
        if (expected instanceof Map && actual instanceof Map) {
            Map<?, ?> e = (Map<?, ?>) expected;
            Map<?, ?> a = (Map<?, ?>) actual;
            for (Map.Entry<?, ?> entry : e.entrySet()) {
                String child = path + "." + entry.getKey();
                if (!a.containsKey(entry.getKey())) {
                    diff.differences.add(child + ": expected " + show(entry.getValue()) + " but Java has no such key");
                } else {
                    compare(child, entry.getValue(), a.get(entry.getKey()), diff);
                }
            }
            for (Map.Entry<?, ?> entry : a.entrySet()) {
                if (!e.containsKey(entry.getKey())) {
                    diff.differences.add(path + "." + entry.getKey() + ": missing in file, Java decoded "
                        + show(entry.getValue()));
                }
            }
        } else if (expected instanceof List && actual instanceof List) {
            List<?> e = (List<?>) expected;
            List<?> a = (List<?>) actual;
            Diff inner = new Diff();
            if (e.size() == a.size()) {
                for (int i = 0; i < e.size(); i++) {
                    compare(path + "[" + i + "]", e.get(i), a.get(i), inner);
                }
            }
            if (e.size() != a.size()) {
                diff.differences.add(path + ": expected " + e.size() + " elements, Java decoded " + a.size()
                    + ": " + show(a));
            } else if (!inner.differences.isEmpty() && sameElements(e, a)) {
                diff.orderOnly.add(path + ": same elements in another order; Java iterates " + show(a));
            } else {
                diff.differences.addAll(inner.differences);
                diff.orderOnly.addAll(inner.orderOnly);
            }
        } else if (isNumeric(expected) && isNumeric(actual)
            && (expected instanceof Number || actual instanceof Number)) {
            if (new BigDecimal(expected.toString()).compareTo(new BigDecimal(actual.toString())) != 0) {
                diff.differences.add(path + ": expected " + expected + ", Java decoded " + actual);
            }
        } else if (expected == null ? actual != null : !expected.equals(actual)) {
            diff.differences.add(path + ": expected " + show(expected) + ", Java decoded " + show(actual));
        }
    }

    /** A JSON number, or an integer beyond 2^53 - 1 written as a string (how the files carry such longs). */
    private static boolean isNumeric(Object value) {
        if (value instanceof Number) {
            return true;
        }
        if (value instanceof String && ((String) value).matches("-?[0-9]{16,19}")) {
            return new BigInteger((String) value).abs().compareTo(BigInteger.valueOf(9007199254740991L)) > 0;
        }
        return false;
    }

    private static boolean sameElements(List<?> e, List<?> a) {
        List<String> left = new ArrayList<>();
        List<String> right = new ArrayList<>();
        for (Object o : e) {
            left.add(canonical(o));
        }
        for (Object o : a) {
            right.add(canonical(o));
        }
        left.sort(null);
        right.sort(null);
        return left.equals(right);
    }

    /** A key-sorted rendering, so that two trees differing only in object key order render alike. */
    private static String canonical(Object tree) {
        if (tree instanceof Map) {
            Map<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) tree).entrySet()) {
                sorted.put(String.valueOf(entry.getKey()), canonical(entry.getValue()));
            }
            return sorted.toString();
        }
        if (tree instanceof List) {
            List<String> items = new ArrayList<>();
            for (Object o : (List<?>) tree) {
                items.add(canonical(o));
            }
            return items.toString();
        }
        if (tree instanceof Number) {
            return new BigDecimal(tree.toString()).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(tree);
    }

    private static String show(Object value) {
        String text = value == null ? "null" : JSON.toJSONString(value);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
