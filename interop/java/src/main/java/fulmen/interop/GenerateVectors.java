package fulmen.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes every golden vector into the directory given as the only argument: {@code codes.json} and
 * {@code <category>/<name>.json}. Stale {@code .json} files of the categories are removed first; other files
 * (such as README.md) are left alone. The output depends on nothing but the code, so reruns are byte-identical.
 */
public final class GenerateVectors {
    private static final List<String> CATEGORIES =
        Arrays.asList("command", "header", "body", "message", "batch", "compression", "msgid", "taghash",
            "allocate");

    private GenerateVectors() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: GenerateVectors <output directory>");
            System.exit(2);
        }
        Path out = Paths.get(args[0]).toAbsolutePath().normalize();
        removeStaleVectors(out);
        List<VectorSource> sources = Arrays.asList(new CodesVectors(), new CommandVectors(), new HeaderVectors(),
            new BodyVectors(), new MessageVectors(), new BatchVectors(), new CompressionVectors(), new MsgIdVectors(),
            new TagHashVectors(), new AllocateVectors());
        Set<Path> written = new HashSet<>();
        Map<String, Integer> perCategory = new LinkedHashMap<>();
        for (VectorSource source : sources) {
            for (Vector vector : source.vectors()) {
                Path file = write(out, complete(vector));
                if (!written.add(file)) {
                    throw new IllegalStateException("two vectors named " + file);
                }
                perCategory.merge(vector.category().isEmpty() ? "codes" : vector.category(), 1, Integer::sum);
            }
        }
        System.out.println("wrote " + written.size() + " vectors to " + out + " " + perCategory);
    }

    /** Fills expected; a header vector's map must survive Java's decode and re-encode unchanged. */
    private static Vector complete(Vector vector) throws Exception {
        Object given = vector.toTree().get("expected");
        Describers.complete(vector);
        if (HeaderDescriber.KIND.equals(vector.kind()) && !given.equals(vector.toTree().get("expected"))) {
            throw new IllegalStateException(vector.name() + ": extFields change when Java decodes them:\n" + given
                + "\n" + vector.toTree().get("expected"));
        }
        return vector;
    }

    private static Path write(Path out, Vector vector) throws IOException {
        Path directory = vector.category().isEmpty() ? out : out.resolve(vector.category());
        Files.createDirectories(directory);
        Path file = directory.resolve(vector.name() + ".json");
        Files.write(file, JsonWriter.write(vector.toTree()).getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private static void removeStaleVectors(Path out) throws IOException {
        Files.deleteIfExists(out.resolve("codes.json"));
        for (String category : CATEGORIES) {
            Path directory = out.resolve(category);
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
                for (Path file : files) {
                    Files.delete(file);
                }
            }
        }
    }
}
