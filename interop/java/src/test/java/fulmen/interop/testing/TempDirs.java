package fulmen.interop.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories under {@code target/} for the stores of Fulmen processes. */
public final class TempDirs {

    private TempDirs() {
    }

    /** A new empty directory {@code target/<prefix>...}. */
    public static Path create(String prefix) throws IOException {
        Path targetDir = Path.of("target").toAbsolutePath();
        Files.createDirectories(targetDir);
        return Files.createTempDirectory(targetDir, prefix);
    }

    /** Deletes {@code dir} and everything under it. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
