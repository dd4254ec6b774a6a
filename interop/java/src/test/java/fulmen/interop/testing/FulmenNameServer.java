package fulmen.interop.testing;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A {@code fulmen namesrv} child process on 127.0.0.1 at a port the OS picked. Its address comes from the boot line
 * it prints on stdout (the same line Apache's name server prints); its stdout and stderr go to the test log. Closing
 * it sends SIGTERM and waits (bounded), and fails unless it stopped cleanly (exit code 0).
 */
public final class FulmenNameServer implements AutoCloseable {

    private static final Pattern BOOT_LINE =
        Pattern.compile("^The Name Server boot success\\. serializeType=JSON, address (127\\.0\\.0\\.1:\\d+)$");

    private final FulmenProcess process;
    private final String address;

    private FulmenNameServer(FulmenProcess process, String address) {
        this.process = process;
        this.address = address;
    }

    /** Starts the binary named by {@code -Dfulmen.bin} and waits (bounded) until it prints its address. */
    public static FulmenNameServer start() throws IOException, InterruptedException {
        FulmenProcess process =
            FulmenProcess.start(List.of("namesrv", "--listen", "127.0.0.1:0"), List.of(BOOT_LINE));
        return new FulmenNameServer(process, process.bootGroups(0).get(0));
    }

    /** {@code 127.0.0.1:PORT}, the address to give the Java clients. */
    public String address() {
        return address;
    }

    /** The port the name server listens on. */
    public int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Sends SIGTERM, waits (bounded) for the process to end, and checks that it ended cleanly. */
    @Override
    public void close() throws InterruptedException {
        process.stop();
    }
}
