package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code udpkit echo-server} over UDP and TCP on loopback, talked to as the seeds' clients do. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EchoServerTest {

    private static final byte[] NOT_UTF8 = {'a', (byte) 0xff, 'b'};

    @Test
    void shouldReplyUpperCasedToEachUdpSender() throws Exception {
        Cli.Server server = Cli.echoServer("--upper");
        try (DatagramChannel a = Net.udp(); DatagramChannel b = Net.udp()) {
            Net.sendTo(a, "hello, udp", server.address());
            assertEquals("HELLO, UDP", Net.receiveText(a));
            Net.sendTo(b, "안녕 straße ǆ", server.address());
            assertEquals("안녕 STRASSE Ǆ", Net.receiveText(b));
            Net.sendTo(a, "", server.address());
            assertEquals("", Net.receiveText(a), "an empty datagram gets an empty reply, as in Python");
        }
        Cli.Result r = server.stop();
        assertEquals(0, r.exit(), r.err());
        assertEquals("listening on udp " + server.hostPort() + " (uppercase echo)", r.outLines().get(0));
        assertEquals(2, r.outLines().stream().filter(l -> l.endsWith(" new peer")).count(), r.out());
        assertTrue(r.out().contains("stopped: 3 datagrams echoed, 0 dropped"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void shouldEchoUdpBytesVerbatimWithoutUpper() throws Exception {
        Cli.Server server = Cli.echoServer();
        try (DatagramChannel c = Net.udp()) {
            Net.sendTo(c, NOT_UTF8, server.address());
            assertArrayEquals(NOT_UTF8, Net.receive(c));
            byte[] large = new byte[60_000];
            Arrays.fill(large, (byte) 'x');
            Net.sendTo(c, large, server.address());
            assertArrayEquals(large, Net.receive(c));
        }
        Cli.Result r = server.stop();
        assertEquals("listening on udp " + server.hostPort() + " (echo)", r.outLines().get(0));
        assertTrue(r.out().contains("stopped: 2 datagrams echoed, 0 dropped"), r.out());
    }

    @Test
    void shouldDropWhatIsNotUtf8WhenUpperCasingAndKeepServing() throws Exception {
        Cli.Server server = Cli.echoServer("--upper");
        try (DatagramChannel c = Net.udp()) {
            Net.sendTo(c, NOT_UTF8, server.address());
            Net.sendTo(c, "still here", server.address());
            // Loopback keeps the order: had the bad datagram been answered, its reply would come first.
            assertEquals("STILL HERE", Net.receiveText(c));
        }
        Cli.Result r = server.stop();
        assertTrue(r.out().contains("stopped: 1 datagrams echoed, 1 dropped"), r.out());
        assertFalse(r.out().contains("dropped:"), "no line per bad datagram without -v: " + r.out());
    }

    @Test
    void shouldPrintALinePerMessageWhenVerbose() throws Exception {
        Cli.Server server = Cli.echoServer("--upper", "-v");
        try (DatagramChannel c = Net.udp()) {
            Net.sendTo(c, "tab\there", server.address());
            assertEquals("TAB\tHERE", Net.receiveText(c));
            Net.sendTo(c, NOT_UTF8, server.address());
            Net.sendTo(c, "x", server.address());
            assertEquals("X", Net.receiveText(c));
        }
        Cli.Result r = server.stop();
        String client = "udp 127.0.0.1:";
        assertTrue(r.outLines().stream().anyMatch(l ->
                l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} " + client + "\\d+ \"tab\\\\there\" -> \"TAB\\\\tHERE\"")), r.out());
        assertTrue(r.out().contains("dropped: 3 bytes, not UTF-8"), r.out());
    }

    @Test
    void shouldEchoTcpChunksUpperCasedEvenWhenACharacterIsSplitAcrossWrites() throws Exception {
        Cli.Server server = Cli.echoServer("--tcp", "--upper");
        assertTrue(server.running().cli().out().startsWith("listening on tcp " + server.hostPort()));
        try (SocketChannel c = Net.tcp(server.address())) {
            byte[] text = "héllo wörld, 안녕 ß".getBytes(StandardCharsets.UTF_8);
            // Cut inside 'é' (2 bytes), then inside '안' (3 bytes): each write is echoed as it arrives.
            int inE = 2;
            int inAn = indexOf(text, "안".getBytes(StandardCharsets.UTF_8)) + 1;
            Net.write(c, Arrays.copyOfRange(text, 0, inE));
            assertEquals("H", new String(Net.readExactly(c, 1), StandardCharsets.UTF_8));
            Net.write(c, Arrays.copyOfRange(text, inE, inAn));
            Net.write(c, Arrays.copyOfRange(text, inAn, text.length));
            byte[] rest = "ÉLLO WÖRLD, 안녕 SS".getBytes(StandardCharsets.UTF_8);
            assertEquals("ÉLLO WÖRLD, 안녕 SS", new String(Net.readExactly(c, rest.length), StandardCharsets.UTF_8));
            c.shutdownOutput();
            assertTrue(Net.closedByPeer(c), "the server closes when the client does");
        }
        Cli.Result r = server.stop();
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(" connected (1 open)"), r.out());
        assertTrue(r.out().contains(" closed after "), r.out());
    }

    @Test
    void shouldEchoTcpBytesVerbatimWithoutUpper() throws Exception {
        try (Cli.Server server = Cli.echoServer("--tcp"); SocketChannel c = Net.tcp(server.address())) {
            Net.write(c, NOT_UTF8);
            assertArrayEquals(NOT_UTF8, Net.readExactly(c, NOT_UTF8.length));
        }
    }

    @Test
    void shouldServeTcpClientsConcurrently() throws Exception {
        try (Cli.Server server = Cli.echoServer("--tcp", "--upper");
             SocketChannel first = Net.tcp(server.address());
             SocketChannel second = Net.tcp(server.address())) {
            // The second is served while the first stays connected, then the first still is.
            Net.write(second, "two".getBytes(StandardCharsets.UTF_8));
            assertEquals("TWO", new String(Net.readExactly(second, 3), StandardCharsets.UTF_8));
            Net.write(first, "one".getBytes(StandardCharsets.UTF_8));
            assertEquals("ONE", new String(Net.readExactly(first, 3), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldRefuseTcpClientsBeyondTheLimit() throws Exception {
        Cli.Server server = Cli.echoServer("--tcp", "--upper", "--max-connections", "1");
        try (SocketChannel first = Net.tcp(server.address())) {
            Net.write(first, "a".getBytes(StandardCharsets.UTF_8));
            assertEquals("A", new String(Net.readExactly(first, 1), StandardCharsets.UTF_8));
            try (SocketChannel second = Net.tcp(server.address())) {
                assertTrue(Net.closedByPeer(second), "the second client is closed at once");
            }
            Net.write(first, "b".getBytes(StandardCharsets.UTF_8));
            assertEquals("B", new String(Net.readExactly(first, 1), StandardCharsets.UTF_8));
        }
        Cli.Result r = server.stop();
        assertTrue(r.out().contains("dropped: refused, 1 connections open"), r.out());
        assertTrue(r.out().contains("stopped: 1 clients served, 1 refused"), r.out());
    }

    @Test
    void shouldCloseATcpStreamThatIsNotUtf8WhenUpperCasing() throws Exception {
        Cli.Server server = Cli.echoServer("--tcp", "--upper");
        try (SocketChannel c = Net.tcp(server.address())) {
            Net.write(c, new byte[] {(byte) 0xff});
            assertTrue(Net.closedByPeer(c));
        }
        Cli.Result r = server.stop();
        assertTrue(r.out().contains("dropped: not UTF-8, connection closed"), r.out());
        assertTrue(r.out().contains("1 closed for bad UTF-8"), r.out());
    }

    @Test
    void shouldDisconnectTcpClientsWhenStopped() throws Exception {
        Cli.Server server = Cli.echoServer("--tcp");
        try (SocketChannel c = Net.tcp(server.address())) {
            Net.write(c, "x".getBytes(StandardCharsets.UTF_8));
            Net.readExactly(c, 1);
            assertEquals(0, server.stop().exit());
            assertTrue(Net.closedByPeer(c));
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
