package fulmen.interop.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code fulmen cluster} child process: a name server and a broker on 127.0.0.1 ports the OS picked, storing into a
 * fresh directory under {@code target/} with small commitlog files. Both addresses come from the two boot lines it
 * prints (the lines Apache's name server and broker print); its output goes to the test log. Closing it sends
 * SIGTERM, waits (bounded), fails unless it exited with code 0, and then deletes the store directory.
 */
public final class FulmenCluster implements AutoCloseable {

    /** Commitlog file size: small, but larger than the biggest message a test sends (4 MiB client limit). */
    public static final long COMMITLOG_FILE_SIZE = 8L * 1024 * 1024;
    /** The broker name Fulmen's cluster command registers. */
    public static final String BROKER_NAME = "broker-a";

    private static final Pattern NAMESRV_LINE =
        Pattern.compile("^The Name Server boot success\\. serializeType=JSON, address (127\\.0\\.0\\.1:\\d+)$");
    private static final Pattern BROKER_LINE = Pattern.compile("^The broker\\[([^,]+), (127\\.0\\.0\\.1:\\d+)\\]"
        + " boot success\\. serializeType=JSON and name server is (127\\.0\\.0\\.1:\\d+)$");
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

    private final Process process;
    private final Path storeDir;
    private final String namesrvAddress;
    private final String brokerAddress;
    private final LineForwarder stdout;
    private final LineForwarder stderr;
    private boolean closed;

    private FulmenCluster(Process process, Path storeDir, String namesrvAddress, String brokerAddress,
        LineForwarder stdout, LineForwarder stderr) {
        this.process = process;
        this.storeDir = storeDir;
        this.namesrvAddress = namesrvAddress;
        this.brokerAddress = brokerAddress;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts the binary named by {@code -Dfulmen.bin} on a new store and waits (bounded) for both boot lines. */
    public static FulmenCluster start() throws IOException, InterruptedException {
        Path storeDir = TempDirs.create("fulmen-store-");
        ProcessBuilder builder = new ProcessBuilder(FulmenBinary.path().toString(), "cluster",
            "--namesrv-listen", "127.0.0.1:0", "--broker-listen", "127.0.0.1:0",
            "--store-dir", storeDir.toString(), "--commitlog-file-size", Long.toString(COMMITLOG_FILE_SIZE));
        builder.environment().put("NO_COLOR", "1");
        Process process = builder.start();
        process.getOutputStream().close();

        CompletableFuture<String> namesrvBooted = new CompletableFuture<>();
        CompletableFuture<String[]> brokerBooted = new CompletableFuture<>();
        Runnable ended = () -> {
            IllegalStateException early = new IllegalStateException("fulmen closed its stdout before both boot lines");
            namesrvBooted.completeExceptionally(early);
            brokerBooted.completeExceptionally(early);
        };
        String tag = "[fulmen cluster pid " + process.pid() + "] ";
        LineForwarder stderr = LineForwarder.start("fulmen-stderr-" + process.pid(), process.getErrorStream(),
            System.err, tag, line -> { }, () -> { });
        LineForwarder stdout = LineForwarder.start("fulmen-stdout-" + process.pid(), process.getInputStream(),
            System.err, tag, line -> {
                Matcher namesrv = NAMESRV_LINE.matcher(line);
                if (namesrv.matches()) {
                    namesrvBooted.complete(namesrv.group(1));
                }
                Matcher broker = BROKER_LINE.matcher(line);
                if (broker.matches()) {
                    brokerBooted.complete(new String[] {broker.group(1), broker.group(2), broker.group(3)});
                }
            }, ended);
        try {
            long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
            String namesrv = namesrvBooted.get(BOOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            String[] broker = brokerBooted.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000),
                TimeUnit.MILLISECONDS);
            if (!broker[0].equals(BROKER_NAME) || !broker[2].equals(namesrv)) {
                throw new ExecutionException(new IllegalStateException("broker boot line names broker " + broker[0]
                    + " and name server " + broker[2] + "; expected " + BROKER_NAME + " and " + namesrv));
            }
            return new FulmenCluster(process, storeDir, namesrv, broker[1], stdout, stderr);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            stderr.awaitEnd(DRAIN_TIMEOUT);
            String why = e instanceof TimeoutException
                ? "did not print both boot lines within " + BOOT_TIMEOUT.toSeconds() + " s"
                : e.getCause().getMessage();
            throw new IllegalStateException("fulmen cluster failed to start: " + why, e);
        }
    }

    /** The name server's {@code 127.0.0.1:PORT}, the only address to give the Java clients. */
    public String namesrvAddress() {
        return namesrvAddress;
    }

    /** The broker's {@code 127.0.0.1:PORT}, as it advertises itself. */
    public String brokerAddress() {
        return brokerAddress;
    }

    /** Sends SIGTERM, waits (bounded) for a clean exit, then deletes the store directory. */
    @Override
    public void close() throws InterruptedException, IOException {
        if (closed) {
            return;
        }
        closed = true;
        // SIGTERM through the process handle keeps our ends of the pipes open (see FulmenNameServer#close).
        process.toHandle().destroy();
        boolean exited = process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        stdout.awaitEnd(DRAIN_TIMEOUT);
        stderr.awaitEnd(DRAIN_TIMEOUT);
        if (!exited) {
            throw new IllegalStateException("fulmen cluster (" + namesrvAddress + ", " + brokerAddress
                + ") ignored SIGTERM for " + STOP_TIMEOUT.toSeconds() + " s and was killed");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("fulmen cluster (" + namesrvAddress + ", " + brokerAddress
                + ") exited with code " + process.exitValue() + " after SIGTERM");
        }
        TempDirs.delete(storeDir);
    }
}
