package fulmen.interop;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One golden vector: where it is stored, the bytes Java produced and what Java decodes from them.
 * {@link #toTree()} fixes the key order of the file so that regenerated files are byte-identical.
 */
public final class Vector {
    private final String category;
    private final String name;
    private final String kind;
    private String description;
    private String javaSource;
    private String javaClass;
    private String compressionType;
    private byte[] bytes = new byte[0];
    private String text;
    private String headerText;
    private boolean exactReencode = true;
    private Map<String, Object> expected = new LinkedHashMap<>();

    public Vector(String category, String name, String kind) {
        this.category = category;
        this.name = name;
        this.kind = kind;
    }

    public Vector description(String description) {
        this.description = description;
        return this;
    }

    public Vector javaSource(String javaSource) {
        this.javaSource = javaSource;
        return this;
    }

    public Vector javaClass(Class<?> javaClass) {
        this.javaClass = javaClass.getName();
        return this;
    }

    public Vector compressionType(String compressionType) {
        this.compressionType = compressionType;
        return this;
    }

    public Vector bytes(byte[] bytes) {
        this.bytes = bytes;
        return this;
    }

    public Vector text(String text) {
        this.text = text;
        return this;
    }

    public Vector headerText(String headerText) {
        this.headerText = headerText;
        return this;
    }

    public Vector exactReencode(boolean exactReencode) {
        this.exactReencode = exactReencode;
        return this;
    }

    public Vector expected(Map<String, Object> expected) {
        this.expected = expected;
        return this;
    }

    public String category() {
        return category;
    }

    public String name() {
        return name;
    }

    public String kind() {
        return kind;
    }

    public byte[] bytes() {
        return bytes;
    }

    /** The file content, keys in a fixed order; optional keys only when set. */
    public Map<String, Object> toTree() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("description", description);
        tree.put("kind", kind);
        if (javaClass != null) {
            tree.put("javaClass", javaClass);
        }
        if (compressionType != null) {
            tree.put("compressionType", compressionType);
        }
        tree.put("javaSource", javaSource);
        tree.put("hex", Hex.encode(bytes));
        if (headerText != null) {
            tree.put("headerText", headerText);
        }
        if (text != null) {
            tree.put("text", text);
        }
        tree.put("exactReencode", exactReencode);
        tree.put("expected", expected);
        return tree;
    }
}
