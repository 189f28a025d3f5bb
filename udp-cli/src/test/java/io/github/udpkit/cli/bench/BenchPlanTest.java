package io.github.udpkit.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.core.protocol.EngineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPlanTest {

    @Test
    void shouldAddTheBaselinesOfTheChosenScenariosInCatalogueOrder() {
        List<String> ids = BenchPlan.quick().filter("TCP.RTT").filter("udpkit-raw.throughput.1200").build()
                .select(Scenarios.standard()).stream().map(Scenario::id).toList();
        assertEquals(List.of("baseline.throughput.1200", "udpkit-raw.throughput.1200", "baseline.rtt-blocking.64",
                "baseline.rtt-busy-spin.64", "tcp.rtt-blocking.64", "tcp.rtt-busy-spin.64"), ids);
    }

    @Test
    void shouldRunTheReferenceRowOfAChosenRowWithIt() {
        List<String> ids = BenchPlan.quick().filter("aead").build()
                .select(Scenarios.standard()).stream().map(Scenario::id).toList();
        assertEquals(List.of("baseline.throughput.64", "udpkit-reliable.throughput.64", "udpkit-reliable-aead.throughput.64",
                "baseline.throughput.1200", "udpkit-reliable.throughput.1200", "udpkit-reliable-aead.throughput.1200"), ids);
    }

    @Test
    void shouldFindEveryNamedReferenceRightAfterItsPlainRow() {
        List<Scenario> all = Scenarios.standard();
        List<Scenario> referring = all.stream().filter(s -> s.referenceKey().isPresent()).toList();
        assertEquals(2, referring.size(), "the encrypted RELIABLE rows: " + referring);
        for (Scenario s : referring) {
            int at = all.indexOf(s);
            assertTrue(all.get(at - 1).isReferenceFor(s), () -> s + " follows its reference, not " + all.get(at - 1));
            assertEquals(1, all.stream().filter(r -> r.isReferenceFor(s)).count(), s::toString);
            assertEquals(all.get(at - 1).id(), s.referenceId().orElseThrow());
            assertEquals("udpkit RELIABLE, AES-GCM", s.mode());
            assertTrue(s.isLossless(), "RELIABLE drains until every message arrived");
        }
        assertMessage("a row cannot be its own reference: udpkit-raw",
                () -> all.stream().filter(s -> s.key().equals("udpkit-raw")).findFirst().orElseThrow()
                        .withReference("udpkit-raw"));
    }

    @Test
    void shouldSelectEverythingWithoutFilters() {
        assertEquals(Scenarios.standard().size(), BenchPlan.full().build().select(Scenarios.standard()).size());
    }

    @Test
    void shouldGiveEveryStandardScenarioAUniqueIdAndABaseline() {
        List<Scenario> all = Scenarios.standard();
        assertEquals(all.size(), all.stream().map(Scenario::id).distinct().count(), all::toString);
        for (Scenario s : all) {
            assertEquals(1, all.stream().filter(b -> b.isBaselineFor(s)).count(), () -> s + " needs one baseline");
        }
    }

    @Test
    void shouldOfferUdpkitRoundTripsEventDrivenAndThroughReceiveInBothWaitModes() {
        List<Scenario> all = Scenarios.standard();
        for (String key : List.of("udpkit-raw", "udpkit-reliable", "udpkit-raw-receive", "udpkit-reliable-receive")) {
            for (String wait : List.of("blocking", "busy-spin")) {
                String id = key + ".rtt-" + wait + ".64";
                Scenario s = all.stream().filter(x -> x.id().equals(id)).findFirst()
                        .orElseThrow(() -> new AssertionError("no " + id + " in " + all));
                assertEquals(key.endsWith("-receive"), s.mode().endsWith(", receive()"), s::mode);
            }
        }
    }

    @Test
    void shouldStateTheDatagramSizeOfEveryFramedRowAndFitA1200ByteMessageWhole() {
        assertEquals(EngineConfig.defaults().toString(), Scenarios.engineConfig(64).toString(), "64-byte rows run on the defaults");
        assertEquals(1_472, Scenarios.engineConfig(1_200).maxDatagramSize());
        for (Scenario s : Scenarios.standard()) {
            boolean framed = s.key().startsWith("udpkit-") && !s.key().startsWith("udpkit-raw");
            assertEquals(framed, s.maxDatagramBytes().isPresent(), s::toString);
            if (framed) {
                assertEquals(s.payloadBytes() == 1_200 ? 1_472 : 1_200, s.maxDatagramBytes().getAsInt(), s::toString);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Scenarios.standard().get(0).withMaxDatagramBytes(0));
    }

    @Test
    void shouldTallyRoundsOfBlockingPingsAndNumberThemOnFromTheFirst() throws Exception {
        List<Long> pinged = new ArrayList<>();
        RoundTrip everyThirdLost = new RoundTrip() {
            @Override
            public boolean ping(long sequence) {
                pinged.add(sequence);
                return sequence % 3 != 0;
            }

            @Override
            public void close() {
            }
        };
        long[] samples = new long[5];
        RoundTrip.Tally full = everyThirdLost.pingUntil(10, Long.MAX_VALUE, samples);
        assertEquals(new RoundTrip.Tally(5, 2), full, "stops when the samples are full");
        assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L), pinged);
        assertEquals(7, full.pings());
        assertTrue(Arrays.stream(samples).allMatch(t -> t >= 0));

        pinged.clear();
        RoundTrip.Tally late = everyThirdLost.pingUntil(20, System.nanoTime() - 1, samples);
        assertEquals(new RoundTrip.Tally(1, 0), late, "a passed deadline still measures the ping under way");
        assertEquals(List.of(20L), pinged);
        assertMessage("counts must not be negative: samples -1, lost 0", () -> new RoundTrip.Tally(-1, 0));
    }

    @Test
    void shouldRejectBadSettingsNamingTheValue() {
        assertMessage("rounds must be in 1..100: 101", () -> BenchPlan.full().rounds(101));
        assertMessage("round duration must be in 10..600000 ms: 5 ms", () -> BenchPlan.full().round(Duration.ofMillis(5)));
        assertMessage("warmup must be in 0..600000 ms: -1 ms", () -> BenchPlan.full().warmup(Duration.ofMillis(-1)));
        assertMessage("a scenario filter must not be blank: ' '", () -> BenchPlan.full().filter(" "));
    }

    @Test
    void shouldTakeTheMedianAndRangeOfRounds() {
        assertEquals(new Spread(2, 1, 9), Spread.of(9, 1, 2));
        assertEquals(new Spread(2.5, 1, 9), Spread.of(9, 1, 2, 3));
        assertEquals(new Spread(4, 4, 4), Spread.of(4));
    }

    @Test
    void shouldReadDurations() {
        DurationConverter c = new DurationConverter();
        assertEquals(Duration.ofMillis(250), c.convert("250ms"));
        assertEquals(Duration.ofSeconds(2), c.convert("2s"));
        assertEquals(Duration.ofMinutes(1), c.convert("1M"));
        assertEquals(Duration.ofMillis(1500), c.convert("PT1.5S"));
    }

    private static void assertMessage(String expected, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
