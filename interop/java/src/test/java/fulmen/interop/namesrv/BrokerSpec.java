package fulmen.interop.namesrv;

import fulmen.interop.testing.ClosedPorts;
import java.io.IOException;
import org.apache.rocketmq.common.BrokerIdentity;

/**
 * Who a simulated broker says it is when it registers: cluster, broker name, broker id (0 = master) and the two
 * addresses it announces, both on 127.0.0.1 ports where nothing listens.
 */
record BrokerSpec(String cluster, String name, long id, String addr, String haAddr) {

    /** A broker whose addresses are fresh closed ports from {@code ports}. */
    static BrokerSpec of(String cluster, String name, long id, ClosedPorts ports) throws IOException {
        return new BrokerSpec(cluster, name, id, ports.next(), ports.next());
    }

    /** The identity BrokerOuterAPI tags its worker tasks with. */
    BrokerIdentity identity() {
        return new BrokerIdentity(cluster, name, id);
    }
}
