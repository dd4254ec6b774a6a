package fulmen.interop.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Shuts Java peers down in the background. A RocketMQ remoting client closes its connections at once but then waits
 * up to 3 s for its event thread to notice (NettyRemotingAbstract polls its event queue every 3 s); tests hand their
 * clients here instead of waiting, and the test class waits for all of them, bounded, at the end.
 */
public final class BackgroundShutdowns {

    private static final List<Thread> PENDING = new ArrayList<>();
    private static final List<String> FAILED = new ArrayList<>();

    private BackgroundShutdowns() {
    }

    /** Starts {@code shutdown} of {@code what} on a daemon thread. */
    public static synchronized void start(String what, Runnable shutdown) {
        Thread thread = new Thread(() -> {
            try {
                shutdown.run();
            } catch (RuntimeException | Error e) {
                synchronized (BackgroundShutdowns.class) {
                    FAILED.add(what + ": " + e);
                }
            }
        }, "shutdown " + what);
        thread.setDaemon(true);
        thread.start();
        PENDING.add(thread);
    }

    /** Waits until every shutdown started so far has ended, at most {@code limit} in all; fails on stragglers. */
    public static void awaitAll(Duration limit) throws InterruptedException {
        List<Thread> threads;
        synchronized (BackgroundShutdowns.class) {
            threads = new ArrayList<>(PENDING);
            PENDING.clear();
        }
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> stragglers = new ArrayList<>();
        for (Thread thread : threads) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            thread.join(left);
            if (thread.isAlive()) {
                stragglers.add(thread.getName());
            }
        }
        List<String> failed;
        synchronized (BackgroundShutdowns.class) {
            failed = new ArrayList<>(FAILED);
            FAILED.clear();
        }
        if (!stragglers.isEmpty() || !failed.isEmpty()) {
            throw new AssertionError("Java peers did not shut down cleanly within " + limit.toSeconds() + " s:"
                + " still running " + stragglers + ", failed " + failed);
        }
    }
}
