package fulmen.interop.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * 127.0.0.1 addresses where nothing listens, reserved until closed: each is a TCP socket bound (never listening) to a
 * port the OS picked. Brokers registered at these addresses refuse connections, so a Java client that follows a
 * route to them cannot reach anybody else's server on this machine.
 */
public final class ClosedPorts implements AutoCloseable {

    private final List<Socket> sockets = new ArrayList<>();

    /** A fresh {@code 127.0.0.1:PORT} that refuses connections while this object is open. */
    public synchronized String next() throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        sockets.add(socket);
        return "127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public synchronized void close() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }
}
