package io.github.udpkit.core.internal.linux;

import static io.github.udpkit.core.internal.linux.LinuxUdp.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The native memory one batched send from any thread lays its datagrams out in: their bytes end to
 * end, and the {@code mmsghdr}s of one {@code sendmmsg} in which each run of equal-sized datagrams
 * (the last may be shorter) is a single {@code UDP_SEGMENT} (GSO) message. RAW batches are sent on
 * the caller's thread, and a virtual thread may live for one send: so areas are not kept per
 * thread but lent from a small pool shared by every socket, and a thread that finds the pool lent
 * out gets one of its own for that call only. Memory stays bounded either way.
 */
final class SendBatchArea {

    /** Datagrams one call lays out at most; a larger batch takes several calls. */
    static final int DATAGRAMS = 512;
    /** Bytes one call lays out at most: a few GSO messages of up to 64 KiB each. */
    static final int BYTES = 256 * 1024;
    /** A GSO message's payload at most: the kernel refuses super-datagrams over 64 KiB. */
    private static final int GSO_PAYLOAD = 65_000;
    /** Areas kept for reuse: enough for every core to send at once, and at most about 4 MiB. */
    private static final int POOLED = Math.min(16, 2 * Runtime.getRuntime().availableProcessors());
    private static final ArrayBlockingQueue<SendBatchArea> POOL = new ArrayBlockingQueue<>(POOLED);
    private static final AtomicInteger CREATED = new AtomicInteger();

    /** Null for a pooled area, whose memory lives as long as the pool; else freed when the call ends. */
    private final Arena temporary;
    private final MemorySegment data;
    private final MemorySegment vector;
    private final MemorySegment iovecs;
    private final MemorySegment control;
    private final MemorySegment name;
    private final int[] lengths = new int[DATAGRAMS];
    /** Message {@code m} holds datagrams {@code firstOfMessage[m]} to {@code firstOfMessage[m + 1]}, relative. */
    private final int[] firstOfMessage = new int[DATAGRAMS + 1];
    private int laidOut;
    private InetSocketAddress lastDestination;
    private int lastFamily;
    private int nameLength;

    private SendBatchArea(Arena arena, Arena temporary) {
        this.temporary = temporary;
        data = arena.allocate(BYTES, 64);
        vector = arena.allocate(MMSGHDR.byteSize() * DATAGRAMS, 8);
        iovecs = arena.allocate(IOVEC.byteSize() * DATAGRAMS, 8);
        control = arena.allocate(CMSG_SPACE_U16 * DATAGRAMS, 8);
        name = arena.allocate(SOCKADDR_SIZE, 8);
    }

    /** Lends an area: a pooled one, a new pooled one while the pool is not full, else one for this call. */
    static SendBatchArea take() {
        SendBatchArea area = POOL.poll();
        if (area != null) {
            return area;
        }
        if (CREATED.getAndIncrement() < POOLED) {
            return new SendBatchArea(Arena.ofAuto(), null); // kept for ever, in the pool
        }
        CREATED.decrementAndGet();
        Arena confined = Arena.ofConfined();
        return new SendBatchArea(confined, confined);
    }

    /** Gives the area back: to the pool, or its memory to the system. */
    void release() {
        lastDestination = null; // no peer address kept past its send
        if (temporary != null) {
            temporary.close();
        } else if (!POOL.offer(this)) {
            throw new AssertionError("more pooled send areas than the pool holds");
        }
    }

    /**
     * Copies datagrams {@code first} to {@code count - 1} of the batch in, as many as fit.
     *
     * @param payload every datagram's bytes, one after the other: datagram {@code i} ends at {@code ends[i]}
     * @return how many were copied, at least one
     * @throws IOException if datagram {@code first} is larger than a datagram can be
     */
    int layOut(byte[] payload, int[] ends, int first, int count) throws IOException {
        int start = first == 0 ? 0 : ends[first - 1];
        int firstLength = ends[first] - start;
        if (firstLength > MAX_PAYLOAD) {
            throw new IOException("datagram of " + firstLength + " bytes is larger than " + MAX_PAYLOAD);
        }
        int n = 0;
        int bytes = 0;
        for (int i = first; i < count && n < DATAGRAMS; i++) {
            int length = ends[i] - (i == 0 ? 0 : ends[i - 1]);
            if (bytes + length > BYTES) {
                break;
            }
            lengths[n++] = length;
            bytes += length;
        }
        // One copy for all: the datagrams lie end to end in the payload as they must in the area.
        MemorySegment.copy(payload, start, data, JAVA_BYTE, 0, bytes);
        laidOut = n;
        return n;
    }

    /** The destination's sockaddr, encoded again only when it is not the one this area encoded last. */
    void destination(InetSocketAddress to, int family) throws IOException {
        if (to != lastDestination || family != lastFamily) {
            try {
                nameLength = LinuxUdp.encode(to, family, name);
            } catch (IllegalArgumentException e) {
                lastDestination = null;
                throw new IOException(e.getMessage(), e);
            }
            lastDestination = to;
            lastFamily = family;
        }
    }

    /**
     * Fills in the {@code mmsghdr}s for what {@link #layOut} copied: with GSO, each run of
     * equal-sized datagrams (a shorter one ends it) is one message.
     *
     * @return the number of messages
     */
    int build(boolean gso) {
        int count = 0;
        int offset = 0;
        int i = 0;
        while (i < laidOut) {
            int size = lengths[i];
            int end = i + 1;
            int payload = size;
            if (gso && size > 0) {
                while (end < laidOut && end - i < MAX_GSO_SEGMENTS && lengths[end] <= size && lengths[end] > 0
                        && payload + lengths[end] <= GSO_PAYLOAD) {
                    payload += lengths[end];
                    end++;
                    if (lengths[end - 1] < size) {
                        break; // the shorter tail ends the run
                    }
                }
            }
            long base = count * MMSGHDR.byteSize();
            long iov = count * IOVEC.byteSize();
            iovecs.set(ADDRESS, iov + IOV_BASE, data.asSlice(offset, payload));
            iovecs.set(JAVA_LONG, iov + IOV_LEN, payload);
            vector.set(ADDRESS, base + MSG_NAME, name);
            vector.set(JAVA_INT, base + MSG_NAMELEN, nameLength);
            vector.set(ADDRESS, base + MSG_IOV, iovecs.asSlice(iov, IOVEC.byteSize()));
            vector.set(JAVA_LONG, base + MSG_IOVLEN, 1);
            vector.set(JAVA_INT, base + MSG_FLAGS, 0);
            if (end - i > 1) {
                long at = count * CMSG_SPACE_U16;
                control.set(JAVA_LONG, at + CMSG_LEN, CMSG_DATA + 2);
                control.set(JAVA_INT, at + CMSG_LEVEL, SOL_UDP);
                control.set(JAVA_INT, at + CMSG_TYPE, UDP_SEGMENT);
                control.set(JAVA_SHORT, at + CMSG_DATA, (short) size);
                vector.set(ADDRESS, base + MSG_CONTROL, control.asSlice(at, CMSG_SPACE_U16));
                vector.set(JAVA_LONG, base + MSG_CONTROLLEN, CMSG_SPACE_U16);
            } else {
                vector.set(ADDRESS, base + MSG_CONTROL, MemorySegment.NULL);
                vector.set(JAVA_LONG, base + MSG_CONTROLLEN, 0);
            }
            firstOfMessage[count] = i;
            count++;
            firstOfMessage[count] = end;
            offset += payload;
            i = end;
        }
        return count;
    }

    /** The {@code mmsghdr} vector {@link #build} filled in. */
    MemorySegment vector() {
        return vector;
    }

    /** How many datagrams the first {@code messages} messages carry. */
    int datagramsIn(int messages) {
        return firstOfMessage[messages];
    }

    /** Whether the first message is a GSO run, the one a refusal of GSO would be about. */
    boolean firstIsRun() {
        return firstOfMessage[1] > 1;
    }
}
