package io.github.udpkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.benchkit.BenchPlan;
import io.github.udpkit.benchkit.BenchRunner;
import io.github.udpkit.benchkit.Result;
import io.github.udpkit.benchkit.Scenario;
import io.github.udpkit.benchkit.Scenarios;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The peers run with tiny rounds and measure something; how much is never asserted. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompareTest {

    private static final BenchPlan TINY = BenchPlan.quick()
            .warmup(Duration.ofMillis(50)).round(Duration.ofMillis(100)).rounds(2)
            .filter("aeron").filter("netty").filter("loss").build();

    @Test
    void shouldMeasureEveryPeerAgainstABaselineOfTheSameRun() {
        List<Scenario> chosen = TINY.select(Compare.catalogue());
        List<Result> results = new BenchRunner(TINY, line -> { }).run(chosen);

        long peers = results.stream().filter(r -> !r.scenario().isBaseline()).count();
        // Aeron twice, Netty and RELIABLE under loss at 64 and 1200 B, and Aeron's round trip
        assertEquals(9, peers, results::toString);
        for (Result r : results) {
            assertNull(r.failure(), () -> r.scenario() + " failed: " + r.failure());
            assertTrue(r.messagesPerSecond().median() > 0, r::toString);
            assertTrue(r.ratioToBaseline() != null && r.ratioToBaseline() > 0, r::toString);
            String expected = switch (r.scenario().key()) {
                case "aeron", "aeron-mtu" -> "aeron";
                case "netty-nio" -> "netty-nio";
                default -> "jdk";
            };
            assertEquals(expected, r.transport(), r::toString);
        }
        Result raised = results.stream().filter(r -> r.scenario().key().equals("aeron-mtu")).findFirst().orElseThrow();
        assertEquals("Aeron, SHARED driver, mtu 65504", raised.scenario().mode());
        assertEquals(65504, raised.scenario().maxDatagramBytes().getAsInt());
        assertTrue(raised.ratioToReference() != null, "compared with Aeron on its defaults: " + raised);
    }

    @Test
    void shouldSayHowEveryPeerWaits() {
        List<Scenario> all = Compare.catalogue();
        for (Scenario s : all) {
            Scenario.Wait expected = switch (s.key()) {
                case "aeron", "aeron-mtu" -> Scenario.Wait.BUSY_SPIN;
                case "netty-nio" -> Scenario.Wait.BLOCKING;
                case "udpkit-reliable-loss10" -> Scenario.Wait.ADAPTIVE;
                default -> s.waitMode();
            };
            assertEquals(expected, s.waitMode(), s::toString);
        }
        assertEquals(1, all.stream().filter(s -> s.key().equals("aeron") && s.kind() == Scenario.Kind.ROUND_TRIP
                && all.stream().anyMatch(b -> b.isBaselineFor(s) && b.waitMode() == Scenario.Wait.BUSY_SPIN)).count(),
                "Aeron's round trip is compared with the busy-spin baseline");
        assertTrue(Compare.notes().stream().anyMatch(n -> n.startsWith("Aeron") && n.contains("park")),
                Compare.notes()::toString);
        assertTrue(Compare.notes().containsAll(Scenarios.notes()));
    }

    @Test
    void shouldRoundAnAeronMtuDownToItsFrameAlignment() {
        assertEquals(65504, AeronScenarios.mtuFor(65507), "udpkit's largest datagram, Aeron's largest MTU");
        assertEquals(1472, AeronScenarios.mtuFor(1472), "already a multiple of 32");
        assertEquals(1440, AeronScenarios.mtuFor(1471));
        assertEquals(8960, AeronScenarios.mtuFor(8972));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AeronScenarios.mtuFor(31));
        assertTrue(e.getMessage().contains("31"), e.getMessage());
    }

    @Test
    void shouldListThePeersWithTheStandardScenarios() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Compare());
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("--list"));
        for (String id : List.of("baseline.throughput.64", "udpkit-raw.throughput.1200", "aeron.throughput.64",
                "netty-nio.throughput.1200", "aeron.rtt-busy-spin.64", "tcp.rtt-blocking.64",
                "udpkit-reliable-loss10.throughput.1200", "udpkit-reliable.throughput.64", "aeron-mtu.throughput.64",
                "udpkit-reliable-pmtu.throughput.1200")) {
            assertTrue(out.toString().contains(id), () -> id + " missing from " + out);
        }
    }
}
