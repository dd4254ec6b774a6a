package fulmen.interop.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the {@code fulmen} binary under test: the system property {@code fulmen.bin}, which must name an executable. */
final class FulmenBinary {

    static final String PROPERTY = "fulmen.bin";

    private FulmenBinary() {
    }

    /** The binary's absolute path; fails with a message saying how to provide it when it is missing. */
    static Path path() {
        String value = System.getProperty(PROPERTY, "").trim();
        if (value.isEmpty()) {
            throw new IllegalStateException("system property " + PROPERTY + " is not set: run"
                + " interop/java/run-interop-tests.sh <path-to-fulmen>, or mvn test -D" + PROPERTY + "=/abs/path/fulmen"
                + " after cargo build -p fulmen-cli");
        }
        Path path = Path.of(value).toAbsolutePath();
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new IllegalStateException(PROPERTY + "=" + value + " is not an executable file"
                + " (build it with cargo build -p fulmen-cli)");
        }
        return path;
    }
}
