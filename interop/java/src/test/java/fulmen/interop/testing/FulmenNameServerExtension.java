package fulmen.interop.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving each test its own fresh {@link FulmenNameServer}: declare a parameter of that type on the
 * test or on a {@code @BeforeEach} method (both get the same server). It is stopped once the test and its
 * {@code @AfterEach} methods are done, and a name server that did not stop cleanly fails the test.
 */
public final class FulmenNameServerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(FulmenNameServerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == FulmenNameServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException(
                "a FulmenNameServer belongs to one test: ask for it in a test or @BeforeEach method");
        }
        return context.getStore(NAMESPACE)
            .getOrComputeIfAbsent(Running.class, key -> Running.start(), Running.class)
            .server();
    }

    /** The store entry: JUnit closes it when the test's context ends. */
    private record Running(FulmenNameServer server) implements ExtensionContext.Store.CloseableResource {

        static Running start() {
            try {
                return new Running(FulmenNameServer.start());
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new ParameterResolutionException(e.getMessage(), e);
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
