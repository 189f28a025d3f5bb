package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Arguments, help, version and errors of every command, run in-process as {@code Main} runs them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CommandLineTest {

    private static final String VERSION_LINE = "udpkit \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?";

    @Test
    void shouldPrintHelpForTheRootCommand() {
        Cli.Result r = Cli.run("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("Usage: udpkit "), r.out());
        for (String command : new String[] {"echo-server", "send", "listen", "client", "demo", "keygen"}) {
            assertTrue(r.out().contains("  " + command + " "), () -> command + " listed in: " + r.out());
        }
        assertEquals("", r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo-server", "send", "listen", "client", "demo", "keygen"})
    void shouldPrintHelpForEveryCommand(String command) {
        for (String flag : new String[] {"--help", "-h"}) {
            Cli.Result r = Cli.run(command, flag);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith("Usage: udpkit " + command), r.out());
            assertTrue(r.out().contains("--verbose"), "-v is on every command: " + r.out());
            assertEquals("", r.err());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "echo-server", "send", "listen", "client", "demo", "keygen"})
    void shouldPrintTheVersionOnEveryCommand(String command) {
        for (String flag : new String[] {"--version", "-V"}) {
            Cli.Result r = command.isEmpty() ? Cli.run(flag) : Cli.run(command, flag);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.outLines().get(0).matches(VERSION_LINE), r.out());
            assertTrue(r.outLines().get(1).startsWith("Java "), r.out());
        }
    }

    @Test
    void shouldTakeTheVersionFromTheBuild() {
        assertTrue(VersionProvider.version().matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), VersionProvider.version());
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of(new String[] {}, "missing command"),
                Arguments.of(new String[] {"bogus"}, "'bogus'"),
                Arguments.of(new String[] {"send"}, "HOST:PORT"),
                Arguments.of(new String[] {"send", "localhost", "hi"}, "'localhost' has no port"),
                Arguments.of(new String[] {"send", "localhost:0", "hi"}, "port must be in 1..65535: 0"),
                Arguments.of(new String[] {"send", "localhost:70000", "hi"}, "localhost:70000"),
                Arguments.of(new String[] {"send", ":12000", "hi"}, "has no host"),
                Arguments.of(new String[] {"send", "::1:12000", "hi"}, "[::1]:12000"),
                Arguments.of(new String[] {"send", "localhost:1", "-r", "xx", "hi"}, "'xx' is not a duration"),
                Arguments.of(new String[] {"send", "localhost:1", "-r", "0s", "hi"}, "must be positive"),
                Arguments.of(new String[] {"send", "localhost:1", "--reply-timeout=-PT1S", "hi"}, "must be positive"),
                Arguments.of(new String[] {"client", "localhost:1", "-r", "2d"}, "'2d' is not a duration"),
                Arguments.of(new String[] {"client", "localhost:1", "-r", "25h"}, "at most 1 day"),
                Arguments.of(new String[] {"listen", "--port", "-1"}, "port must be in 0..65535: -1"),
                Arguments.of(new String[] {"listen", "--port", "http"}, "'http' is not a port number"),
                Arguments.of(new String[] {"listen", "--count", "0"}, "must be at least 1: 0"),
                Arguments.of(new String[] {"echo-server", "--max-connections", "0"}, "must be at least 1: 0"),
                Arguments.of(new String[] {"echo-server", "--port", "65536"}, "port must be in 0..65535: 65536"),
                Arguments.of(new String[] {"echo-server", "--nope"}, "'--nope'"),
                Arguments.of(new String[] {"demo", "extra"}, "'extra'"),
                Arguments.of(new String[] {"keygen", "extra"}, "'extra'"),
                Arguments.of(new String[] {"send", "--mode", "fast", "localhost:1", "hi"},
                        "'fast' is not a delivery mode: use one of raw, unreliable"),
                Arguments.of(new String[] {"listen", "--mode", "raw", "--reliable"}, "--reliable contradicts --mode raw"),
                Arguments.of(new String[] {"send", "--loss", "1", "localhost:1", "hi"}, "--loss must be below 1"),
                Arguments.of(new String[] {"send", "--loss", "150%", "localhost:1", "hi"},
                        "probability must be in 0..1 (0%..100%): 150%"),
                Arguments.of(new String[] {"client", "--duplicate", "lots", "localhost:1"}, "'lots' is not a probability"),
                Arguments.of(new String[] {"listen", "--seed", "7"}, "--seed 7 seeds the impairments"),
                Arguments.of(new String[] {"listen", "--transport", "epoll"}, "--transport must be auto or jdk: epoll"),
                Arguments.of(new String[] {"listen", "--seed", "x", "--loss", "0.1"}, "'x'"),
                Arguments.of(new String[] {"echo-server", "--delay", "2h", "--port", "0"}, "--delay must be at most 60m"),
                Arguments.of(new String[] {"send", "--timeout", "0s", "localhost:1", "hi"}, "must be positive"),
                Arguments.of(new String[] {"echo-server", "--tcp", "--reliable"}, "--reliable applies to UDP, not to --tcp"),
                Arguments.of(new String[] {"client", "--tcp", "--loss", "0.1", "localhost:1"},
                        "--loss applies to UDP, not to --tcp"),
                Arguments.of(new String[] {"listen", "--deny", "10.0.0.1/8"}, "invalid CIDR range '10.0.0.1/8'"));
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void shouldRejectBadArgumentsWithOneLineAndExitCode2(String[] args, String fragment) {
        Cli.Result r = Cli.run(args);
        r.assertUsageError(fragment);
        assertTrue(r.err().contains("--help')"), "points to the help: " + r.err());
        assertEquals("", r.out());
    }

    @Test
    void shouldReportAnUnknownHostInOneLine() {
        Cli.run("send", "nosuch.invalid:12000", "hi").assertUsageError("unknown host: nosuch.invalid");
        Cli.run("client", "nosuch.invalid:12000").assertUsageError("unknown host: nosuch.invalid");
        Cli.run("client", "--tcp", "nosuch.invalid:12000").assertUsageError("unknown host: nosuch.invalid");
        Cli.run("listen", "--bind", "nosuch.invalid", "--port", "0").assertUsageError("unknown host: nosuch.invalid");
        Cli.run("echo-server", "--bind", "nosuch.invalid", "--port", "0")
                .assertUsageError("unknown host: nosuch.invalid");
    }

    @Test
    void shouldReportAUdpPortInUseInOneLine() throws Exception {
        try (DatagramChannel taken = DatagramChannel.open()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            String expected = "udpkit: port " + port + " is already in use (udp 127.0.0.1:" + port + ")";
            for (String command : new String[] {"echo-server", "listen"}) {
                Cli.Result r = Cli.run(command, "--bind", "127.0.0.1", "--port", String.valueOf(port));
                r.assertUsageError(expected);
                assertEquals(expected, r.errLines().get(0));
                assertEquals("", r.out());
            }
        }
    }

    @Test
    void shouldReportATcpPortInUseInOneLine() throws Exception {
        try (ServerSocketChannel taken = ServerSocketChannel.open()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            Cli.Result r = Cli.run("echo-server", "--tcp", "--bind", "127.0.0.1", "--port", String.valueOf(port));
            r.assertUsageError("udpkit: port " + port + " is already in use (tcp 127.0.0.1:" + port + ")");
        }
    }

    @Test
    void shouldReportARefusedTcpConnectionInOneLine() throws Exception {
        int port;
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        // Nothing listens on the port now that the probe is closed.
        Cli.run("client", "--tcp", "127.0.0.1:" + port).assertUsageError("cannot connect to tcp 127.0.0.1:" + port);
    }

    @Test
    void shouldPrintTheStackTraceOnlyWhenVerbose() {
        Cli.Result quiet = Cli.run("send", "nosuch.invalid:1", "hi");
        quiet.assertUsageError("unknown host");
        Cli.Result verbose = Cli.run("send", "-v", "nosuch.invalid:1", "hi");
        assertEquals(2, verbose.exit());
        assertEquals("udpkit: unknown host: nosuch.invalid", verbose.errLines().get(0));
        assertTrue(verbose.err().contains("\tat "), "stack trace with -v: " + verbose.err());
    }

    @Test
    void shouldAcceptTheVerboseFlagBeforeOrAfterTheCommand() {
        assertEquals(0, Cli.run("-v", "send", "--help").exit());
        assertEquals(0, Cli.run("send", "--verbose", "--help").exit());
    }
}
