package io.github.udpkit.benchkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

/** Where every scenario's traffic goes: 127.0.0.1, on ports the system chooses. */
final class Loopback {

    /** The socket buffer every UDP receiver asks for (Linux caps it at net.core.rmem_max). */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;
    /** How long a client that can time out waits for an echo before it counts the ping as lost. */
    static final long ECHO_TIMEOUT_NANOS = 1_000_000_000L;

    private Loopback() {
    }

    /** The loopback address, 127.0.0.1. */
    static InetAddress address() {
        return InetAddress.getLoopbackAddress();
    }

    /** An address on 127.0.0.1 with the port 0, for binding to a port the system chooses. */
    static InetSocketAddress anyPort() {
        return new InetSocketAddress(address(), 0);
    }

    /**
     * Opens an IPv4 datagram channel bound to 127.0.0.1 on a port the system chooses, with large
     * socket buffers, blocking or not.
     */
    static DatagramChannel datagramChannel(boolean blocking) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(anyPort());
            channel.configureBlocking(blocking);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Closes what is not null, keeping the first failure and closing the rest regardless. */
    static void closeAll(AutoCloseable... closeables) throws IOException {
        IOException first = null;
        for (AutoCloseable c : closeables) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                IOException io = e instanceof IOException x ? x : new IOException("closing " + c + " failed: " + e, e);
                if (first == null) {
                    first = io;
                } else {
                    first.addSuppressed(io);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
