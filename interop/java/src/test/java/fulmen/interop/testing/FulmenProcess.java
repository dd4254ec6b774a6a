package fulmen.interop.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code fulmen} child process that announces itself with boot lines (the lines Apache's name server and broker
 * print): started with some arguments, its output forwarded to the test log, the capture groups of each boot line
 * kept once it printed them all (bounded). It is stopped either cleanly (SIGTERM, which must end it with exit code 0)
 * or as by {@code kill -9}.
 */
final class FulmenProcess {

    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

    private final Process process;
    private final String description;
    private final LineForwarder stdout;
    private final LineForwarder stderr;
    private final List<List<String>> bootGroups;
    private boolean stopped;

    private FulmenProcess(Process process, String description, LineForwarder stdout, LineForwarder stderr,
        List<List<String>> bootGroups) {
        this.process = process;
        this.description = description;
        this.stdout = stdout;
        this.stderr = stderr;
        this.bootGroups = bootGroups;
    }

    /** Runs {@code fulmen <arguments>} and waits until, for each of {@code bootLines}, a stdout line matched it. */
    static FulmenProcess start(List<String> arguments, List<Pattern> bootLines)
        throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(FulmenBinary.path().toString());
        builder.command().addAll(arguments);
        builder.environment().put("NO_COLOR", "1");
        builder.environment().remove("NAMESRV_ADDR");
        Process process = builder.start();
        process.getOutputStream().close();
        String description = "fulmen " + arguments.get(0) + " pid " + process.pid();

        List<CompletableFuture<List<String>>> booted = new ArrayList<>();
        for (int i = 0; i < bootLines.size(); i++) {
            booted.add(new CompletableFuture<>());
        }
        String tag = "[" + description + "] ";
        LineForwarder stderr = LineForwarder.start("fulmen-stderr-" + process.pid(), process.getErrorStream(),
            System.err, tag, line -> { }, () -> { });
        LineForwarder stdout = LineForwarder.start("fulmen-stdout-" + process.pid(), process.getInputStream(),
            System.err, tag, line -> {
                for (int i = 0; i < bootLines.size(); i++) {
                    Matcher matcher = bootLines.get(i).matcher(line);
                    if (matcher.matches()) {
                        booted.get(i).complete(groups(matcher));
                    }
                }
            }, () -> booted.forEach(line -> line.completeExceptionally(
                new IllegalStateException("it closed its stdout before printing all its boot lines"))));
        try {
            long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
            List<List<String>> groups = new ArrayList<>();
            for (CompletableFuture<List<String>> line : booted) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                groups.add(line.get(left, TimeUnit.MILLISECONDS));
            }
            return new FulmenProcess(process, description, stdout, stderr, groups);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            stderr.awaitEnd(DRAIN_TIMEOUT);
            String why = e instanceof TimeoutException
                ? "did not print its boot lines within " + BOOT_TIMEOUT.toSeconds() + " s"
                : e.getCause().getMessage();
            throw new IllegalStateException(description + " failed to start: " + why, e);
        }
    }

    private static List<String> groups(Matcher matcher) {
        List<String> groups = new ArrayList<>();
        for (int i = 1; i <= matcher.groupCount(); i++) {
            groups.add(matcher.group(i));
        }
        return List.copyOf(groups);
    }

    /** The capture groups of boot line {@code index} (in the order the patterns were given). */
    List<String> bootGroups(int index) {
        return bootGroups.get(index);
    }

    /** What it is, for messages: the command and its process id. */
    String description() {
        return description;
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
