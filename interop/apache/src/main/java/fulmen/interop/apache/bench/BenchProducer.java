package fulmen.interop.apache.bench;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * The official Java client's side of the client benchmark (scripts/bench-vs-java.sh): what Apache RocketMQ's
 * benchmark Producer does by default (DefaultMQProducer in group {@code benchmark_producer}, instance name = start
 * millis, binary ROCKETMQ headers, compression off, synchronous {@code send} in a loop from {@code -w} threads, one
 * random alphanumeric body of {@code -s} bytes shared by every message), but recording every send's latency in
 * microseconds in a histogram so p50/p99 can be set beside {@code fulmen bench producer}'s.
 *
 * <p>The measurement works as in {@code fulmen bench}: sends answered during the first {@code --warmup} seconds are
 * left out; at {@code -d} seconds (or once {@code -q} messages are taken) the threads are told to stop, finish the
 * send in flight (at most 5 s more), and the measured time runs from the end of the warm-up to the last thread's
 * end. A failed send pauses its thread for 100 ms (Apache's tool sleeps 3 s). Prints a progress line per interval,
 * then the two summary lines {@code fulmen bench} prints ({@code [Complete] Send Total: ...} and
 * {@code Send RT(ms): avg ... | p50 ... | p99 ...}) and one machine-readable {@code BENCH_RESULT key=value ...} line.
 */
public final class BenchProducer {
    private static final long FAILURE_PAUSE_MILLIS = 100;
    private static final long DRAIN_MILLIS = 5_000;
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private BenchProducer() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        // Read once when RemotingCommand is initialised, so before the client exists (as Apache's tool does).
        System.setProperty(RemotingCommand.SERIALIZE_TYPE_PROPERTY, options.header());
        byte[] body = randomBody(options.messageSize());
        DefaultMQProducer producer = new DefaultMQProducer(options.group());
        producer.setNamesrvAddr(options.namesrv());
        producer.setInstanceName(Long.toString(System.currentTimeMillis()));
        producer.setCompressMsgBodyOverHowmuch(Integer.MAX_VALUE);
        producer.start();
        System.out.printf("topic: %s, namesrv: %s, threads: %d, messageSize: %d, messages: %s, duration: %d s, "
                + "warmup: %d s, header: %s, client: Apache RocketMQ Java %s, java: %s%n",
            options.topic(), options.namesrv(), options.threads(), options.messageSize(),
            options.messages() == 0 ? "no limit" : Long.toString(options.messages()), options.durationSeconds(),
            options.warmupSeconds(), options.header(), org.apache.rocketmq.common.MQVersion.getVersionDesc(
                org.apache.rocketmq.common.MQVersion.CURRENT_VERSION), System.getProperty("java.version"));

        long started = System.nanoTime();
        long measuredFrom = started + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
        Run run = new Run(producer, options.topic(), body, measuredFrom,
            options.messages() > 0 ? new AtomicLong(options.messages()) : null);
        Thread[] threads = new Thread[options.threads()];
        SendStats[] stats = new SendStats[options.threads()];
        for (int i = 0; i < threads.length; i++) {
            stats[i] = new SendStats();
            SendStats mine = stats[i];
            threads[i] = new Thread(() -> run.sendUntilStopped(mine), "bench-sender-" + i);
            threads[i].start();
        }
        String reason = supervise(run, threads, started, options);
        run.stop.set(true);
        long drainUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        int lost = 0;
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(drainUntil - System.nanoTime())));
            lost += thread.isAlive() ? 1 : 0;
        }
        long ended = System.nanoTime();
        SendStats total = new SendStats();
        for (SendStats one : stats) {
            total.add(one);
        }
        long from = ended > measuredFrom ? measuredFrom : started;
        report(options, total, (ended - from) / 1e9, reason, lost);
        producer.shutdown();
        System.exit(0);
    }

    /** Prints progress lines until the duration is over or every sender ended; returns why the run ended. */
    private static String supervise(Run run, Thread[] threads, long started, BenchOptions options)
        throws InterruptedException {
        long deadline = options.durationSeconds() > 0
            ? started + TimeUnit.SECONDS.toNanos(options.durationSeconds()) : Long.MAX_VALUE;
        long every = TimeUnit.SECONDS.toNanos(Math.max(1, options.reportIntervalSeconds()));
        long nextReport = started + every;
        long lastOk = 0;
        long lastFailed = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= deadline) {
                return "duration reached";
            }
            if (allEnded(threads)) {
                return "message count reached";
            }
            if (options.reportIntervalSeconds() > 0 && now >= nextReport) {
                long ok = run.succeeded.sum();
                long failed = run.failed.sum();
                System.out.printf(Locale.ROOT, "[%6.1fs] Send TPS: %.0f | Send Failed: %d%n", (now - started) / 1e9,
                    (ok - lastOk) / (every / 1e9), failed - lastFailed);
                lastOk = ok;
                lastFailed = failed;
                nextReport += every;
            }
            long wake = Math.min(deadline, options.reportIntervalSeconds() > 0 ? nextReport : deadline);
            TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(wake - System.nanoTime(), 50_000_000L)));
        }
    }

    private static boolean allEnded(Thread[] threads) {
        for (Thread thread : threads) {
            if (thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    private static void report(BenchOptions options, SendStats total, double seconds, String reason, int lost) {
        double tps = seconds > 0 ? total.succeeded / seconds : 0;
        double mib = seconds > 0 ? total.succeeded * (double) options.messageSize() / seconds / (1 << 20) : 0;
        System.out.printf(Locale.ROOT, "[Complete] Send Total: %d | Send OK: %d | Send Failed: %d | Send TPS: %.1f | "
                + "Throughput: %.2f MiB/s | Time: %.3f s (%s)%n", total.succeeded + total.failed, total.succeeded,
            total.failed, tps, mib, seconds, reason);
        System.out.printf(Locale.ROOT, "Send RT(ms): avg %s | p50 %s | p90 %s | p99 %s | p99.9 %s | max %s "
                + "(%d samples)%n", ms(total.meanMicros()), ms(total.percentileMicros(50)),
            ms(total.percentileMicros(90)), ms(total.percentileMicros(99)), ms(total.percentileMicros(99.9)),
            ms(total.maxMicros), total.succeeded);
        if (lost > 0) {
            System.out.printf("Warning: %d thread(s) still sending %d ms after the stop; not counted%n", lost,
                DRAIN_MILLIS);
        }
        System.out.printf(Locale.ROOT, "BENCH_RESULT client=java threads=%d size=%d header=%s ok=%d failed=%d "
                + "seconds=%.3f tps=%.1f avg_ms=%s p50_ms=%s p90_ms=%s p99_ms=%s p999_ms=%s max_ms=%s%n",
            options.threads(), options.messageSize(), options.header(), total.succeeded, total.failed, seconds, tps,
            ms(total.meanMicros()), ms(total.percentileMicros(50)), ms(total.percentileMicros(90)),
            ms(total.percentileMicros(99)), ms(total.percentileMicros(99.9)), ms(total.maxMicros));
        System.out.flush();
    }

    private static String ms(double micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
    }

    private static byte[] randomBody(int size) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length()));
        }
        return body;
    }

    /** What every sender shares. */
    private static final class Run {
        final DefaultMQProducer producer;
        final String topic;
        final byte[] body;
        final long measuredFrom;
        final AtomicLong budget;
        final AtomicBoolean stop = new AtomicBoolean();
        /** Every success and failure, warm-up included, for the progress lines. */
        final LongAdder succeeded = new LongAdder();
        final LongAdder failed = new LongAdder();

        Run(DefaultMQProducer producer, String topic, byte[] body, long measuredFrom, AtomicLong budget) {
            this.producer = producer;
            this.topic = topic;
            this.body = body;
            this.measuredFrom = measuredFrom;
            this.budget = budget;
        }

        boolean takeOne() {
            return !stop.get() && (budget == null || budget.getAndDecrement() > 0);
        }

        void sendUntilStopped(SendStats stats) {
            while (takeOne()) {
                // A new Message each time (the client stamps a fresh UNIQ_KEY on it), the body array shared.
                Message message = new Message(topic, body);
                long begin = System.nanoTime();
                try {
                    producer.send(message);
                    long end = System.nanoTime();
                    succeeded.increment();
                    if (end >= measuredFrom) {
                        stats.recordSuccess((end - begin) / 1_000);
                    }
                } catch (Exception error) {
                    failed.increment();
                    if (System.nanoTime() >= measuredFrom) {
                        stats.recordFailure();
                    }
                    if (error instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    try {
                        Thread.sleep(FAILURE_PAUSE_MILLIS);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
