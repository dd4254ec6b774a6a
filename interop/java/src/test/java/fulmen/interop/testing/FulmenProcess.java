package fulmen.interop.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code fulmen} child process that announces itself with a boot line: started with some arguments, its output
 * forwarded to the test log, the groups of its boot line returned once it prints it (bounded). It is stopped either
 * cleanly (SIGTERM, which must end it with exit code 0) or as by {@code kill -9}.
 */
final class FulmenProcess {

    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

    private final Process process;
    private final String description;
    private final LineForwarder stdout;
    private final LineForwarder stderr;
    private final List<String> bootGroups;
    private boolean stopped;

    private FulmenProcess(Process process, String description, LineForwarder stdout, LineForwarder stderr,
        List<String> bootGroups) {
        this.process = process;
        this.description = description;
        this.stdout = stdout;
        this.stderr = stderr;
        this.bootGroups = bootGroups;
    }

    /** Runs {@code fulmen <arguments>} and waits until a stdout line matches {@code bootLine}. */
    static FulmenProcess start(List<String> arguments, Pattern bootLine) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(FulmenBinary.path().toString());
        builder.command().addAll(arguments);
        builder.environment().put("NO_COLOR", "1");
        builder.environment().remove("NAMESRV_ADDR");
        Process process = builder.start();
        process.getOutputStream().close();
        String description = "fulmen " + arguments.get(0) + " pid " + process.pid();

        CompletableFuture<List<String>> booted = new CompletableFuture<>();
        String tag = "[" + description + "] ";
        LineForwarder stderr = LineForwarder.start("fulmen-stderr-" + process.pid(), process.getErrorStream(),
            System.err, tag, line -> { }, () -> { });
        LineForwarder stdout = LineForwarder.start("fulmen-stdout-" + process.pid(), process.getInputStream(),
            System.err, tag, line -> {
                Matcher matcher = bootLine.matcher(line);
                if (matcher.matches()) {
                    String[] groups = new String[matcher.groupCount()];
                    for (int i = 0; i < groups.length; i++) {
                        groups[i] = matcher.group(i + 1);
                    }
                    booted.complete(List.of(groups));
                }
            }, () -> booted.completeExceptionally(
                new IllegalStateException("it closed its stdout without printing its boot line")));
        try {
            List<String> groups = booted.get(BOOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new FulmenProcess(process, description, stdout, stderr, groups);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            stderr.awaitEnd(DRAIN_TIMEOUT);
            String why = e instanceof TimeoutException
                ? "did not print its boot line within " + BOOT_TIMEOUT.toSeconds() + " s"
                : e.getCause().getMessage();
            throw new IllegalStateException(description + " failed to start: " + why, e);
        }
    }

    /** The capture groups of the boot line. */
    List<String> bootGroups() {
        return bootGroups;
    }

    /** Sends SIGKILL and waits (bounded) for the process to be gone. */
    void kill() throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        process.destroyForcibly();
        boolean exited = process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        stdout.awaitEnd(DRAIN_TIMEOUT);
        stderr.awaitEnd(DRAIN_TIMEOUT);
        if (!exited) {
            throw new IllegalStateException(description + " survived SIGKILL for " + STOP_TIMEOUT.toSeconds() + " s");
        }
    }

    /** Sends SIGTERM, waits (bounded) for the process to end, and fails unless it exited with code 0. */
    void stop() throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        // SIGTERM through the process handle keeps our ends of the pipes open (see FulmenNameServer#close).
        process.toHandle().destroy();
        boolean exited = process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        stdout.awaitEnd(DRAIN_TIMEOUT);
        stderr.awaitEnd(DRAIN_TIMEOUT);
        if (!exited) {
            throw new IllegalStateException(description + " ignored SIGTERM for " + STOP_TIMEOUT.toSeconds()
                + " s and was killed");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(description + " exited with code " + process.exitValue()
                + " after SIGTERM");
        }
    }
}
