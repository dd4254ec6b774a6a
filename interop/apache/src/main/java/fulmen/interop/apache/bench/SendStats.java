package fulmen.interop.apache.bench;

import org.HdrHistogram.Histogram;

/**
 * What one sending thread measured after the warm-up: an HdrHistogram of send latencies in microseconds (three
 * significant digits, as {@code fulmen bench}), plus the exact count, sum and maximum. Owned by one thread while it
 * runs, merged by the main thread once every sender has ended.
 */
final class SendStats {
    /** The largest latency tracked exactly (one hour); longer samples count as one hour in the percentiles. */
    private static final long HIGHEST_MICROS = 3_600_000_000L;

    final Histogram histogram = new Histogram(1, HIGHEST_MICROS, 3);
    long succeeded;
    long failed;
    long sumMicros;
    long maxMicros;

    void recordSuccess(long micros) {
        histogram.recordValue(Math.min(Math.max(micros, 0), HIGHEST_MICROS));
        succeeded++;
        sumMicros += micros;
        maxMicros = Math.max(maxMicros, micros);
    }

    void recordFailure() {
        failed++;
    }

    void add(SendStats other) {
        histogram.add(other.histogram);
        succeeded += other.succeeded;
        failed += other.failed;
        sumMicros += other.sumMicros;
        maxMicros = Math.max(maxMicros, other.maxMicros);
    }

    /** The latency at or below which {@code percentile} % of the samples lie, never above the exact maximum. */
    long percentileMicros(double percentile) {
        return succeeded == 0 ? 0 : Math.min(histogram.getValueAtPercentile(percentile), maxMicros);
    }

    double meanMicros() {
        return succeeded == 0 ? 0 : (double) sumMicros / succeeded;
    }
}
