package io.github.udpkit.benchkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.protocol.EngineConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the real scenarios with tiny rounds: they must measure something, never how much. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BenchRunnerTest {

    /** The engine's default datagram size, which a path MTU search starts at. */
    private static final int DEFAULT_DATAGRAM_BYTES = EngineConfig.defaults().maxDatagramSize();

    private static final BenchPlan TINY = BenchPlan.quick()
            .warmup(Duration.ofMillis(20)).round(Duration.ofMillis(40)).rounds(2).build();

    private static List<Scenario> pick(String... ids) {
        List<Scenario> all = Scenarios.standard();
        List<Scenario> picked = new ArrayList<>();
        for (String id : ids) {
            picked.add(all.stream().filter(s -> s.id().equals(id)).findFirst()
                    .orElseThrow(() -> new AssertionError("no scenario " + id + " in " + all)));
        }
        return picked;
    }

    @Test
    void shouldMeasureAPositiveRateForEveryThroughputSubject() {
        List<String> progress = new ArrayList<>();
        List<Result> results = new BenchRunner(TINY, progress::add)
                .run(pick("baseline.throughput.64", "udpkit-raw.throughput.64", "tcp.throughput.1200",
                        "udpkit-unreliable.throughput.64", "udpkit-reliable.throughput.1200"));

        assertEquals(5, results.size());
        for (Result r : results) {
            assertNull(r.failure(), () -> r.scenario() + " failed: " + r.failure());
            assertEquals(2, r.rounds());
            assertTrue(r.messagesPerSecond().min() > 0, () -> r.scenario() + " measured no messages");
            assertTrue(r.messagesPerSecond().min() <= r.messagesPerSecond().median()
                    && r.messagesPerSecond().median() <= r.messagesPerSecond().max(), r::toString);
            assertTrue(r.lossRatio() >= 0 && r.lossRatio() <= 1, r::toString);
            assertNull(r.p50Micros(), "throughput rows have no latency");
        }
        assertEquals(1.0, results.get(0).ratioToBaseline(), 1e-9, "the baseline is its own reference");
        assertNotNull(results.get(1).ratioToBaseline(), "udpkit RAW 64 B has a baseline in this run");
        assertNull(results.get(2).ratioToBaseline(), "TCP 1200 B has no 1200 B baseline in this run");
        assertEquals(0.0, results.get(4).lossRatio(), "RELIABLE delivers every message");
        assertTrue(progress.stream().anyMatch(line -> line.contains("udpkit RAW") && line.contains("round 2/2")),
                () -> "progress: " + progress);
    }

    @Test
    void shouldCompareTheEncryptedRowWithThePlainRowOfTheSameRun() {
        List<Result> results = new BenchRunner(TINY, line -> { })
                .run(pick("baseline.throughput.1200", "udpkit-reliable.throughput.1200",
                        "udpkit-reliable-aead.throughput.1200"));

        for (Result r : results) {
            assertNull(r.failure(), () -> r.scenario() + " failed: " + r.failure());
            assertTrue(r.messagesPerSecond().min() > 0, r::toString);
            assertNotNull(r.ratioToBaseline(), r::toString);
            assertNotNull(r.openMillis(), r::toString);
        }
        Result plain = results.get(1);
        Result encrypted = results.get(2);
        assertEquals(0.0, encrypted.lossRatio(), "encrypted RELIABLE still delivers every message");
        assertNull(plain.ratioToReference(), "the plain row names no reference");
        assertEquals(encrypted.messagesPerSecond().median() / plain.messagesPerSecond().median(),
                encrypted.ratioToReference(), 1e-9, "the encrypted rate over the plain rate of the same run");
    }

    @Test
    void shouldPackThePathMtuRowIntoDatagramsLargerThanItsStartingSize() {
        // A warm-up long enough for the search's first probe (1,472 bytes) to be acknowledged on a
        // busy machine; the search takes a round trip and an ACK delay per step, milliseconds in all.
        BenchPlan plan = BenchPlan.quick().warmup(Duration.ofSeconds(1)).round(Duration.ofMillis(100)).rounds(2).build();
        List<Result> results = new BenchRunner(plan, line -> { })
                .run(pick("udpkit-reliable.throughput.64", "udpkit-reliable-pmtu.throughput.64"));

        for (Result r : results) {
            assertNull(r.failure(), () -> r.scenario() + " failed: " + r.failure());
            assertEquals(0.0, r.lossRatio(), r::toString);
            assertNotNull(r.datagramBytes(), () -> "udpkit counts what it sends: " + r);
            assertTrue(isTransportOfThisJdk(r.transport()),
                    "udpkit endpoints run on the JDK's channel, or on JDK 22+ the batched one: " + r.transport());
        }
        Result plain = results.get(0);
        Result pathMtu = results.get(1);
        assertTrue(plain.datagramBytes() <= DEFAULT_DATAGRAM_BYTES,
                () -> "the plain row's datagrams stay within the default size: " + plain);
        assertTrue(pathMtu.datagramBytes() > DEFAULT_DATAGRAM_BYTES,
                () -> "the path MTU row packs into datagrams larger than 1,200 bytes: " + pathMtu);
        assertEquals(pathMtu.messagesPerSecond().median() / plain.messagesPerSecond().median(),
                pathMtu.ratioToReference(), 1e-9, "compared with the plain RELIABLE row of the same run");
    }

    @Test
    void shouldMeasureOrderedRoundTripPercentilesForEveryWaitMode() {
        List<Result> results = new BenchRunner(TINY, line -> { })
                .run(pick("baseline.rtt-blocking.64", "baseline.rtt-busy-spin.64", "udpkit-raw.rtt-blocking.64",
                        "udpkit-raw.rtt-adaptive.64", "udpkit-raw.rtt-busy-spin.64", "udpkit-reliable.rtt-blocking.64",
                        "udpkit-reliable.rtt-adaptive.64", "udpkit-reliable.rtt-busy-spin.64",
                        "udpkit-raw-receive.rtt-blocking.64", "udpkit-reliable-receive.rtt-adaptive.64",
                        "udpkit-reliable-receive.rtt-busy-spin.64", "tcp.rtt-blocking.64", "tcp.rtt-busy-spin.64"));

        for (Result r : results) {
            assertNull(r.failure(), () -> r.scenario() + " failed: " + r.failure());
            assertTrue(r.messagesPerSecond().median() > 0, r::toString);
            assertTrue(r.p50Micros().median() > 0, r::toString);
            assertTrue(r.p50Micros().min() <= r.p99Micros().max(), r::toString);
            assertTrue(r.p99Micros().min() <= r.p999Micros().max(), r::toString);
            assertNotNull(r.ratioToBaseline(), () -> r.scenario() + " has a baseline of its wait mode in this run");
        }
        Result blocking = results.get(0);
        Result busy = results.get(1);
        for (Result r : results) {
            Result baseline = r.scenario().waitMode() == Scenario.Wait.BUSY_SPIN ? busy : blocking;
            assertEquals(r.p50Micros().median() / baseline.p50Micros().median(), r.ratioToBaseline(), 1e-9,
                    () -> r.scenario() + ": p50 over the p50 of " + baseline.scenario()
                            + " (adaptive rows over the blocking baseline)");
        }
        assertEquals(3, results.stream().filter(r -> r.scenario().waitMode() == Scenario.Wait.ADAPTIVE).count());
    }

    @Test
    void shouldCompareThePureBlockingRawRowWithTheDefaultRawRowOfTheSameRun() {
        List<Result> results = new BenchRunner(TINY, line -> { })
                .run(pick("baseline.throughput.64", "udpkit-raw.throughput.64", "udpkit-raw-blocking.throughput.64"));

        for (Result r : results) {
            assertNull(r.failure(), () -> r.scenario() + " failed: " + r.failure());
            assertTrue(r.messagesPerSecond().min() > 0, r::toString);
            assertNotNull(r.ratioToBaseline(), r::toString);
        }
        Result adaptive = results.get(1);
        Result blocking = results.get(2);
        assertEquals(Scenario.Wait.ADAPTIVE, adaptive.scenario().waitMode());
        assertEquals(Scenario.Wait.BLOCKING, blocking.scenario().waitMode());
        assertEquals(blocking.messagesPerSecond().median() / adaptive.messagesPerSecond().median(),
                blocking.ratioToReference(), 1e-9, "the blocking rate over the default rate of the same run");
        assertEquals(blocking.messagesPerSecond().median() / results.get(0).messagesPerSecond().median(),
                blocking.ratioToBaseline(), 1e-9, "compared with the same baseline as the default row");
    }

    @Test
    void shouldReportAScenarioThatCannotOpenAsFailedAndGoOn() {
        Scenario broken = Scenario.throughput("broken", "Broken", Scenario.Wait.BLOCKING, 64, counter -> {
            throw new IOException("no socket for you");
        });
        List<Result> results = new BenchRunner(TINY, line -> { })
                .run(List.of(broken, pick("baseline.throughput.64").get(0)));

        assertTrue(results.get(0).isFailed());
        assertTrue(results.get(0).failure().contains("no socket for you"), results.get(0).failure());
        assertFalse(results.get(1).isFailed(), () -> "the next scenario still runs: " + results.get(1).failure());
    }

    @Test
    void shouldReportAStreamThatFailsMidRoundAsFailed() {
        Scenario failing = Scenario.throughput("failing", "Failing", Scenario.Wait.BLOCKING, 64, counter -> new OneWay() {
            @Override
            public long sendUntil(int round, long deadlineNanos, long maxMessages) throws IOException {
                throw new IOException("link down");
            }

            @Override
            public void close() {
            }
        });
        Result result = new BenchRunner(TINY, line -> { }).run(List.of(failing)).get(0);

        assertTrue(result.isFailed());
        assertTrue(result.failure().contains("link down"), result.failure());
        assertNull(result.ratioToBaseline());
    }

    @Test
    void shouldTakeNearestRankPercentiles() {
        long[] sorted = new long[1000];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = (i + 1) * 1_000L; // 1 µs .. 1000 µs
        }
        assertEquals(500.0, BenchRunner.percentileMicros(sorted, 1000, 0.50));
        assertEquals(990.0, BenchRunner.percentileMicros(sorted, 1000, 0.99));
        assertEquals(999.0, BenchRunner.percentileMicros(sorted, 1000, 0.999));
        assertEquals(1.0, BenchRunner.percentileMicros(sorted, 1, 0.999), "one sample is every percentile");
    }

    /**
     * Whether a row's transport is one this JDK can give: the JDK's DatagramChannel everywhere, and
     * from JDK 22 on Linux also the batched FFM transport, which endpoints choose where it runs.
     */
    static boolean isTransportOfThisJdk(String transport) {
        return Scenario.JDK_TRANSPORT.equals(transport)
                || Runtime.version().feature() >= 22 && transport != null && transport.startsWith("linux-ffm (");
    }
}
