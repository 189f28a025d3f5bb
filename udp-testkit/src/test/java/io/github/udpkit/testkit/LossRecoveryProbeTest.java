package io.github.udpkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.protocol.EngineMetrics;
import io.github.udpkit.core.transport.Impairments;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A probe of loss recovery: bulk RELIABLE transfers on the simulated network, at several loss
 * patterns and path delays, with the engine's default settings (but for the
 * delivery deadline and retry limit, see {@link #config()}). It asserts only what must hold
 * (every message delivered exactly once, in order, and acknowledged); the figures it measures —
 * virtual completion time, datagrams, retransmissions, the slowest message — are published as
 * report entries, one per scenario and a table at the end, so that changes to loss recovery can
 * be judged by them. They are never asserted: they describe, they do not gate.
 *
 * <p>Columns: virtual time to the last acknowledgement, messages per virtual second, datagrams
 * the sender sent, retransmitted fragments, spurious losses, probe timeouts, congestion window
 * reductions, and the median and largest time from {@code send} to acknowledgement (queueing
 * behind the 1,000 messages the test keeps queued included).
 *
 * <p>Replay a run's fates with {@code -Dudpkit.sim.seed=N}; fix the seed to compare two versions
 * of the engine on identical loss patterns.
 */
@Timeout(120)
@ExtendWith(SimulationSeedExtension.class)
class LossRecoveryProbeTest {

    /** Far beyond what any scenario needs; reaching it fails the run. */
    private static final Duration VIRTUAL_LIMIT = Duration.ofHours(1);
    private static final List<String> ROWS = new ArrayList<>();

    static Stream<Arguments> scenarios() {
        List<Arguments> all = new ArrayList<>();
        for (int delayMs : new int[] {5, 25}) {
            for (int[] load : new int[][] {{10_000, 64}, {2_000, 1_200}}) {
                all.add(Arguments.of("no loss", Impairments.none(), delayMs, load[0], load[1]));
                all.add(Arguments.of("10% loss", Impairments.builder().loss(0.10).build(), delayMs, load[0], load[1]));
                all.add(Arguments.of("20% loss", Impairments.builder().loss(0.20).build(), delayMs, load[0], load[1]));
                all.add(Arguments.of("30% burst 3", Impairments.builder().burstLoss(0.30, 3).build(), delayMs, load[0],
                        load[1]));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{3} x {4} B, {0}, {2} ms one way")
    @MethodSource("scenarios")
    void shouldDeliverEveryMessageOnceInOrderAndReportTheCost(String link, Impairments impairments, int delayMs,
            int count, int size, @SimulationSeed long seed, TestReporter reporter) {
        Impairments both = impairments.toBuilder().delay(Duration.ofMillis(delayMs)).seed(seed).build();
        SimulatedNetwork net = SimulatedNetwork.builder().seed(seed).defaultImpairments(both).build();
        SimPeer alice = net.engine(net.nextAddress(), config());
        SimPeer bob = net.engine(net.nextAddress(), config());
        long start = net.nowNanos();
        long[] latencies = new long[count];

        List<CompletableFuture<Void>> sends = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (alice.engine().queuedMessages(bob.address()) >= 1_000) {
                assertTrue(net.runUntil(() -> alice.engine().queuedMessages(bob.address()) < 500, VIRTUAL_LIMIT),
                        "the queue did not drain, seed " + seed);
            }
            int n = i;
            long sentAt = net.nowNanos();
            CompletableFuture<Void> f = alice.send(bob, DeliveryMode.RELIABLE, ByteBuffer.allocate(size).putInt(0, i)
                    .array());
            f.whenComplete((v, e) -> latencies[n] = net.nowNanos() - sentAt);
            sends.add(f);
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
        assertTrue(alice.await(all, VIRTUAL_LIMIT), link + ": not all acknowledged, seed " + seed);
        long elapsed = net.nowNanos() - start;
        if (all.isCompletedExceptionally()) {
            Throwable e = all.handle((v, t) -> t).join();
            throw new AssertionError(link + ": a send failed, seed " + seed + ": " + e + "; "
                    + alice.engine().metrics(), e);
        }
        List<SimPeer.Delivery> got = bob.deliveries();
        assertEquals(count, got.size(), link + ": exactly once, seed " + seed);
        for (int i = 0; i < count; i++) {
            assertEquals(i, ByteBuffer.wrap(got.get(i).payload()).getInt(),
                    link + ": in order at " + i + ", seed " + seed);
            assertEquals(size, got.get(i).size(), link + ": intact at " + i + ", seed " + seed);
        }

        EngineMetrics m = alice.engine().metrics();
        Arrays.sort(latencies);
        String row = String.format(Locale.ROOT,
                "| %-11s | %2d ms | %6d x %4d B | %8.3f s | %7.0f | %6d | %6d | %5d | %5d | %5d | %7.3f s | %7.3f s |",
                link, delayMs, count, size, elapsed / 1e9, count / (elapsed / 1e9), m.datagramsSent(),
                m.retransmissions(), m.spuriousLosses(), m.probeTimeouts(), m.congestionEvents(),
                latencies[count / 2] / 1e9, latencies[count - 1] / 1e9);
        synchronized (ROWS) {
            ROWS.add(row);
        }
        reporter.publishEntry("loss-recovery", row + " seed " + seed);
    }

    @AfterAll
    static void reportTheTable(TestReporter reporter) {
        StringBuilder table = new StringBuilder("\n| link        | delay | messages         | virtual    | msg/s   "
                + "| dgrams | retx   | spur. | PTOs  | cwnd- | p50 lat.  | max lat.  |\n");
        synchronized (ROWS) {
            ROWS.forEach(r -> table.append(r).append('\n'));
        }
        reporter.publishEntry("loss-recovery-table", table.toString());
        // Surefire keeps no report entries: the table also goes to the test's standard output,
        // which it saves next to the report (target/surefire-reports/*-output.txt).
        System.out.print(table);
    }

    /**
     * The defaults, but with the delivery deadline and retry limit out of reach: the probe
     * measures how fast loss is recovered, and a regression should show as figures (the slowest
     * message against the default 30 s deadline) rather than end the run.
     * {@code ReliabilityScenariosTest} holds the defaults to delivery.
     */
    private static EngineConfig config() {
        return EngineConfig.builder().deliveryDeadline(Duration.ofMinutes(30)).maxTransmissions(1_000).build();
    }
}
