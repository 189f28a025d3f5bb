package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** Durations, HOST:PORT and addresses as the command reads and prints them. */
class ArgumentTypesTest {

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
        assertTrue(e.getMessage().contains("500ms, 2s, 1m"), "says what would do: " + e.getMessage());
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
    @CsvSource({
        "localhost:12000, localhost, 12000",
        "127.0.0.1:1, 127.0.0.1, 1",
        "[::1]:12000, ::1, 12000",
        "example.invalid:65535, example.invalid, 65535",
    })
    void shouldParseHostAndPort(String text, String host, int port) {
        HostPort hp = HostPort.parse(text);
        assertEquals(new HostPort(host, port), hp);
        assertEquals(text, hp.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "localhost|has no port",
        "::1:12000|in brackets",
        ":12000|has no host",
        "localhost:0|port must be in 1..65535: 0",
        "localhost:65536|localhost:65536",
        "localhost:x|localhost:x",
        "[::1|[::1",
    })
    void shouldRejectBadHostAndPort(String text, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void shouldFormatAddressesWithoutTheJdkPrefix() throws Exception {
        assertEquals("127.0.0.1:53211", Addresses.format(new InetSocketAddress("127.0.0.1", 53211)));
        assertEquals("[::1]:12000", Addresses.format(new InetSocketAddress(InetAddress.getByName("::1"), 12000)));
        assertEquals("0.0.0.0:0", Addresses.format(new InetSocketAddress(0)));
        assertEquals("[::]:7", Addresses.format(new InetSocketAddress("::", 7)));
    }

    @Test
    void shouldResolveLiteralsAndNameTheUnknownHost() {
        assertEquals(new InetSocketAddress("127.0.0.1", 9), new HostPort("127.0.0.1", 9).resolve());
        CliException e = assertThrows(CliException.class, () -> new HostPort("nosuch.invalid", 9).resolve());
        assertEquals("unknown host: nosuch.invalid", e.getMessage());
    }

    @Test
    void shouldCountVerboseFlagsUpToTheEndOfOptions() {
        assertEquals(0, Verbosity.count(new String[] {"send", "h:1", "hi"}));
        assertEquals(1, Verbosity.count(new String[] {"-v", "send"}));
        assertEquals(3, Verbosity.count(new String[] {"listen", "-vv", "--verbose", "--", "-v"}));
        assertEquals("warn", Verbosity.level(0));
        assertEquals("debug", Verbosity.level(1));
        assertEquals("trace", Verbosity.level(2));
    }

    @ParameterizedTest
    @CsvSource({"0.2, 0.2", "20%, 0.2", "0, 0", "1, 1", "100%, 1", "' 5 % ', 0.05", "0.125, 0.125", "12.5%, 0.125"})
    void shouldReadProbabilities(String text, double expected) {
        assertEquals(expected, new Converters.ProbabilityConverter().convert(text), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-0.1", "1.01", "101%", "x", "%", "", "0.2.1"})
    void shouldRejectWhatIsNotAProbability(String text) {
        assertThrows(TypeConversionException.class,
                () -> new Converters.ProbabilityConverter().convert(text));
    }

    @ParameterizedTest
    @CsvSource({"raw, RAW", "unreliable, UNRELIABLE", "sequenced, SEQUENCED", "reliable-unordered, RELIABLE_UNORDERED",
        "reliable, RELIABLE", "Reliable_Unordered, RELIABLE_UNORDERED", "' RELIABLE ', RELIABLE"})
    void shouldReadDeliveryModes(String text, DeliveryMode expected) {
        assertEquals(expected, new Converters.ModeConverter().convert(text));
        assertEquals(expected, new Converters.ModeConverter().convert(Converters.ModeConverter.name(expected)));
    }

    @Test
    void shouldNameEveryModeInTheMessageOfABadOne() {
        TypeConversionException e = assertThrows(TypeConversionException.class,
                () -> new Converters.ModeConverter().convert("fast"));
        assertEquals("'fast' is not a delivery mode: use one of raw, unreliable, sequenced, reliable-unordered, reliable",
                e.getMessage());
    }
}
