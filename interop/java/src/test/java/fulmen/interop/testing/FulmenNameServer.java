package fulmen.interop.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code fulmen namesrv} child process on 127.0.0.1 at a port the OS picked. Its address comes from the boot line
 * it prints on stdout (the same line Apache's name server prints); its stdout and stderr go to the test log. Closing
 * it sends SIGTERM and waits (bounded), and fails unless it stopped cleanly (exit code 0).
 */
public final class FulmenNameServer implements AutoCloseable {

    private static final Pattern BOOT_LINE =
        Pattern.compile("^The Name Server boot success\\. serializeType=JSON, address (127\\.0\\.0\\.1:\\d+)$");
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

    private final Process process;
    private final String address;
    private final LineForwarder stdout;
    private final LineForwarder stderr;
    private boolean closed;

    private FulmenNameServer(Process process, String address, LineForwarder stdout, LineForwarder stderr) {
        this.process = process;
        this.address = address;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts the binary named by {@code -Dfulmen.bin} and waits (bounded) until it prints its address. */
    public static FulmenNameServer start() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
            FulmenBinary.path().toString(), "namesrv", "--listen", "127.0.0.1:0");
        builder.environment().put("NO_COLOR", "1");
        Process process = builder.start();
        process.getOutputStream().close();

        CompletableFuture<String> booted = new CompletableFuture<>();
        String tag = "[fulmen namesrv pid " + process.pid() + "] ";
        LineForwarder stderr = LineForwarder.start("fulmen-stderr-" + process.pid(), process.getErrorStream(),
            System.err, tag, line -> { }, () -> { });
        LineForwarder stdout = LineForwarder.start("fulmen-stdout-" + process.pid(), process.getInputStream(),
            System.err, tag, line -> {
                Matcher matcher = BOOT_LINE.matcher(line);
                if (matcher.matches()) {
                    booted.complete(matcher.group(1));
                }
            }, () -> booted.completeExceptionally(
                new IllegalStateException("fulmen closed its stdout without printing the name server boot line")));
        try {
            String address = booted.get(BOOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new FulmenNameServer(process, address, stdout, stderr);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            stderr.awaitEnd(DRAIN_TIMEOUT);
            String why = e instanceof TimeoutException
                ? "did not print its address within " + BOOT_TIMEOUT.toSeconds() + " s"
                : e.getCause().getMessage();
            throw new IllegalStateException("fulmen namesrv failed to start: " + why, e);
        }
    }

    /** {@code 127.0.0.1:PORT}, the address to give the Java clients. */
    public String address() {
        return address;
    }

    /** The port the name server listens on. */
    public int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Sends SIGTERM, waits (bounded) for the process to end, and checks that it ended cleanly. */
    @Override
    public void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        // SIGTERM through the process handle: Process#destroy sends the same signal but also closes our ends of the
        // child's pipes, so its last log lines would be lost and its writes would fail while it shuts down.
        process.toHandle().destroy();
        boolean exited = process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        stdout.awaitEnd(DRAIN_TIMEOUT);
        stderr.awaitEnd(DRAIN_TIMEOUT);
        if (!exited) {
            throw new IllegalStateException("fulmen namesrv (" + address + ") ignored SIGTERM for "
                + STOP_TIMEOUT.toSeconds() + " s and was killed");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("fulmen namesrv (" + address + ") exited with code "
                + process.exitValue() + " after SIGTERM");
        }
    }
}
