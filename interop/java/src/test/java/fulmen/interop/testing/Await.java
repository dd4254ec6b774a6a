package fulmen.interop.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds or a deadline passes; for state that a Java peer updates asynchronously. */
public final class Await {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private Await() {
    }

    /** Returns once {@code condition} is true; throws {@link AssertionError} naming {@code what} after {@code limit}. */
    public static void until(String what, Duration limit, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("still not true after " + limit.toMillis() + " ms: " + what);
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }
}
