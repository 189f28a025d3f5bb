package io.github.udpkit.benchkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.EngineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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
    void shouldRunThePureBlockingRawRowWithTheDefaultRawRowItIsComparedWith() {
        List<String> ids = BenchPlan.quick().filter("udpkit-raw-blocking").build()
                .select(Scenarios.standard()).stream().map(Scenario::id).toList();
        assertEquals(List.of("baseline.throughput.64", "udpkit-raw.throughput.64", "udpkit-raw-blocking.throughput.64",
                "baseline.throughput.1200", "udpkit-raw.throughput.1200", "udpkit-raw-blocking.throughput.1200"), ids);
    }

    @Test
    void shouldFindEveryNamedReferenceRightAfterItsPlainRow() {
        List<Scenario> all = Scenarios.standard();
        List<Scenario> referring = all.stream().filter(s -> s.referenceKey().isPresent()).toList();
        assertEquals(15, referring.size(), "the AES-GCM, DTLS and path MTU RELIABLE rows, the pure-blocking RAW "
                + "rows, the RAW and RELIABLE batch rows, the RAW batch rows to a plain receiver and the signed chat "
                + "row: " + referring);
        for (Scenario s : referring) {
            int at = all.indexOf(s);
            // Right after its reference, or after other rows compared with the same reference.
            int back = at - 1;
            while (!all.get(back).isReferenceFor(s) && all.get(back).referenceId().equals(s.referenceId())) {
                back--;
            }
            Scenario before = all.get(back);
            assertTrue(before.isReferenceFor(s), () -> s + " follows its reference, not " + before);
            assertEquals(1, all.stream().filter(r -> r.isReferenceFor(s)).count(), s::toString);
            assertEquals(before.id(), s.referenceId().orElseThrow());
            if (s.key().equals("udpkit-chat-fanout-signed")) {
                assertEquals("udpkit chat, fan-out to 1000, signed", s.mode());
                assertEquals(before.waitMode(), s.waitMode(), "signatures are the only difference");
                assertTrue(s.isLossless(), "every member counts every message after the drain");
            } else if (s.key().equals("udpkit-raw-blocking")) {
                assertEquals("udpkit RAW, idleSpin(0)", s.mode());
                assertEquals(Scenario.Wait.BLOCKING, s.waitMode());
                assertEquals(Scenario.Wait.ADAPTIVE, before.waitMode(), "compared with RAW on the default wait");
            } else if (s.key().equals("udpkit-raw-batch-plain")) {
                assertEquals("udpkit RAW, batch to DatagramChannel", s.mode());
                assertEquals("udpkit RAW, batch", before.mode(), "compared with the batch row to a udpkit receiver");
                assertEquals(before.waitMode(), s.waitMode(), "the receiver is the only difference");
                assertEquals(before.isLossless(), s.isLossless());
            } else if (s.key().endsWith("-batch")) {
                assertEquals(before.mode() + ", batch", s.mode());
                assertEquals(before.waitMode(), s.waitMode(), "sending in batches is the only difference");
                assertEquals(before.isLossless(), s.isLossless());
            } else {
                assertTrue(s.mode().equals("udpkit RELIABLE, AES-GCM") || s.mode().equals("udpkit RELIABLE, DTLS")
                        || s.mode().equals("udpkit RELIABLE, path MTU"), s.mode());
                assertEquals(before.waitMode(), s.waitMode(), "security or datagram size is the only difference");
                assertTrue(s.isLossless(), "RELIABLE drains until every message arrived");
            }
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
    void shouldOfferUdpkitRoundTripsEventDrivenAndThroughReceiveInEveryWaitMode() {
        List<Scenario> all = Scenarios.standard();
        for (String key : List.of("udpkit-raw", "udpkit-reliable", "udpkit-raw-receive", "udpkit-reliable-receive")) {
            for (String wait : List.of("blocking", "adaptive", "busy-spin")) {
                String id = key + ".rtt-" + wait + ".64";
                Scenario s = all.stream().filter(x -> x.id().equals(id)).findFirst()
                        .orElseThrow(() -> new AssertionError("no " + id + " in " + all));
                assertEquals(key.endsWith("-receive"), s.mode().endsWith(", receive()"), s::mode);
            }
        }
    }

    @Test
    void shouldCompareAnAdaptiveRoundTripWithTheBlockingBaseline() {
        List<Scenario> all = Scenarios.standard();
        Scenario blocking = find(all, "baseline.rtt-blocking.64");
        Scenario busy = find(all, "baseline.rtt-busy-spin.64");
        List<Scenario> adaptive = all.stream()
                .filter(s -> s.kind() == Scenario.Kind.ROUND_TRIP && s.waitMode() == Scenario.Wait.ADAPTIVE).toList();
        assertEquals(4, adaptive.size(), adaptive::toString);
        for (Scenario s : adaptive) {
            assertTrue(s.key().startsWith("udpkit-"), () -> "only udpkit waits adaptively: " + s);
            assertTrue(blocking.isBaselineFor(s), () -> s + " is compared with the blocking baseline");
            assertFalse(busy.isBaselineFor(s), s::toString);
        }
        assertTrue(busy.isBaselineFor(find(all, "udpkit-raw.rtt-busy-spin.64")));
        assertTrue(blocking.isBaselineFor(find(all, "udpkit-raw.rtt-blocking.64")));
        assertFalse(blocking.isBaselineFor(find(all, "udpkit-raw.rtt-busy-spin.64")));
        assertTrue(all.stream().filter(Scenario::isBaseline).noneMatch(b -> b.waitMode() == Scenario.Wait.ADAPTIVE),
                "no baseline polls adaptively");
        assertEquals(Scenario.Wait.BLOCKING, Scenario.Wait.ADAPTIVE.baselineWait());
        assertEquals(Scenario.Wait.BLOCKING, Scenario.Wait.BLOCKING.baselineWait());
        assertEquals(Scenario.Wait.BUSY_SPIN, Scenario.Wait.BUSY_SPIN.baselineWait());
    }

    @Test
    void shouldCompareThroughputWithTheBaselineWhateverTheWait() {
        List<Scenario> all = Scenarios.standard();
        Scenario baseline = find(all, "baseline.throughput.64");
        for (String id : List.of("udpkit-raw.throughput.64", "udpkit-raw-blocking.throughput.64",
                "udpkit-chat-fanout.throughput.64", "tcp.throughput.64")) {
            assertTrue(baseline.isBaselineFor(find(all, id)), id);
        }
        assertFalse(baseline.isBaselineFor(find(all, "udpkit-raw.throughput.1200")), "another size");
    }

    @Test
    void shouldLabelUdpkitThroughputRowsAdaptiveAndAddAPureBlockingRawRowAfterEachRawRow() {
        List<Scenario> all = Scenarios.standard();
        for (Scenario s : all) {
            if (s.kind() == Scenario.Kind.THROUGHPUT && s.key().startsWith("udpkit-")) {
                Scenario.Wait expected = s.key().equals("udpkit-raw-blocking") ? Scenario.Wait.BLOCKING
                        : Scenario.Wait.ADAPTIVE;
                assertEquals(expected, s.waitMode(), s::toString);
            }
        }
        assertEquals(Scenario.Wait.ADAPTIVE, find(all, "udpkit-chat-fanout.throughput.64").waitMode(),
                "the chat server and clients run on their default transports");
        for (int payload : Scenarios.THROUGHPUT_PAYLOADS) {
            Scenario raw = find(all, "udpkit-raw.throughput." + payload);
            Scenario blocking = find(all, "udpkit-raw-blocking.throughput." + payload);
            assertEquals(all.indexOf(raw) + 1, all.indexOf(blocking), "right after the RAW row");
            assertEquals(payload, blocking.payloadBytes());
            assertFalse(blocking.isLossless(), "RAW may lose");
        }
        assertEquals("udpkit RAW, busySpin()", UdpkitScenarios.throughput(DeliveryMode.RAW, 64,
                UdpkitScenarios.Protection.PLAIN, Scenario.Wait.BUSY_SPIN).mode());
        assertEquals("udpkit-raw-busy-spin.throughput.64", UdpkitScenarios.throughput(
                DeliveryMode.RAW, 64, UdpkitScenarios.Protection.PLAIN, Scenario.Wait.BUSY_SPIN)
                .id());
        assertEquals(List.of("blocking", "adaptive", "busy-spin"),
                Arrays.stream(Scenario.Wait.values()).map(Scenario.Wait::label).toList());
    }

    @Test
    void shouldRefuseAnAdaptiveWaitWhereThereIsNoSuchWait() {
        assertMessage("the baseline's round trips block or busy-spin, not adaptive",
                () -> DatagramChannelScenarios.roundTrip(Scenario.Wait.ADAPTIVE, 64));
        assertMessage("TCP round trips block or busy-spin, not adaptive",
                () -> TcpScenarios.roundTrip(Scenario.Wait.ADAPTIVE, 64));
        Scenario adaptive = Scenario.roundTrip("x", "X", Scenario.Wait.ADAPTIVE, 64, () -> {
            throw new IllegalStateException("never opened");
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, adaptive::asBaseline);
        assertEquals("a round-trip baseline waits blocking or busy-spin, not adaptive: x.rtt-adaptive.64", e.getMessage());
        assertTrue(Scenario.throughput("y", "Y", Scenario.Wait.ADAPTIVE, 64, c -> {
            throw new IllegalStateException("never opened");
        }).asBaseline().isBaseline(), "a throughput baseline may wait any way: throughput compares across waits");
    }

    private static Scenario find(List<Scenario> all, String id) {
        return all.stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + id + " in " + all));
    }

    @Test
    void shouldStateTheDatagramSizeOfEveryFramedRowAndFitA1200ByteMessageWhole() {
        assertEquals(EngineConfig.defaults().toString(), Scenarios.engineConfig(64).toString(), "64-byte rows run on the defaults");
        assertEquals(1_472, Scenarios.engineConfig(1_200).maxDatagramSize());
        for (Scenario s : Scenarios.standard()) {
            boolean framed = s.key().startsWith("udpkit-") && !s.key().startsWith("udpkit-raw");
            assertEquals(framed, s.maxDatagramBytes().isPresent(), s::toString);
            if (s.key().endsWith("-pmtu")) {
                assertEquals(Scenarios.PATH_MTU_CEILING, s.maxDatagramBytes().getAsInt(), "the search's ceiling: " + s);
            } else if (framed) {
                assertEquals(s.payloadBytes() == 1_200 ? 1_472 : 1_200, s.maxDatagramBytes().getAsInt(), s::toString);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Scenarios.standard().get(0).withMaxDatagramBytes(0));
    }

    @Test
    void shouldRunThePathMtuRowsWithDiscoveryOnUpToTheLargestUdpPayload() {
        EngineConfig config = Scenarios.pathMtuConfig();
        assertTrue(config.pathMtuDiscovery());
        assertEquals(65_507, config.maxDatagramSize());
        List<String> ids = BenchPlan.quick().filter("udpkit-reliable-pmtu").build()
                .select(Scenarios.standard()).stream().map(Scenario::id).toList();
        assertEquals(List.of("baseline.throughput.64", "udpkit-reliable.throughput.64", "udpkit-reliable-pmtu.throughput.64",
                "baseline.throughput.1200", "udpkit-reliable.throughput.1200", "udpkit-reliable-pmtu.throughput.1200"), ids,
                "each path MTU row runs with the plain RELIABLE row it is compared with");
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
        assertEquals(Duration.ofMillis(1500), c.convert("1.5s"), "the grammar of every udpkit command");
        assertEquals(Duration.ZERO, c.convert("0s"), "--warmup 0s: no warm-up");
        CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class,
                () -> c.convert("2 s"));
        assertTrue(e.getMessage().contains("'2 s'"), e.getMessage());
    }

    private static void assertMessage(String expected, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
