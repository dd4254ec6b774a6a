package fulmen.interop.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving each test its own fresh {@link FulmenCluster} (name server and broker, new store): declare
 * a parameter of that type on the test or on a {@code @BeforeEach} method (both get the same cluster). It is
 * stopped once the test and its {@code @AfterEach} methods are done, and a cluster that did not stop cleanly fails the test.
 * A {@link BrokerSettings} annotation on the test method or its class configures the broker.
 */
public final class FulmenClusterExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(FulmenClusterExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == FulmenCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException(
                "a FulmenCluster belongs to one test: ask for it in a test or @BeforeEach method");
        }
        return context.getStore(NAMESPACE)
            .getOrComputeIfAbsent(Running.class, key -> Running.start(settings(context)), Running.class)
            .cluster();
    }

    /** The {@link BrokerSettings} of the test method, else of its class, else none. */
    private static Map<String, String> settings(ExtensionContext context) {
        BrokerSettings settings = context.getTestMethod()
            .map(method -> method.getAnnotation(BrokerSettings.class))
            .or(() -> context.getTestClass().map(type -> type.getAnnotation(BrokerSettings.class)))
            .orElse(null);
        return settings == null ? Map.of() : parse(settings.value());
    }

    /** Reads {@code "key=value"} entries into a map, keeping their order; an entry without '=' is an error. */
    private static Map<String, String> parse(String[] entries) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String entry : entries) {
            int split = entry.indexOf('=');
            if (split <= 0) {
                throw new IllegalArgumentException("@BrokerSettings entry '" + entry + "' is not key=value");
            }
            settings.put(entry.substring(0, split).trim(), entry.substring(split + 1));
        }
        return settings;
    }

    /** The store entry: JUnit closes it when the test's context ends. */
    private record Running(FulmenCluster cluster) implements ExtensionContext.Store.CloseableResource {

        static Running start(Map<String, String> brokerSettings) {
            try {
                return new Running(FulmenCluster.start(brokerSettings));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new ParameterResolutionException(e.getMessage(), e);
            }
        }

        @Override
        public void close() throws Exception {
            cluster.close();
        }
    }
}
