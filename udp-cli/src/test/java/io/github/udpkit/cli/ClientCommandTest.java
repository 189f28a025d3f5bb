package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code udpkit client} over UDP and TCP against the echo server, on loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientCommandTest {

    @Test
    void shouldPrintEachReplyOverUdpAndQuitOnQ() throws Exception {
        Cli.Server echo = Cli.echoServer("--upper");
        Cli.Result r = Cli.withInput("hello\nstraße\n\nq\nnot sent\n", false).execute("client", echo.hostPort());
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("HELLO", "STRASSE", ""), r.outLines());
        assertEquals("", r.err());
        Cli.Result server = echo.stop();
        assertTrue(server.out().contains("stopped: 3 datagrams echoed"), "nothing after q: " + server.out());
    }

    @Test
    void shouldPromptAsTheSeedWhenInteractive() throws Exception {
        try (Cli.Server echo = Cli.echoServer("--upper")) {
            Cli.Result r = Cli.withInput("hi\n", true).execute("client", echo.hostPort());
            assertEquals(0, r.exit(), r.err());
            assertEquals("->HI" + System.lineSeparator() + "->", r.out(), "a prompt, then the end of input");
        }
    }

    @Test
    void shouldPrintEachReplyOverTcp() throws Exception {
        try (Cli.Server echo = Cli.echoServer("--upper", "--tcp")) {
            Cli.Result r = Cli.withInput("hello tcp\n안녕 grüße\n", false).execute("client", "--tcp", echo.hostPort());
            assertEquals(0, r.exit(), r.err());
            assertEquals(List.of("HELLO TCP", "안녕 GRÜSSE"), r.outLines());
        }
    }

    @Test
    void shouldReportAMissingReplyAndGoOn() throws Exception {
        try (DatagramChannel silent = Net.udp()) {
            int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            Cli.Result r = Cli.withInput("one\ntwo\n", false)
                    .execute("client", "127.0.0.1:" + port, "--reply-timeout", "200ms");
            assertEquals(0, r.exit(), r.err());
            String line = "(no reply from 127.0.0.1:" + port + " within 200ms)";
            assertEquals(List.of(line, line), r.errLines());
            assertEquals("one", Net.receiveText(silent));
            assertEquals("two", Net.receiveText(silent), "the client went on after the first timeout");
        }
    }

    @Test
    void shouldEndWhenTheTcpServerCloses() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Cli.Running client = Cli.withInput("hello\n", false).start("client", "--tcp", "127.0.0.1:" + port);
            try (SocketChannel accepted = server.accept()) {
                accepted.shutdownOutput();
                // Read what the client sent before closing, so the close is an orderly end of stream.
                Net.readExactly(accepted, "hello".length());
            }
            Cli.Result r = client.await();
            assertNotEquals(0, r.exit());
            r.assertOneCleanErrorLine("closed the connection");
        }
    }
}
