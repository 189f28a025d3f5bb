package io.github.udpkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

class SimulationSeedExtensionTest {

    /** Seeds the sample tests saw; the samples run inside this test, one engine run at a time. */
    static final ConcurrentLinkedQueue<Long> SEEN = new ConcurrentLinkedQueue<>();

    @ExtendWith(SimulationSeedExtension.class)
    static class PassingSample {
        @Test
        void usesTheSeedEverywhere(@SimulationSeed long seed, @SimulationSeed Long boxed, SimulatedNetwork net) {
            assertEquals(seed, boxed);
            assertEquals(seed, net.seed());
            SEEN.add(seed);
        }
    }

    @ExtendWith(SimulationSeedExtension.class)
    static class RepeatedSample {
        @RepeatedTest(2)
        void recordsItsSeed(@SimulationSeed long seed) {
            SEEN.add(seed);
        }
    }

    @ExtendWith(SimulationSeedExtension.class)
    static class FailingSample {
        @Test
        void failsWithASeed(@SimulationSeed long seed) {
            throw new AssertionError("delivered out of order");
        }

        @Test
        void failsWithoutAskingForASeed() {
            throw new AssertionError("unrelated");
        }
    }

    @ExtendWith(SimulationSeedExtension.class)
    static class FailingSetUpSample {
        long seed;

        @BeforeEach
        void setUp(@SimulationSeed long seed) {
            this.seed = seed;
            throw new IllegalStateException("set-up failed");
        }

        @Test
        void neverRuns() {
        }
    }

    private static EngineExecutionResults run(Class<?> sample, String configuredSeed) {
        SEEN.clear();
        EngineTestKit.Builder builder = EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample));
        if (configuredSeed != null) {
            builder.configurationParameter(SimulationSeedExtension.SEED_PROPERTY, configuredSeed);
        }
        return builder.execute();
    }

    private static Throwable failure(EngineExecutionResults results, String method) {
        return results.testEvents().failed().stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().startsWith(method))
                .findFirst()
                .map(e -> e.getRequiredPayload(TestExecutionResult.class)
                        .getThrowable().orElseThrow())
                .orElseThrow(() -> new AssertionError("no failure of " + method));
    }

    private static List<String> suppressedMessages(Throwable t) {
        return Arrays.stream(t.getSuppressed()).map(Throwable::getMessage).toList();
    }

    @Test
    void shouldResolveOneSeedForEveryParameterOfATest() {
        run(PassingSample.class, "42").testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertEquals(List.of(42L), List.copyOf(SEEN));
    }

    @Test
    void shouldPickAFreshRandomSeedForEachTestUnlessOneIsConfigured() {
        assumeTrue(System.getProperty(SimulationSeedExtension.SEED_PROPERTY) == null,
                "a seed is configured for this whole run");
        run(RepeatedSample.class, null).testEvents().assertStatistics(s -> s.succeeded(2));
        List<Long> seeds = List.copyOf(SEEN);
        assertEquals(2, seeds.size());
        assertNotEquals(seeds.get(0), seeds.get(1));

        run(RepeatedSample.class, "-7").testEvents().assertStatistics(s -> s.succeeded(2));
        assertEquals(List.of(-7L, -7L), List.copyOf(SEEN));
    }

    @Test
    void shouldAttachTheReplayHintToAFailureAndPublishTheSeed() {
        EngineExecutionResults results = run(FailingSample.class, "8675309");
        results.testEvents().assertStatistics(s -> s.failed(2));

        Throwable failure = failure(results, "failsWithASeed");
        assertEquals("delivered out of order", failure.getMessage());
        assertEquals(List.of("simulation seed 8675309: replay with -Dudpkit.sim.seed=8675309"),
                suppressedMessages(failure));

        List<Map<String, String>> entries = results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs())
                .toList();
        assertEquals(List.of(Map.of("udpkit.sim.seed", "8675309")), entries);
    }

    @Test
    void shouldLeaveFailuresOfTestsWithoutASeedAlone() {
        EngineExecutionResults results = run(FailingSample.class, "1");
        assertEquals(List.of(), suppressedMessages(failure(results, "failsWithoutAskingForASeed")));
    }

    @Test
    void shouldAttachTheReplayHintToASetUpFailure() {
        EngineExecutionResults results = run(FailingSetUpSample.class, "5");
        assertEquals(List.of("simulation seed 5: replay with -Dudpkit.sim.seed=5"),
                suppressedMessages(failure(results, "neverRuns")));
    }

    @Test
    void shouldRejectAMalformedConfiguredSeed() {
        EngineExecutionResults results = run(PassingSample.class, "0x2A");
        Throwable failure = failure(results, "usesTheSeedEverywhere");
        assertInstanceOf(ParameterResolutionException.class, failure);
        assertTrue(failure.getMessage().contains("udpkit.sim.seed must be a decimal long: '0x2A'"),
                failure.getMessage());
    }

    @Test
    void shouldNameTheReplayHint() {
        assertEquals("replay with -Dudpkit.sim.seed=-3", SimulationSeedExtension.replayHint(-3));
    }
}
