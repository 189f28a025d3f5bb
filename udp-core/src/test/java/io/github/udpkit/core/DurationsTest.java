package io.github.udpkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one duration grammar: what the udpkit command and the benchmark harness accept, and how they print it. */
class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "2s, PT2S",
        "500ms, PT0.5S",
        "1m, PT1M",
        "1h, PT1H",
        "PT2S, PT2S",
        "pt0.25s, PT0.25S",
        "' 3S ', PT3S",
        "P1D, PT24H",
        "1.5s, PT1.5S",
        "0.5m, PT30S",
    })
    void shouldParseDurations(String text, String iso) {
        assertEquals(Duration.parse(iso), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2", "s", "2 s", "2x", "-1s", "1.5.2s", ".5s", "2d", "PTxS", "two seconds"})
    void shouldRejectWhatIsNotADuration(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("500ms, 2s, 1.5s, 1m, 1h or ISO-8601 PT2S"), "says what would do: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "0ms", "PT0S", "-PT1S"})
    void shouldRejectDurationsThatAreNotPositive(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("must be positive"), e.getMessage());
    }

    @Test
    void shouldRejectDurationsOverADay() {
        assertEquals(Duration.ofDays(1), Durations.parse("24h"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1441m"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("999999999h"), "no overflow");
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("PT9999999999H"));
    }

    @ParameterizedTest
    @CsvSource({"PT0.2S, 200ms", "PT2S, 2s", "PT1.5S, 1.5s", "PT5M, 5m", "PT1.25S, 1.25s"})
    void shouldFormatDurationsAsTheyAreWritten(String iso, String expected) {
        assertEquals(expected, Durations.format(Duration.parse(iso)));
    }

    @ParameterizedTest
    @CsvSource({"250ms, PT0.25S", "2s, PT2S", "1.5s, PT1.5S", "1m, PT1M", "1M, PT1M", "PT1.5S, PT1.5S", "0s, PT0S",
        "0ms, PT0S", "PT0S, PT0S"})
    void shouldAllowZeroWhereZeroMeansNone(String text, String iso) {
        assertEquals(Duration.parse(iso), Durations.parseAllowingZero(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1s", "-PT1S", "2 s", "25h", "1.5.2s"})
    void shouldRejectNegativeMalformedAndOverlongDurationsEvenWhereZeroIsAllowed(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Durations.parseAllowingZero(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"250ms", "2s", "1.5s", "1m", "1h", "1.25s", "24h"})
    void shouldReadBackWhatItFormats(String text) {
        Duration d = Durations.parse(text);
        assertEquals(d, Durations.parse(Durations.format(d)));
    }
}
