package fulmen.interop.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * broker.conf keys (Apache's names) for the {@link FulmenCluster} that {@link FulmenClusterExtension} starts for a test,
 * each written {@code "key=value"}; on a test method it replaces the one on its class. Example:
 * {@code @BrokerSettings("messageDelayLevel=1s 2s 3s")}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface BrokerSettings {

    /** The settings, {@code "key=value"} each. */
    String[] value();

}
