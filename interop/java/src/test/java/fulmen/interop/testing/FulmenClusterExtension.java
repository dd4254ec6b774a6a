package fulmen.interop.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving each test its own fresh {@link FulmenCluster} (name server and broker, new store): declare
 * a parameter of that type on the test or on a {@code @BeforeEach} method (both get the same cluster). It is
 * stopped once the test and its {@code @AfterEach} methods are done, and a cluster that did not stop cleanly fails the test.
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
            .getOrComputeIfAbsent(Running.class, key -> Running.start(), Running.class)
            .cluster();
    }

    /** The store entry: JUnit closes it when the test's context ends. */
    private record Running(FulmenCluster cluster) implements ExtensionContext.Store.CloseableResource {

        static Running start() {
            try {
                return new Running(FulmenCluster.start());
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
