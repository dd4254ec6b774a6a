package fulmen.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reverse check: for every vector file under a directory (typically written by Fulmen's Rust encoders), decodes
 * {@code hex} with the official Java classes according to {@code kind}, describes the result exactly as the
 * generator does, and compares it with the file's {@code expected}. Prints each failing file with its
 * differences and exits 1 if any file fails. Objects compare without regard to key order; arrays whose elements
 * only differ in order (Java hash sets) are reported as notes, or as failures with {@code --strict-order}.
 */
public final class VerifyVectors {
    private VerifyVectors() {
    }

    public static void main(String[] args) throws Exception {
        boolean strictOrder = args.length == 2 && "--strict-order".equals(args[1]);
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !strictOrder)) {
            System.err.println("usage: VerifyVectors <vector directory> [--strict-order]");
            System.exit(2);
        }
        Path root = Paths.get(args[0]).toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
        }
        if (files.isEmpty()) {
            System.err.println("no .json vector files under " + root);
            System.exit(1);
        }
        int failed = 0;
        int notes = 0;
        for (Path file : files) {
            Result result = verify(file, strictOrder);
            String name = root.relativize(file).toString();
            if (!result.problems.isEmpty()) {
                failed++;
                System.out.println("FAIL " + name);
                result.problems.forEach(p -> System.out.println("  " + p));
            }
            if (!result.notes.isEmpty()) {
                notes++;
                System.out.println("NOTE " + name);
                result.notes.forEach(p -> System.out.println("  " + p));
            }
        }
        System.out.println((files.size() - failed) + " of " + files.size() + " vectors verified against the Java"
            + " decoders" + (notes > 0 ? ", " + notes + " with order-only differences" : "")
            + (failed > 0 ? ", " + failed + " FAILED" : ""));
        System.exit(failed > 0 ? 1 : 0);
    }

    /** Problems (failures) and notes found in one file. */
    private static final class Result {
        final List<String> problems = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
    }

    @SuppressWarnings("unchecked")
    private static Result verify(Path file, boolean strictOrder) throws IOException {
        Result result = new Result();
        try {
            Object parsed = JsonTree.parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
            if (!(parsed instanceof Map)) {
                result.problems.add("not a JSON object");
                return result;
            }
            Map<String, Object> vector = (Map<String, Object>) parsed;
            Object hex = vector.get("hex");
            byte[] bytes = Hex.decode(hex == null ? "" : hex.toString());
            checkText(vector, "text", bytes.length == 0 ? null : new String(bytes, StandardCharsets.UTF_8), result);
            if (vector.containsKey("headerText") && bytes.length >= 8) {
                checkText(vector, "headerText", CommandDescriber.headerText(bytes), result);
            }
            Map<String, Object> described = Describers.forKind((String) vector.get("kind")).describe(bytes, vector);
            JsonTree.Diff diff = JsonTree.compare(vector.get("expected"), JsonTree.normalise(described));
            result.problems.addAll(diff.differences);
            (strictOrder ? result.problems : result.notes).addAll(diff.orderOnly);
        } catch (Exception | AssertionError e) {
            result.problems.add("Java could not decode it: " + e);
        }
        return result;
    }

    /** An informational text field must match the bytes it claims to show. */
    private static void checkText(Map<String, Object> vector, String key, String actual, Result result) {
        if (vector.containsKey(key) && !String.valueOf(vector.get(key)).equals(String.valueOf(actual))) {
            result.problems.add(key + " does not match the bytes in hex");
        }
    }
}
