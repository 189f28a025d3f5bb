package io.github.udpkit.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Plain JDK sockets used as the seeds' clients use theirs: bounded waits throughout. */
final class Net {

    static final int TIMEOUT_MS = 5000;

    private Net() {
    }

    /** A UDP socket on 127.0.0.1, any port, whose receives time out. */
    static DatagramChannel udp() throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.bind(new InetSocketAddress("127.0.0.1", 0));
        c.socket().setSoTimeout(TIMEOUT_MS);
        return c;
    }

    static void sendTo(DatagramChannel c, byte[] payload, InetSocketAddress to) throws IOException {
        c.send(ByteBuffer.wrap(payload), to);
    }

    static void sendTo(DatagramChannel c, String text, InetSocketAddress to) throws IOException {
        sendTo(c, text.getBytes(StandardCharsets.UTF_8), to);
    }

    /** Receives one datagram, waiting at most {@link #TIMEOUT_MS}, as Python's recvfrom(2048). */
    static byte[] receive(DatagramChannel c) throws IOException {
        // The socket adaptor honours SO_TIMEOUT where the channel itself would block for ever.
        DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
        try {
            c.socket().receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no datagram within " + TIMEOUT_MS + " ms", e);
        }
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    static String receiveText(DatagramChannel c) throws IOException {
        return new String(receive(c), StandardCharsets.UTF_8);
    }

    /** A TCP connection whose reads time out. */
    static SocketChannel tcp(InetSocketAddress server) throws IOException {
        SocketChannel c = SocketChannel.open(server);
        c.socket().setSoTimeout(TIMEOUT_MS);
        return c;
    }

    static void write(SocketChannel c, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    /** Reads until {@code n} bytes have come, each read waiting at most {@link #TIMEOUT_MS}. */
    static byte[] readExactly(SocketChannel c, int n) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        var in = c.socket().getInputStream();
        while (got < n) {
            int r;
            try {
                r = in.read(out, got, n - got);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("only " + got + " of " + n + " bytes within " + TIMEOUT_MS + " ms", e);
            }
            assertTrue(r >= 0, "connection closed after " + got + " of " + n + " bytes");
            got += r;
        }
        return out;
    }

    /** Whether the server closes the connection (end of stream or reset) within {@link #TIMEOUT_MS}. */
    static boolean closedByPeer(SocketChannel c) throws IOException {
        try {
            return c.socket().getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
