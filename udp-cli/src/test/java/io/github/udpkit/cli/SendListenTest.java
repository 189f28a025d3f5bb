package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code udpkit send} and {@code udpkit listen} end to end on loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SendListenTest {

    private static final String TIME = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}";

    @Test
    void shouldPrintEachMessageWithItsTimeAndSender() throws Exception {
        Cli.Server listen = Cli.listen("--count", "2");
        Cli.Result sent = Cli.run("send", listen.hostPort(), "hello", "wörld, 안녕");
        assertEquals(0, sent.exit(), sent.err());
        assertEquals("", sent.out());
        Cli.Result r = listen.running().await();
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.outLines();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).matches(TIME + " 127\\.0\\.0\\.1:\\d+ hello"), lines.get(0));
        assertTrue(lines.get(1).matches(TIME + " 127\\.0\\.0\\.1:\\d+ wörld, 안녕"), lines.get(1));
        assertEquals("listening on udp " + listen.hostPort(), r.errLines().get(0), "the address goes to stderr");
    }

    @Test
    void shouldSendEachLineOfStandardInputAndPrintPayloadsOnly() throws Exception {
        Cli.Server listen = Cli.listen("--payload-only", "-n", "4");
        Cli.Result sent = Cli.withInput("one\r\ntwo\n\nthree", false).execute("send", listen.hostPort());
        assertEquals(0, sent.exit(), sent.err());
        Cli.Result r = listen.running().await();
        assertEquals("one\ntwo\n\nthree\n", r.out().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void shouldEscapeControlCharactersButNotWithPayloadOnly() throws Exception {
        Cli.Server formatted = Cli.listen("-n", "1");
        Cli.Server raw = Cli.listen("-n", "1", "--payload-only");
        String nasty = "red\u001b[31m\tline\nbreak";
        assertEquals(0, Cli.run("send", formatted.hostPort(), nasty).exit());
        assertEquals(0, Cli.run("send", raw.hostPort(), nasty).exit());
        assertTrue(formatted.running().await().out().strip().endsWith(" red\\u001b[31m\\tline\\nbreak"));
        assertEquals(nasty + System.lineSeparator(), raw.running().await().out());
    }

    @Test
    void shouldCountButNotPrintWhatIsNotUtf8() throws Exception {
        Cli.Server listen = Cli.listen("--payload-only", "--count", "1", "--stats");
        try (DatagramChannel c = Net.udp()) {
            Net.sendTo(c, new byte[] {(byte) 0xc3, (byte) 0x28}, listen.address());
            Net.sendTo(c, "fine", listen.address());
        }
        Cli.Result r = listen.running().await();
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("fine"), r.outLines());
        assertTrue(r.err().contains("  datagrams  sent 0 (0 bytes), received 2 (6 bytes)"), r.err());
        assertTrue(r.err().contains("  messages   sent 0, delivered 1, printed 1"), r.err());
        assertTrue(r.err().contains("  dropped    not UTF-8 1"), r.err());
    }

    @Test
    void shouldListenUntilStopped() throws Exception {
        Cli.Server listen = Cli.listen("--stats");
        assertEquals(0, Cli.run("send", listen.hostPort(), "a").exit());
        Cli.Result r = listen.stop();
        assertEquals(0, r.exit(), r.err());
        // Stopping may overtake the datagram in flight: what counts is a clean end and the summary.
        assertTrue(r.err().contains("stats (raw):"), r.err());
        assertTrue(r.err().contains("  dropped    none"), r.err());
    }

    @Test
    void shouldPrintTheReplyToEachMessage() throws Exception {
        try (Cli.Server echo = Cli.echoServer("--upper")) {
            Cli.Result r = Cli.run("send", echo.hostPort(), "--reply-timeout", "5s", "hello", "straße");
            assertEquals(0, r.exit(), r.err());
            assertEquals(List.of("HELLO", "STRASSE"), r.outLines());
            Cli.Result fromStdin = Cli.withInput("one\ntwo\n", false)
                    .execute("send", "-r", "PT5S", echo.hostPort());
            assertEquals(List.of("ONE", "TWO"), fromStdin.outLines());
        }
    }

    @Test
    void shouldSayWhenNoReplyCameAndExit1() throws Exception {
        try (DatagramChannel silent = Net.udp()) {
            int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            Cli.Result r = Cli.run("send", "127.0.0.1:" + port, "-r", "200ms", "anyone?", "hello?");
            assertEquals(1, r.exit(), r.err());
            assertEquals(List.of(
                    "udpkit: no reply to message 1 from 127.0.0.1:" + port + " within 200ms",
                    "udpkit: no reply to message 2 from 127.0.0.1:" + port + " within 200ms"), r.errLines());
            assertEquals("anyone?", Net.receiveText(silent));
            assertEquals("hello?", Net.receiveText(silent));
        }
    }

    @Test
    void shouldSendToAnIpv6Address() throws Exception {
        try (DatagramChannel v6 = DatagramChannel.open()) {
            try {
                v6.bind(new InetSocketAddress("::1", 0));
            } catch (IOException e) {
                Assumptions.abort("no IPv6 loopback here: " + e);
            }
            v6.socket().setSoTimeout(Net.TIMEOUT_MS);
            int port = ((InetSocketAddress) v6.getLocalAddress()).getPort();
            Cli.Result r = Cli.run("send", "[::1]:" + port, "over v6");
            assertEquals(0, r.exit(), r.err());
            assertEquals("over v6", Net.receiveText(v6));
        }
    }
}
