package fulmen.interop;

import java.util.Collections;
import java.util.List;

/** {@code codes.json} at the top of the vector directory: every request, response and language code. */
public final class CodesVectors implements VectorSource {
    @Override
    public List<Vector> vectors() {
        return Collections.singletonList(new Vector("", "codes", CodesDescriber.KIND)
            .description("every public static final int/short of RequestCode and ResponseCode (including the ones"
                + " inherited from RemotingSysResponseCode), ordered by value then name, and every LanguageCode")
            .javaSource("reflection over org.apache.rocketmq.remoting.protocol.RequestCode, ResponseCode,"
                + " LanguageCode#values()/getCode()"));
    }
}
