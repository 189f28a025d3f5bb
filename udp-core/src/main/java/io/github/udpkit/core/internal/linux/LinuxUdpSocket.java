package io.github.udpkit.core.internal.linux;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A UDP socket for batched I/O on Linux ({@code recvmmsg} with GRO, {@code sendmmsg} with GSO):
 * the JDK 17 to 21 stand-in of the class in the multi-release jar's {@code META-INF/versions/22},
 * which has the same members and does the work. This one never opens: batched I/O needs the FFM
 * API of JDK 22. udp-core's transport factory and udp-benchkit compile against it; neither opens
 * it when {@link #unavailableReason()} says why not.
 */
public final class LinuxUdpSocket implements AutoCloseable {

    private static final String NEEDS_JDK_22 = "needs JDK 22+: batched I/O calls the kernel through the FFM API";

    private LinuxUdpSocket() {
    }

    /**
     * Why this class cannot run here, or {@code null} when it can: on JDK 17 to 21, always a reason.
     *
     * @return the reason
     */
    public static String unavailableReason() {
        return NEEDS_JDK_22;
    }

    /**
     * Would create and bind a socket; on JDK 17 to 21 it cannot.
     *
     * @param bind the local address
     * @param reuseAddress {@code SO_REUSEADDR}
     * @param receiveBufferSize {@code SO_RCVBUF}, or 0
     * @param sendBufferSize {@code SO_SNDBUF}, or 0
     * @param broadcast {@code SO_BROADCAST}
     * @return never
     * @throws UnsupportedOperationException always, saying that it needs JDK 22+
     */
    public static LinuxUdpSocket open(InetSocketAddress bind, boolean reuseAddress, int receiveBufferSize,
            int sendBufferSize, boolean broadcast) throws IOException {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /**
     * The socket's transport name.
     *
     * @return the name
     */
    public String name() {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /**
     * The bound address.
     *
     * @return the address
     */
    public InetSocketAddress localAddress() {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /**
     * The next datagram.
     *
     * @param buffer where it goes
     * @return its source, or null
     * @throws IOException never here
     */
    public InetSocketAddress receive(ByteBuffer buffer) throws IOException {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /**
     * Queues a datagram.
     *
     * @param datagram the bytes
     * @param to the destination
     * @return whether it was kept
     * @throws IOException never here
     */
    public boolean queue(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /**
     * Sends what is queued.
     *
     * @throws IOException never here
     */
    public void flush() throws IOException {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /**
     * Sends one datagram now.
     *
     * @param datagram the bytes
     * @param to the destination
     * @return the bytes sent
     * @throws IOException never here
     */
    public int sendNow(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /**
     * Sends datagrams of a batch to one peer now.
     *
     * @param payload the datagrams' bytes, one after the other
     * @param ends where each datagram ends
     * @param first the first to send
     * @param count the number in the batch
     * @param to the destination
     * @return the datagrams sent
     * @throws IOException never here
     */
    public int sendNow(byte[] payload, int[] ends, int first, int count, InetSocketAddress to) throws IOException {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /**
     * Datagrams split after GRO.
     *
     * @return the count
     */
    public long coalescedDatagrams() {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /**
     * Datagrams lost at flush.
     *
     * @return the count
     */
    public long sendDrops() {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /**
     * The bytes of the datagrams lost at flush.
     *
     * @return the count
     */
    public long sendDroppedBytes() {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /**
     * Whether to wake for reading.
     *
     * @param on whether
     */
    public void readInterest(boolean on) {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /**
     * Waits.
     *
     * @param timeoutMillis 0 for ever, negative not at all
     * @throws IOException never here
     */
    public void await(long timeoutMillis) throws IOException {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    /** Ends a wait. */
    public void wakeup() {
        throw new UnsupportedOperationException(NEEDS_JDK_22);
    }

    @Override
    public void close() {
        // nothing was opened
    }
}
