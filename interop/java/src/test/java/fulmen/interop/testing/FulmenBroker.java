package fulmen.interop.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@code fulmen broker} child process configured the Apache way, by a {@code broker.conf} it is given with
 * {@code -c} (sync flush, 1 MiB commitlog files, its store in a directory the test owns), registering with the name
 * server given with {@code -n}. It can be killed with SIGKILL and started again on the same port and store, or
 * stopped cleanly (SIGTERM, exit code 0).
 */
public final class FulmenBroker implements AutoCloseable {

    /** The broker name in the generated broker.conf. */
    public static final String BROKER_NAME = "broker-crash";

    private static final Pattern BOOT_LINE = Pattern.compile("^The broker\\[" + BROKER_NAME
        + ", (127\\.0\\.0\\.1:(\\d+))\\] boot success\\. serializeType=JSON and name server is (127\\.0\\.0\\.1:\\d+)$");

    private final FulmenProcess process;
    private final String address;
    private final int port;

    private FulmenBroker(FulmenProcess process, String address, int port) {
        this.process = process;
        this.address = address;
        this.port = port;
    }

    /**
     * Writes {@code storeDir/broker.conf} (listenPort {@code port}, 0 for any) and starts {@code fulmen broker} with it,
     * waiting (bounded) for the boot line.
     */
    public static FulmenBroker start(String namesrvAddress, Path storeDir, int port)
        throws IOException, InterruptedException {
        return start(namesrvAddress, storeDir, port, Map.of());
    }

    /** Like {@link #start(String, Path, int)}, with more broker.conf keys appended to the file. */
    public static FulmenBroker start(String namesrvAddress, Path storeDir, int port, Map<String, String> settings)
        throws IOException, InterruptedException {
        Files.createDirectories(storeDir);
        StringBuilder extra = new StringBuilder();
        settings.forEach((key, value) -> extra.append(key).append(" = ").append(value).append('\n'));
        Path conf = storeDir.resolve("broker.conf");
        Files.writeString(conf, String.join("\n",
            "brokerClusterName = DefaultCluster",
            "brokerName = " + BROKER_NAME,
            "brokerId = 0",
            "brokerRole = ASYNC_MASTER",
            "flushDiskType = SYNC_FLUSH",
            "listenPort = " + port,
            "storePathRootDir = " + storeDir.resolve("store"),
            "mappedFileSizeCommitLog = 1048576",
            "") + extra);
        FulmenProcess process = FulmenProcess.start(
            List.of("broker", "-c", conf.toString(), "-n", namesrvAddress), List.of(BOOT_LINE));
        List<String> groups = process.bootGroups(0);
        if (!groups.get(2).equals(namesrvAddress)) {
            process.kill();
            throw new IllegalStateException("broker registered with " + groups.get(2) + ", not " + namesrvAddress);
        }
        return new FulmenBroker(process, groups.get(0), Integer.parseInt(groups.get(1)));
    }

    /** {@code 127.0.0.1:PORT}, as the broker advertises itself. */
    public String address() {
        return address;
    }

    /** The port it listens on; give it to {@link #start} to restart on the same address. */
    public int port() {
        return port;
    }

    /** {@code kill -9}: no shutdown hook, no flush, the abort marker stays. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** Stops it cleanly (SIGTERM) and fails unless it exited with code 0. */
    @Override
    public void close() throws InterruptedException {
        process.stop();
    }
}
