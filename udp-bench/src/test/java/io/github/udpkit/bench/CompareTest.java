package io.github.udpkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
        // Aeron, Netty and RELIABLE under loss at 64 and 1200 B, and Aeron's round trip
        assertEquals(7, peers, results::toString);
        for (Result r : results) {
            assertNull(r.failure(), () -> r.scenario() + " failed: " + r.failure());
            assertTrue(r.messagesPerSecond().median() > 0, r::toString);
            assertTrue(r.ratioToBaseline() != null && r.ratioToBaseline() > 0, r::toString);
        }
    }

    @Test
    void shouldSayHowEveryPeerWaits() {
        List<Scenario> all = Compare.catalogue();
        for (Scenario s : all) {
            Scenario.Wait expected = switch (s.key()) {
                case "aeron" -> Scenario.Wait.BUSY_SPIN;
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
    void shouldListThePeersWithTheStandardScenarios() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Compare());
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("--list"));
        for (String id : List.of("baseline.throughput.64", "udpkit-raw.throughput.1200", "aeron.throughput.64",
                "netty-nio.throughput.1200", "aeron.rtt-busy-spin.64", "tcp.rtt-blocking.64",
                "udpkit-reliable-loss10.throughput.1200", "udpkit-reliable.throughput.64")) {
            assertTrue(out.toString().contains(id), () -> id + " missing from " + out);
        }
    }
}
