package fulmen.interop.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    private final FulmenProcess process;
    private final Path storeDir;
    private final String namesrvAddress;
    private final String brokerAddress;

    private FulmenCluster(FulmenProcess process, Path storeDir, String namesrvAddress, String brokerAddress) {
        this.process = process;
        this.storeDir = storeDir;
        this.namesrvAddress = namesrvAddress;
        this.brokerAddress = brokerAddress;
    }

    /** Starts the binary named by {@code -Dfulmen.bin} on a new store and waits (bounded) for both boot lines. */
    public static FulmenCluster start() throws IOException, InterruptedException {
        return start(Map.of());
    }

    /**
     * Like {@link #start()}, with broker.conf keys for the broker (Apache's names, e.g. {@code messageDelayLevel}),
     * given to {@code fulmen cluster} as {@code --set key=value}.
     */
    public static FulmenCluster start(Map<String, String> brokerSettings) throws IOException, InterruptedException {
        Path storeDir = TempDirs.create("fulmen-store-");
        List<String> arguments = new ArrayList<>(List.of("cluster",
            "--namesrv-listen", "127.0.0.1:0", "--broker-listen", "127.0.0.1:0",
            "--store-dir", storeDir.toString(), "--commitlog-file-size", Long.toString(COMMITLOG_FILE_SIZE)));
        brokerSettings.forEach((key, value) -> {
            arguments.add("--set");
            arguments.add(key + "=" + value);
        });
        FulmenProcess process = FulmenProcess.start(arguments, List.of(NAMESRV_LINE, BROKER_LINE));
        String namesrv = process.bootGroups(0).get(0);
        List<String> broker = process.bootGroups(1);
        if (!broker.get(0).equals(BROKER_NAME) || !broker.get(2).equals(namesrv)) {
            process.kill();
            throw new IllegalStateException(process.description() + " boot line names broker " + broker.get(0)
                + " and name server " + broker.get(2) + "; expected " + BROKER_NAME + " and " + namesrv);
        }
        return new FulmenCluster(process, storeDir, namesrv, broker.get(1));
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
        process.stop();
        TempDirs.delete(storeDir);
    }
}
