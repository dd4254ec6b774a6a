package fulmen.interop.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Copies a child process's output stream, line by line with a prefix, to the test log on a daemon thread, and shows
 * every line to an optional listener (which learns of the end of the stream through {@link #onEnd}).
 */
final class LineForwarder {

    private final Thread thread;

    private LineForwarder(Thread thread) {
        this.thread = thread;
    }

    /** Starts forwarding {@code input} to {@code log}, calling {@code listener} with each line and {@code onEnd} last. */
    static LineForwarder start(String name, InputStream input, PrintStream log, String prefix,
        Consumer<String> listener, Runnable onEnd) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    log.println(prefix + line);
                    listener.accept(line);
                }
            } catch (IOException e) {
                log.println(prefix + "(output unreadable: " + e + ")");
            } finally {
                onEnd.run();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return new LineForwarder(thread);
    }

    /** Waits at most {@code limit} for the stream to end, so the last lines reach the log before a test ends. */
    void awaitEnd(Duration limit) {
        try {
            thread.join(limit.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
