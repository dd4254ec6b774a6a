package fulmen.interop.apache.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * The options of {@link BenchProducer}, named as in Apache RocketMQ's benchmark Producer
 * ({@code org.apache.rocketmq.example.benchmark.Producer}) where it has them, and as in {@code fulmen bench producer}
 * otherwise, so one command line fits both harnesses:
 * {@code -n namesrv -t topic -w threads -s messageSize -q messages -d durationSeconds --warmup seconds -g group
 * --header ROCKETMQ|JSON --report-interval seconds}.
 */
record BenchOptions(
    String namesrv,
    String topic,
    int threads,
    int messageSize,
    long messages,
    long durationSeconds,
    long warmupSeconds,
    long reportIntervalSeconds,
    String group,
    String header) {

    static BenchOptions parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " has no value");
            }
            values.put(args[i], args[i + 1]);
        }
        BenchOptions options = new BenchOptions(
            take(values, "-n", "127.0.0.1:9876"),
            take(values, "-t", "BenchmarkTest"),
            Integer.parseInt(take(values, "-w", "64")),
            Integer.parseInt(take(values, "-s", "128")),
            Long.parseLong(take(values, "-q", "0")),
            Long.parseLong(take(values, "-d", "60")),
            Long.parseLong(take(values, "--warmup", "0")),
            Long.parseLong(take(values, "--report-interval", "1")),
            take(values, "-g", "benchmark_producer"),
            take(values, "--header", "ROCKETMQ").toUpperCase());
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + values.keySet());
        }
        if (options.threads < 1 || options.messageSize < 1) {
            throw new IllegalArgumentException("-w and -s must be at least 1");
        }
        if (options.durationSeconds > 0 && options.warmupSeconds >= options.durationSeconds) {
            throw new IllegalArgumentException("--warmup must be shorter than -d");
        }
        if (!options.header.equals("ROCKETMQ") && !options.header.equals("JSON")) {
            throw new IllegalArgumentException("--header is ROCKETMQ or JSON");
        }
        return options;
    }

    private static String take(Map<String, String> values, String name, String fallback) {
        String value = values.remove(name);
        return value == null ? fallback : value;
    }
}
