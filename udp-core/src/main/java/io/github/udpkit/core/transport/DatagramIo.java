package io.github.udpkit.core.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The socket under one endpoint, seen as the driver uses it: datagrams in (a batch at a time where
 * the transport can), datagrams out (queued in a turn of the I/O loop and flushed at its end),
 * and a wait until the socket is readable or the loop is woken. The JDK's {@code DatagramChannel}
 * is one implementation, {@link JdkDatagramIo}; a batched one takes its place where it is available
 * (see {@link DatagramIoFactory}), so that the loop itself does not know which it runs on.
 *
 * <p>Threads: {@link #sendNow} and {@link #wakeup} are safe from any thread; everything else
 * belongs to the endpoint's I/O thread. A closed transport throws
 * {@link java.nio.channels.ClosedChannelException}.
 */
interface DatagramIo extends Closeable {

    /**
     * The transport's name as {@code Endpoint.transport()} reports it.
     *
     * @return {@code "jdk"}, or what a batched transport uses, e.g. {@code "linux-ffm (sendmmsg, GSO, recvmmsg, GRO)"}
     */
    String name();

    /**
     * The address the socket is bound to.
     *
     * @return the local address, with the port the system chose
     * @throws IOException if the socket cannot say
     */
    InetSocketAddress localAddress() throws IOException;

    /**
     * I/O thread: copies the next waiting datagram into {@code buffer} from its position on (a
     * datagram longer than the room left is cut short, as {@code DatagramChannel.receive} does).
     *
     * @param buffer where the datagram goes
     * @return its source, or {@code null} when no datagram waits
     * @throws IOException if the socket fails
     */
    InetSocketAddress receive(ByteBuffer buffer) throws IOException;

    /**
     * I/O thread: hands over a datagram to send, which the transport may write at once or keep,
     * copied, until {@link #flush()}. The buffer's position is not moved.
     *
     * @param datagram the bytes between position and limit
     * @param to the destination
     * @return false when the datagram was dropped at once because the socket's send buffer is full
     * @throws IOException if the socket fails
     */
    boolean queue(ByteBuffer datagram, InetSocketAddress to) throws IOException;

    /**
     * I/O thread: writes every datagram {@link #queue} kept, at the end of the loop's turn and
     * before it waits. Datagrams the socket's full send buffer refuses are lost, as the network
     * may lose them; the reliable modes retransmit.
     *
     * @throws IOException if the socket fails
     */
    void flush() throws IOException;

    /**
     * Any thread: writes one datagram now, without waiting.
     *
     * @param datagram the bytes between position and limit; its position moves past what was written
     * @param to the destination
     * @return the bytes written, 0 when the socket's send buffer is full
     * @throws IOException if the socket fails
     */
    int sendNow(ByteBuffer datagram, InetSocketAddress to) throws IOException;

    /**
     * Whether {@link #sendNow(byte[], int[], int, int, InetSocketAddress)} writes many datagrams per
     * system call; when it does not, a caller does better writing them one {@link #sendNow} each.
     *
     * @return true for a batched transport; false for the JDK's
     */
    default boolean sendsBatches() {
        return false;
    }

    /**
     * Any thread: writes datagrams {@code first} to {@code count - 1} of a batch to one peer now,
     * without waiting: as many as the transport takes in one go (with sendmmsg and GSO, hundreds a
     * system call), in order. The JDK's transport writes one.
     *
     * @param payload every datagram's bytes, one after the other: datagram {@code i} is
     *     {@code payload[ends[i-1]..ends[i])}, from 0 for the first
     * @param ends where each datagram ends
     * @param first the first datagram to write
     * @param count the number of datagrams in the batch
     * @param to the destination
     * @return how many datagrams from {@code first} on were written; 0 when the socket's send buffer is full
     * @throws IOException if the socket fails on datagram {@code first}: nothing was written, and
     *     a caller that goes on does so from the next datagram
     */
    default int sendNow(byte[] payload, int[] ends, int first, int count, InetSocketAddress to) throws IOException {
        int start = first == 0 ? 0 : ends[first - 1];
        int length = ends[first] - start;
        int written = sendNow(ByteBuffer.wrap(payload, start, length), to);
        return written > 0 || length == 0 ? 1 : 0;
    }

    /**
     * I/O thread: whether {@link #await} wakes for a readable socket; off while the receive queue
     * is full, so the loop does not spin on datagrams it will not read.
     *
     * @param on whether to wake for reading
     */
    void readInterest(boolean on);

    /**
     * I/O thread: waits until the socket is readable (if read interest is on), {@link #wakeup} is
     * called, or the time is up.
     *
     * @param timeoutMillis how long at most; 0 waits for ever, a negative value does not wait
     * @throws IOException if the wait fails
     */
    void await(long timeoutMillis) throws IOException;

    /** Any thread: ends a current or the next {@link #await}. */
    void wakeup();

    /**
     * Datagrams that arrived joined into one buffer by the kernel (UDP GRO) and were split here:
     * a diagnostic, and the tests' proof that the splitting ran.
     *
     * @return the count since the transport opened; 0 for a transport without GRO
     */
    default long coalescedDatagrams() {
        return 0;
    }

    /**
     * Datagrams that {@link #queue} accepted and {@link #flush()} then lost (a full send buffer, an
     * error for their destination): the endpoint counted them as sent when it queued them, and
     * takes them back out of its stats.
     *
     * @return the count since the transport opened; 0 for a transport that sends at queue time
     */
    default long droppedAtFlush() {
        return 0;
    }

    /**
     * The bytes of the datagrams {@link #droppedAtFlush()} counts.
     *
     * @return the count since the transport opened
     */
    default long bytesDroppedAtFlush() {
        return 0;
    }

    /**
     * The JDK channel under this transport, for multicast memberships; {@code null} when the
     * transport has none.
     *
     * @return the channel or null
     */
    DatagramChannel channel();
}
