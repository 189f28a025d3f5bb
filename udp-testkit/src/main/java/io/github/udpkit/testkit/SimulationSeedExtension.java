package io.github.udpkit.testkit;

import java.lang.reflect.Parameter;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JUnit Jupiter extension that gives each test one simulation seed and, when the test fails,
 * says how to replay it: {@code replay with -Dudpkit.sim.seed=N}.
 *
 * <p>It resolves {@code long} parameters annotated {@link SimulationSeed} and parameters of type
 * {@link SimulatedNetwork} (a network with that seed and default settings). The seed is the
 * configuration parameter or system property {@value #SEED_PROPERTY} when set, else a fresh random
 * one per test, so that runs explore new fates and any failure can be replayed. On failure the
 * seed is attached to the exception as a suppressed {@code ReplayHint} (so it shows in the stack
 * trace of every report), published as the report entry {@value #SEED_PROPERTY}, and logged as a
 * warning through slf4j.
 *
 * @since 0.1.0
 */
public final class SimulationSeedExtension
        implements ParameterResolver, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler,
        TestWatcher {

    /** The configuration parameter or system property that fixes the seed, for replaying a run. */
    public static final String SEED_PROPERTY = "udpkit.sim.seed";

    private static final Logger log = LoggerFactory.getLogger(SimulationSeedExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SimulationSeedExtension.class);
    private static final String SEED_KEY = "seed";

    /** Creates the extension; JUnit does this for {@code @ExtendWith}. */
    public SimulationSeedExtension() {
    }

    /**
     * The text that tells how to replay a run with the given seed.
     *
     * @param seed the seed
     * @return {@code "replay with -Dudpkit.sim.seed=" + seed}
     */
    public static String replayHint(long seed) {
        return "replay with -D" + SEED_PROPERTY + "=" + seed;
    }

    /**
     * The seed of the test (or class) the context belongs to, chosen on first use.
     *
     * @param context the extension context
     * @return the seed
     * @throws ExtensionConfigurationException if {@value #SEED_PROPERTY}
     *     is set but is not a decimal {@code long}
     */
    public static long seed(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        Long seed = store.get(SEED_KEY, Long.class);
        if (seed == null) {
            seed = chooseSeed(context);
            store.put(SEED_KEY, seed);
            log.debug("{}: simulation seed {}", context.getDisplayName(), seed);
        }
        return seed;
    }

    private static long chooseSeed(ExtensionContext context) {
        Optional<String> configured = context.getConfigurationParameter(SEED_PROPERTY)
                .or(() -> Optional.ofNullable(System.getProperty(SEED_PROPERTY)));
        if (configured.isEmpty() || configured.get().isBlank()) {
            return ThreadLocalRandom.current().nextLong();
        }
        String text = configured.get().strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ExtensionConfigurationException(
                    SEED_PROPERTY + " must be a decimal long: '" + text + "'", e);
        }
    }

    /** Asks JUnit for the test method's context when a constructor asks for a seed. */
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Parameter parameter = parameterContext.getParameter();
        Class<?> type = parameter.getType();
        if (type == SimulatedNetwork.class) {
            return true;
        }
        return parameterContext.isAnnotated(SimulationSeed.class) && (type == long.class || type == Long.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        long seed;
        try {
            seed = seed(extensionContext);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
        if (parameterContext.getParameter().getType() == SimulatedNetwork.class) {
            return SimulatedNetwork.withSeed(seed);
        }
        return seed;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        annotate(context, throwable);
        throw throwable;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        annotate(context, throwable);
        throw throwable;
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        annotate(context, throwable);
        throw throwable;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        // Read back from the exception: the context's store may be closed by now.
        Long seed = hintedSeed(cause);
        if (seed != null) {
            log.warn("{} failed with simulation seed {}: {}", context.getDisplayName(), seed, replayHint(seed));
        }
    }

    private static void annotate(ExtensionContext context, Throwable throwable) {
        if (throwable instanceof TestAbortedException || hintedSeed(throwable) != null) {
            return;
        }
        Long seed = context.getStore(NAMESPACE).get(SEED_KEY, Long.class);
        if (seed == null) {
            return; // this test never asked for a seed: nothing to replay
        }
        throwable.addSuppressed(new ReplayHint(seed));
        context.publishReportEntry(SEED_PROPERTY, Long.toString(seed));
    }

    private static Long hintedSeed(Throwable throwable) {
        if (throwable == null) {
            return null;
        }
        for (Throwable suppressed : throwable.getSuppressed()) {
            if (suppressed instanceof ReplayHint) {
                return ((ReplayHint) suppressed).seed;
            }
        }
        return null;
    }

    /** Carries the seed on a failure, so every report that prints the stack trace shows it. */
    static final class ReplayHint extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final long seed;

        ReplayHint(long seed) {
            super("simulation seed " + seed + ": " + replayHint(seed), null, false, false);
            this.seed = seed;
        }
    }
}
