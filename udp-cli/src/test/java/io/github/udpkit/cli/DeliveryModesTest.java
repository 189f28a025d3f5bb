package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --mode}, {@code --reliable}, {@code --timeout}, the impairment options and {@code --stats}
 * on send, listen, echo-server and client, end to end on loopback.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DeliveryModesTest {

    private static final Pattern RETRANSMISSIONS = Pattern.compile("retransmissions (\\d+)");

    @Test
    void shouldExitZeroWhenAReliableEchoServerAcknowledgesEveryLine() throws Exception {
        try (Cli.Server echo = Cli.echoServer("--upper", "--mode", "reliable")) {
            assertTrue(echo.running().cli().out().contains("(uppercase echo, reliable)"), echo.running().cli().out());
            Cli.Result r = Cli.withInput("one\ntwo\nthree\n", false).execute("send", "--mode", "reliable", echo.hostPort());
            assertEquals(0, r.exit(), r.err());
            assertEquals("", r.err());
            Cli.Result replies = Cli.run("send", "--reliable", "-r", "5s", echo.hostPort(), "hello", "straße");
            assertEquals(0, replies.exit(), replies.err());
            assertEquals(List.of("HELLO", "STRASSE"), replies.outLines());
            Cli.Result stopped = echo.stop();
            assertTrue(stopped.out().contains("stopped: 5 messages echoed, 0 dropped"), stopped.out());
        }
    }

    @Test
    void shouldExitOneWithOneLineWhenThePeerNeverAcknowledges() throws Exception {
        try (DatagramChannel silent = Net.udp()) {
            int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            Cli.Result r = Cli.withInput("anyone?\nhello?\n", false)
                    .execute("send", "--reliable", "--timeout", "300ms", "127.0.0.1:" + port);
            assertEquals(1, r.exit(), r.err());
            r.assertOneCleanErrorLine("udpkit: 127.0.0.1:" + port + " did not acknowledge message 1: ");
            assertTrue(r.err().matches("udpkit: 127\\.0\\.0\\.1:\\d+ did not acknowledge message 1: delivery deadline "
                    + "passed after \\d+ attempts? in \\d+ ms \\(--timeout 300ms\\)\\R"), r.err());
            byte[] first = Net.receive(silent);
            assertNotEquals("anyone?", new String(first, StandardCharsets.UTF_8), "framed, not raw");
        }
    }

    @Test
    void shouldDeliverEveryLineOnceAndInOrderThroughItsOwnLoss() throws Exception {
        // Long lines, so the 200 messages fill dozens of datagrams and the seeded loss hits some.
        List<String> lines = IntStream.rangeClosed(1, 200)
                .mapToObj(i -> "line " + i + " " + "x".repeat(90)).toList();
        String input = lines.stream().collect(Collectors.joining("\n", "", "\n"));
        Cli.Server listen = Cli.listen("--mode", "reliable", "--payload-only", "--stats");
        // A generous --timeout: the loss, 30 % each way, must not be able to exhaust it.
        Cli.Result sent = Cli.withInput(input, false).execute("send", "--mode", "reliable", "--loss", "0.3",
                "--seed", "7", "--timeout", "60s", "--stats", listen.hostPort());
        assertEquals(0, sent.exit(), () -> "seed 7: " + sent.err());
        Matcher m = RETRANSMISSIONS.matcher(sent.err());
        assertTrue(m.find(), sent.err());
        assertTrue(Long.parseLong(m.group(1)) > 0, () -> "30 % loss costs retransmissions, seed 7: " + sent.err());
        assertTrue(sent.err().contains("stats (reliable; loss 30%, seed 7):"), sent.err());
        assertTrue(sent.err().contains("delivery failures 0"), sent.err());
        // Every message was acknowledged, so it is in the listener's queue: stopping it loses none.
        Cli.Result r = listen.stop();
        assertEquals(lines, r.outLines(), () -> "seed 7; err: " + r.err());
        assertTrue(r.err().contains("messages   sent 0, delivered 200, printed 200"), r.err());
    }

    @Test
    void shouldExitAfterCountOnceTheReliableSenderHasClosed() throws Exception {
        Cli.Server listen = Cli.listen("--reliable", "--count", "3", "--payload-only");
        Cli.Result sent = Cli.run("send", "--reliable", listen.hostPort(), "a", "b", "c");
        assertEquals(0, sent.exit(), sent.err());
        Cli.Result r = listen.running().await();
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("a", "b", "c"), r.outLines());
    }

    @ParameterizedTest
    @ValueSource(strings = {"unreliable", "sequenced", "reliable-unordered", "reliable", "RELIABLE_UNORDERED"})
    void shouldRoundTripInEveryFramedMode(String mode) throws Exception {
        Cli.Server listen = Cli.listen("--mode", mode, "--count", "2", "--payload-only");
        Cli.Result sent = Cli.run("send", "--mode", mode, listen.hostPort(), "first", "second");
        assertEquals(0, sent.exit(), sent.err());
        Cli.Result r = listen.running().await();
        assertEquals(List.of("first", "second"), r.outLines());
    }

    @Test
    void shouldCountRawDatagramsAtAFramedListenerAsMalformed() throws Exception {
        Cli.Server listen = Cli.listen("--reliable", "--stats", "--count", "1");
        assertEquals(0, Cli.run("send", listen.hostPort(), "plain udp").exit());
        // A framed message after it: once printed, the raw datagram before it has been judged.
        assertEquals(0, Cli.run("send", "--reliable", listen.hostPort(), "framed").exit());
        Cli.Result r = listen.running().await();
        assertTrue(r.out().endsWith(" framed" + System.lineSeparator()), r.out());
        assertTrue(r.err().contains("dropped    malformed 1"), r.err());
    }

    @Test
    void shouldConverseWithAReliableEchoServerThroughLoss() throws Exception {
        try (Cli.Server echo = Cli.echoServer("--reliable", "--loss", "20%", "--duplicate", "0.1", "--seed", "11",
                "--stats")) {
            Cli.Result r = Cli.withInput("hello\nworld\nq\n", false).execute("client", "--reliable", "-r", "20s",
                    "--stats", echo.hostPort());
            assertEquals(0, r.exit(), () -> "seed 11: " + r.err());
            assertEquals(List.of("hello", "world"), r.outLines(), () -> "seed 11: " + r.err());
            assertTrue(r.err().startsWith("stats (reliable):"), r.err());
            Cli.Result server = echo.stop();
            assertTrue(server.out().contains("(echo, reliable; loss 20%, duplicate 10%, seed 11)"), server.out());
            assertTrue(server.err().contains("stats (reliable; loss 20%, duplicate 10%, seed 11):"), server.err());
            assertTrue(server.err().contains("echoed 2"), server.err());
        }
    }

    @Test
    void shouldPrintStatsOfARawSendAndSayWhatWasNotMeasured() throws Exception {
        try (DatagramChannel sink = Net.udp()) {
            int port = ((InetSocketAddress) sink.getLocalAddress()).getPort();
            Cli.Result r = Cli.run("send", "--stats", "127.0.0.1:" + port, "abc", "de");
            assertEquals(0, r.exit(), r.err());
            assertEquals(List.of(
                    "stats (raw):",
                    "  datagrams  sent 2 (5 bytes), received 0 (0 bytes)",
                    "  messages   sent 2, delivered 0",
                    "  reliable   retransmissions 0, duplicates dropped 0, delivery failures 0, smoothed RTT n/a",
                    "  dropped    none"), r.errLines());
        }
    }

    @Test
    void shouldImpairARawSenderFromItsSeed() throws Exception {
        Cli.Server listen = Cli.listen("--payload-only", "--count", "2");
        Cli.Result sent = Cli.run("send", "--duplicate", "100%", "--seed", "3", listen.hostPort(), "twice");
        assertEquals(0, sent.exit(), sent.err());
        Cli.Result r = listen.running().await();
        assertEquals(List.of("twice", "twice"), r.outLines(), "every datagram delivered twice");
    }
}
