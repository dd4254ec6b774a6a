package fulmen.interop;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.message.MessageDecoder;

/**
 * Category {@code msgid/}: offset message ids from {@code MessageDecoder.createMessageId(SocketAddress, long)}
 * (IPv4: 16 bytes, IPv6: 28 bytes) and fixed client ids (UNIQ_KEY) read with MessageClientIDSetter. The time
 * part of a client id is relative to the producer's month and time zone, so it is not described.
 */
public final class MsgIdVectors implements VectorSource {
    @Override
    public List<Vector> vectors() {
        List<Vector> vectors = new ArrayList<>();
        vectors.add(offsetId("offset_ipv4", Fixtures.ipv4(192, 168, 191, 135, 10911), 190552L,
            "the REMOTING.md section 6.2 example: 192.168.191.135:10911, commitlog offset 190552"));
        vectors.add(offsetId("offset_ipv6", Fixtures.STORE_HOST_V6, 1073741824L + 256,
            "IPv6 store host [2001:db8::1]:10911: 16-byte address, 28-byte (56 hex digit) id"));
        vectors.add(offsetId("offset_ipv4_large_offset", Fixtures.STORE_HOST, 9007199254740993L,
            "a commitlog offset above 2^53 (expected.commitLogOffset is therefore a string)"));
        vectors.add(clientId("client_ipv4", Fixtures.UNIQ_KEY,
            "the REMOTING.md section 6.1 example: IP 127.0.0.1, pid 41957"));
        vectors.add(clientId("client_ipv6", "20010DB8000000000000000000000001A3E530F399910F2AB16903E1",
            "a client id of a producer whose chosen IP is IPv6 (28 bytes)"));
        return vectors;
    }

    private static Vector offsetId(String name, InetSocketAddress storeHost, long offset, String description) {
        String id = MessageDecoder.createMessageId(storeHost, offset);
        return new Vector("msgid", name, MsgIdDescriber.KIND_OFFSET).description(description)
            .javaSource("MessageDecoder#createMessageId(SocketAddress, long); decoded with"
                + " MessageDecoder#decodeMessageId(String)")
            .bytes(Hex.decode(id));
    }

    private static Vector clientId(String name, String id, String description) {
        return new Vector("msgid", name, MsgIdDescriber.KIND_CLIENT).description(description)
            .javaSource("fixed id decoded with MessageClientIDSetter#getIPStrFromID, #getIPFromID, #getPidFromID")
            .bytes(Hex.decode(id));
    }
}
