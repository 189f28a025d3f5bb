package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/** Duration options, HOST:PORT and addresses as the command reads and prints them. */
class ArgumentTypesTest {

    @Test
    void shouldReadEveryDurationOptionOfEveryCommandInTheOneGrammar() {
        CommandLine root = UdpkitCommand.newCommandLine(InputStream.nullInputStream(), false,
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<String> checked = new ArrayList<>();
        walk(root, cl -> {
            for (OptionSpec option : cl.getCommandSpec().options()) {
                if (option.type() != Duration.class) {
                    continue;
                }
                String name = cl.getCommandSpec().qualifiedName() + " " + option.longestName();
                checked.add(name);
                ITypeConverter<?>[] converters = option.converters();
                assertEquals(1, converters.length, name);
                for (String[] pair : new String[][] {{"250ms", "PT0.25S"}, {"2s", "PT2S"}, {"1.5s", "PT1.5S"},
                        {"1m", "PT1M"}, {"PT2S", "PT2S"}, {"1H", "PT1H"}}) {
                    assertEquals(Duration.parse(pair[1]), convert(converters[0], pair[0]), name + " " + pair[0]);
                }
                for (String bad : List.of("2 s", "2x", "-1s", "2d")) {
                    Exception e = assertThrows(TypeConversionException.class, () -> converters[0].convert(bad), name);
                    assertTrue(e.getMessage().contains("'" + bad + "'"), name + ": " + e.getMessage());
                }
            }
        });
        for (String expected : List.of("udpkit send --timeout", "udpkit chat --wait", "udpkit chat-server --idle-timeout",
                "udpkit echo-server --idle-timeout", "udpkit bench --duration", "udpkit bench --warmup")) {
            assertTrue(checked.contains(expected), () -> expected + " not among " + checked);
        }
    }

    private static Object convert(ITypeConverter<?> converter, String text) {
        try {
            return converter.convert(text);
        } catch (Exception e) {
            throw new AssertionError(text + ": " + e.getMessage(), e);
        }
    }

    private static void walk(CommandLine cl, Consumer<CommandLine> visit) {
        visit.accept(cl);
        cl.getSubcommands().values().forEach(sub -> walk(sub, visit));
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
