package fulmen.interop.broker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.rocketmq.common.message.Message;

/**
 * The messages the tests send: small ones with alternating tags {@code TagA}/{@code TagB}, a key and a user property
 * each, and two large ones (10 KiB of text, which the client compresses, and ~3.9 MiB of random bytes).
 */
final class Workload {

    static final String TAG_A = "TagA";
    static final String TAG_B = "TagB";
    static final String PROPERTY = "fulmenSeq";
    static final int LARGE_BODY = 3_900 * 1024;
    static final int COMPRESSIBLE_BODY = 10 * 1024;

    private Workload() {
    }

    /** {@code count} small messages of {@code topic}; {@code label} keeps bodies and keys unique across calls. */
    static List<Message> small(String topic, String label, int count) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String tag = i % 2 == 0 ? TAG_A : TAG_B;
            String body = label + " message " + i;
            Message message = new Message(topic, tag, label + "-key-" + i, body.getBytes(StandardCharsets.UTF_8));
            message.putUserProperty(PROPERTY, label + "-" + i);
            messages.add(message);
        }
        return messages;
    }

    /** A 10 KiB text message, above the client's 4 KiB compression threshold. */
    static Message compressible(String topic) {
        StringBuilder text = new StringBuilder();
        for (int line = 0; text.length() < COMPRESSIBLE_BODY; line++) {
            text.append("line ").append(line).append(" of a body the client compresses before sending\n");
        }
        Message message = new Message(topic, TAG_A, "compressible-key",
            text.substring(0, COMPRESSIBLE_BODY).getBytes(StandardCharsets.UTF_8));
        message.putUserProperty(PROPERTY, "compressible");
        return message;
    }

    /** A message of {@link #LARGE_BODY} random bytes (fixed seed), just under the client's 4 MiB limit. */
    static Message large(String topic) {
        byte[] body = new byte[LARGE_BODY];
        new Random(42).nextBytes(body);
        Message message = new Message(topic, TAG_B, "large-key", body);
        message.putUserProperty(PROPERTY, "large");
        return message;
    }
}
