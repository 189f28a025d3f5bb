package io.github.udpkit.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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
