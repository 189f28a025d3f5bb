package io.github.udpkit.core.internal.linux;

import static io.github.udpkit.core.internal.linux.LinuxUdp.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.github.udpkit.core.internal.ThrottledLog;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP socket for batched I/O on Linux (JDK 22+, through the FFM API): a socket of its own, read with
 * {@code recvmmsg} and {@code UDP_GRO} (the kernel hands over runs of datagrams from one peer as
 * one buffer, split here by the segment size it reports), written at the end of each turn with
 * one {@code sendmmsg} in which each run of equal-sized datagrams to one peer is a single
 * {@code UDP_SEGMENT} (GSO) message, and waited on with {@code poll} on the socket and an
 * {@code eventfd} for wake-ups. A GSO send the kernel refuses ({@code EIO}, {@code EINVAL},
 * {@code EMSGSIZE}: a device without checksum offload, a segment larger than the path's MTU) is
 * sent again as separate datagrams. Native memory is allocated once, bounded, and freed on close.
 *
 * <p>udp-core's batched transport runs on it, and udp-benchkit measures it bare (the module
 * exports this package to udp-benchkit only: it is not API). The multi-release jar's base
 * version of this class, for JDK 17 to 21, opens nothing. Threads: {@link #sendNow} and
 * {@link #wakeup} from any thread, the rest from one.
 */
public final class LinuxUdpSocket implements AutoCloseable {
    // The instance methods do what io.github.udpkit.core.transport.DatagramIo's of the same names
    // promise; that interface's javadoc is their contract.

    private static final Logger LOG = LoggerFactory.getLogger(LinuxUdpSocket.class);
    /** Messages one recvmmsg reads; each may be a GRO run of up to 64 KiB. */
    private static final int RECEIVE_BATCH = 16;
    private static final int RECEIVE_SLOT = 65_536;
    private static final int CONTROL_SIZE = 64;
    /** Datagrams one flush holds at most; a turn that queues more flushes as it goes. */
    private static final int SEND_BATCH = 256;
    private static final int SEND_AREA = 512 * 1024;
    /** A GSO message's payload at most: the kernel refuses super-datagrams over 64 KiB. */
    private static final int GSO_PAYLOAD = 65_000;
    private static final int DESTINATION_SLOTS = 64;

    private final int fd;
    private final int eventFd;
    private final int family;
    private final boolean gro;
    private final boolean gso;
    private final String name;
    private final InetSocketAddress localAddress;
    private final Arena arena = Arena.ofShared();
    /** Closing waits for RAW senders on other threads to leave the socket, so no send finds its descriptor reused. */
    private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private final ThrottledLog throttledLog = new ThrottledLog(LOG, TimeUnit.SECONDS.toNanos(1));

    // receive side; I/O thread only
    private final MemorySegment receiveVector;
    private final MemorySegment receiveData;
    private final ByteBuffer receiveView;
    private final MemorySegment receiveNames;
    private final MemorySegment receiveControl;
    private final SourceAddresses sources = new SourceAddresses();
    private int received;
    private int message;
    private int segmentOffset;
    private int segmentSize;
    private InetSocketAddress messageSource;
    private long coalesced;

    // send side; I/O thread only
    private final MemorySegment sendVector;
    private final MemorySegment sendIovecs;
    private final MemorySegment sendControl;
    private final MemorySegment sendData;
    private final ByteBuffer sendView;
    private final int[] offsets = new int[SEND_BATCH];
    private final int[] lengths = new int[SEND_BATCH];
    private final InetSocketAddress[] destinations = new InetSocketAddress[SEND_BATCH];
    private final int[] firstOfMessage = new int[SEND_BATCH + 1];
    private int queued;
    private int queuedBytes;
    private volatile long sendDrops; // written by the I/O thread only, read by stats
    private volatile long sendDroppedBytes;
    private final MemorySegment destinationNames;
    private final InetSocketAddress[] destinationKeys = new InetSocketAddress[DESTINATION_SLOTS];
    private final int[] destinationLengths = new int[DESTINATION_SLOTS];

    private final MemorySegment pollFds;
    private final MemorySegment eventValue;

    private LinuxUdpSocket(int fd, int eventFd, int family, boolean gro, boolean gso) throws IOException {
        this.fd = fd;
        this.eventFd = eventFd;
        this.family = family;
        this.gro = gro;
        this.gso = gso;
        this.name = "linux-ffm (sendmmsg" + (gso ? ", GSO" : "") + ", recvmmsg" + (gro ? ", GRO" : "") + ")";
        this.localAddress = LinuxUdp.localAddress(fd);
        receiveVector = arena.allocate(MMSGHDR.byteSize() * RECEIVE_BATCH, 8);
        MemorySegment receiveIovecs = arena.allocate(IOVEC.byteSize() * RECEIVE_BATCH, 8);
        receiveData = arena.allocate((long) RECEIVE_SLOT * RECEIVE_BATCH, 64);
        receiveView = receiveData.asByteBuffer();
        receiveNames = arena.allocate((long) SOCKADDR_SIZE * RECEIVE_BATCH, 8);
        receiveControl = arena.allocate((long) CONTROL_SIZE * RECEIVE_BATCH, 8);
        for (int i = 0; i < RECEIVE_BATCH; i++) {
            MemorySegment iov = receiveIovecs.asSlice(i * IOVEC.byteSize(), IOVEC.byteSize());
            iov.set(ADDRESS, IOV_BASE, receiveData.asSlice((long) i * RECEIVE_SLOT, RECEIVE_SLOT));
            iov.set(JAVA_LONG, IOV_LEN, RECEIVE_SLOT);
            MemorySegment header = receiveVector.asSlice(i * MMSGHDR.byteSize(), MMSGHDR.byteSize());
            header.set(ADDRESS, MSG_NAME, receiveNames.asSlice((long) i * SOCKADDR_SIZE, SOCKADDR_SIZE));
            header.set(ADDRESS, MSG_IOV, iov);
            header.set(JAVA_LONG, MSG_IOVLEN, 1);
            header.set(ADDRESS, MSG_CONTROL, receiveControl.asSlice((long) i * CONTROL_SIZE, CONTROL_SIZE));
        }
        sendVector = arena.allocate(MMSGHDR.byteSize() * SEND_BATCH, 8);
        sendIovecs = arena.allocate(IOVEC.byteSize() * SEND_BATCH, 8);
        sendControl = arena.allocate(CMSG_SPACE_U16 * SEND_BATCH, 8);
        sendData = arena.allocate(SEND_AREA, 64);
        sendView = sendData.asByteBuffer();
        destinationNames = arena.allocate((long) SOCKADDR_SIZE * DESTINATION_SLOTS, 8);
        pollFds = arena.allocate(POLLFD.byteSize() * 2, 8);
        pollFds.set(JAVA_INT, 0, fd);
        pollFds.set(JAVA_SHORT, 4, POLLIN);
        pollFds.set(JAVA_INT, POLLFD.byteSize(), eventFd);
        pollFds.set(JAVA_SHORT, POLLFD.byteSize() + 4, POLLIN);
        eventValue = arena.allocate(JAVA_LONG);
    }

    /**
     * Why this class cannot run here, or {@code null} when it can.
     *
     * @return the reason, or null
     */
    public static String unavailableReason() {
        return LinuxUdp.unavailableReason();
    }

    /**
     * Creates, configures and binds a socket: dual-stack IPv6 where the JDK would make one (the
     * wildcard address), else the bind address's family.
     *
     * @param bind the local address, possibly the wildcard and port 0
     * @param reuseAddress {@code SO_REUSEADDR}
     * @param receiveBufferSize {@code SO_RCVBUF}, or 0 for the system's default
     * @param sendBufferSize {@code SO_SNDBUF}, or 0 for the system's default
     * @param broadcast {@code SO_BROADCAST}
     * @return the bound socket
     * @throws IOException with errno's text when a system call fails
     * @throws UnsupportedOperationException when {@link #unavailableReason()} says why not
     */
    public static LinuxUdpSocket open(InetSocketAddress bind, boolean reuseAddress, int receiveBufferSize,
            int sendBufferSize, boolean broadcast) throws IOException {
        String unavailable = LinuxUdp.unavailableReason();
        if (unavailable != null) {
            throw new UnsupportedOperationException(unavailable);
        }
        InetAddress address = bind.getAddress();
        boolean wildcard = address == null || address.isAnyLocalAddress();
        int family = wildcard || address instanceof Inet6Address ? AF_INET6 : AF_INET;
        int fd = LinuxUdp.socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0 && wildcard && LinuxUdp.errno() == EAFNOSUPPORT) {
            family = AF_INET; // a system without IPv6: the JDK too falls back to IPv4
            fd = LinuxUdp.socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        }
        if (fd < 0) {
            throw LinuxUdp.error("socket", LinuxUdp.errno());
        }
        int eventFd = -1;
        try {
            if (family == AF_INET6) {
                LinuxUdp.setIntOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY");
            }
            if (reuseAddress) {
                LinuxUdp.setIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
            }
            if (receiveBufferSize > 0) {
                LinuxUdp.setIntOption(fd, SOL_SOCKET, SO_RCVBUF, receiveBufferSize, "SO_RCVBUF");
            }
            if (sendBufferSize > 0) {
                LinuxUdp.setIntOption(fd, SOL_SOCKET, SO_SNDBUF, sendBufferSize, "SO_SNDBUF");
            }
            if (broadcast) {
                LinuxUdp.setIntOption(fd, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST");
            }
            boolean gro = optional(fd, UDP_GRO, 1);
            boolean gso = optional(fd, UDP_SEGMENT, 0); // 0: no socket-wide size, but says the kernel knows GSO
            try (Arena scratch = Arena.ofConfined()) {
                MemorySegment name = scratch.allocate(SOCKADDR_SIZE, 8);
                int length = LinuxUdp.encode(wildcard ? new InetSocketAddress(bind.getPort()) : bind, family, name);
                if (wildcard && family == AF_INET6) {
                    name.asSlice(8, 16).fill((byte) 0); // ::, not ::ffff:0.0.0.0, so IPv6 peers reach it too
                }
                if (LinuxUdp.bind(fd, name, length) < 0) {
                    throw LinuxUdp.error("bind", LinuxUdp.errno());
                }
            }
            eventFd = LinuxUdp.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (eventFd < 0) {
                throw LinuxUdp.error("eventfd", LinuxUdp.errno());
            }
            return new LinuxUdpSocket(fd, eventFd, family, gro, gso);
        } catch (IOException | RuntimeException e) {
            LinuxUdp.close(fd);
            if (eventFd >= 0) {
                LinuxUdp.close(eventFd);
            }
            throw e;
        }
    }

    /** Sets a UDP option the kernel may not know (before Linux 4.18 for GSO, 5.0 for GRO); says whether it took. */
    private static boolean optional(int fd, int option, int value) {
        try {
            LinuxUdp.setIntOption(fd, SOL_UDP, option, value, option == UDP_GRO ? "UDP_GRO" : "UDP_SEGMENT");
            return true;
        } catch (IOException e) {
            LOG.debug("batched transport without {}: {}", option == UDP_GRO ? "GRO" : "GSO", e.getMessage());
            return false;
        }
    }

    public String name() {
        return name;
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    // ------------------------------------------------------------------ receive

    public InetSocketAddress receive(ByteBuffer buffer) throws IOException {
        if (message >= received && !readBatch()) {
            return null;
        }
        // Offsets into the batch's structures rather than slices of them: nothing allocated per datagram.
        int total = receiveVector.get(JAVA_INT, message * MMSGHDR.byteSize() + MMSG_LEN);
        int length = segmentSize > 0 ? Math.min(segmentSize, total - segmentOffset) : total;
        int start = message * RECEIVE_SLOT + segmentOffset;
        int room = Math.min(length, buffer.remaining());
        buffer.put(buffer.position(), receiveView, start, room);
        buffer.position(buffer.position() + room);
        InetSocketAddress from = messageSource;
        if (length < total) {
            coalesced++;
        }
        segmentOffset += length;
        if (segmentOffset >= total) {
            nextMessage();
        }
        return from;
    }

    /** Reads a batch; false when the socket had nothing. */
    private boolean readBatch() throws IOException {
        ensureOpen();
        for (int i = 0; i < RECEIVE_BATCH; i++) {
            long base = i * MMSGHDR.byteSize();
            receiveVector.set(JAVA_INT, base + MSG_NAMELEN, SOCKADDR_SIZE);
            receiveVector.set(JAVA_LONG, base + MSG_CONTROLLEN, CONTROL_SIZE);
            receiveVector.set(JAVA_INT, base + MSG_FLAGS, 0);
        }
        int n;
        do {
            n = LinuxUdp.recvmmsg(fd, receiveVector, RECEIVE_BATCH, MSG_DONTWAIT);
        } while (n < 0 && LinuxUdp.errno() == EINTR);
        if (n < 0) {
            int errno = LinuxUdp.errno();
            if (errno == EAGAIN) {
                return false;
            }
            if (errno == EBADF) {
                throw new ClosedChannelException();
            }
            // An error a datagram left (an ICMP report on some kernels) is the sender's news, not the loop's end.
            throttledLog.debug(System.nanoTime(), "{}: {}", localAddress, LinuxUdp.error("recvmmsg", errno).getMessage());
            return false;
        }
        received = n;
        message = -1;
        nextMessage();
        return message < received;
    }

    private void nextMessage() throws IOException {
        message++;
        segmentOffset = 0;
        segmentSize = 0;
        if (message >= received) {
            return;
        }
        long base = message * MMSGHDR.byteSize();
        messageSource = sources.of(receiveNames, (long) message * SOCKADDR_SIZE);
        long controlLength = Math.min(receiveVector.get(JAVA_LONG, base + MSG_CONTROLLEN), CONTROL_SIZE);
        MemorySegment control = receiveControl;
        long start = (long) message * CONTROL_SIZE;
        for (long at = start; at + CMSG_DATA <= start + controlLength; ) {
            long length = control.get(JAVA_LONG, at + CMSG_LEN);
            if (length < CMSG_DATA || at + length > start + controlLength) {
                break;
            }
            if (control.get(JAVA_INT, at + CMSG_LEVEL) == SOL_UDP && control.get(JAVA_INT, at + CMSG_TYPE) == UDP_GRO
                    && length >= CMSG_DATA + 4) {
                segmentSize = control.get(JAVA_INT, at + CMSG_DATA); // the size of each datagram GRO joined
            }
            at += (length + 7) & ~7L;
        }
    }

    // ------------------------------------------------------------------ send

    public boolean queue(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        int length = datagram.remaining();
        if (queued == SEND_BATCH || queuedBytes + length > SEND_AREA) {
            flush();
        }
        sendView.put(queuedBytes, datagram, datagram.position(), length);
        offsets[queued] = queuedBytes;
        lengths[queued] = length;
        destinations[queued] = to;
        queuedBytes += length; // packed end to end: a GSO run is one contiguous buffer
        queued++;
        return true;
    }

    public void flush() throws IOException {
        if (queued == 0) {
            return;
        }
        ensureOpen();
        try {
            int first = 0;
            boolean useGso = gso;
            while (first < queued) {
                int messages = build(first, useGso);
                int n;
                do {
                    n = LinuxUdp.sendmmsg(fd, sendVector, messages, MSG_DONTWAIT);
                } while (n < 0 && LinuxUdp.errno() == EINTR);
                if (n > 0) {
                    first = firstOfMessage[n];
                    useGso = gso;
                    continue;
                }
                int errno = LinuxUdp.errno();
                boolean gsoMessage = firstOfMessage[1] - first > 1;
                if (gsoMessage && (errno == EIO || errno == EINVAL || errno == EMSGSIZE)) {
                    useGso = false; // this run again, one datagram a message
                    throttledLog.debug(System.nanoTime(), "{}: the kernel refused GSO ({}); sent separately",
                            localAddress, LinuxUdp.error("sendmmsg", errno).getMessage());
                    continue;
                }
                if (errno == EBADF) {
                    throw new ClosedChannelException();
                }
                if (errno == EAGAIN) {
                    // The send buffer is full: what is left is lost, as the network may lose it.
                    drop(first, queued);
                    throttledLog.debug(System.nanoTime(), "{}: socket send buffer full, {} datagrams dropped",
                            localAddress, queued - first);
                    return;
                }
                // This message cannot go (no route, too large, not permitted): drop it and go on.
                drop(first, firstOfMessage[1]);
                throttledLog.debug(System.nanoTime(), "{}: send to {} dropped: {}", localAddress, destinations[first],
                        LinuxUdp.error("sendmmsg", errno).getMessage());
                first = firstOfMessage[1];
            }
        } finally {
            java.util.Arrays.fill(destinations, 0, queued, null); // no peer address kept past its datagram
            queued = 0;
            queuedBytes = 0;
        }
    }

    /**
     * Lays out the queued datagrams from {@code first} as mmsghdrs: with GSO, a run of equal-sized
     * datagrams to one peer (its last one may be shorter) becomes one message; {@code firstOfMessage}
     * maps each message back to its first datagram.
     *
     * @return the number of messages
     */
    private int build(int first, boolean useGso) throws IOException {
        int count = 0;
        int i = first;
        firstOfMessage[0] = first;
        while (i < queued) {
            InetSocketAddress to = destinations[i];
            int size = lengths[i];
            int end = i + 1;
            int payload = size;
            if (useGso && size > 0) {
                while (end < queued && end - i < MAX_GSO_SEGMENTS && destinations[end].equals(to)
                        && lengths[end] <= size && lengths[end] > 0 && payload + lengths[end] <= GSO_PAYLOAD
                        && offsets[end] == offsets[end - 1] + size) {
                    payload += lengths[end];
                    end++;
                    if (lengths[end - 1] < size) {
                        break; // the shorter tail ends the run
                    }
                }
            }
            long base = count * MMSGHDR.byteSize();
            MemorySegment iov = sendIovecs.asSlice(count * IOVEC.byteSize(), IOVEC.byteSize());
            iov.set(ADDRESS, IOV_BASE, sendData.asSlice(offsets[i], payload));
            iov.set(JAVA_LONG, IOV_LEN, payload);
            int slot = destinationSlot(to);
            sendVector.set(ADDRESS, base + MSG_NAME, destinationNames.asSlice((long) slot * SOCKADDR_SIZE, SOCKADDR_SIZE));
            sendVector.set(JAVA_INT, base + MSG_NAMELEN, destinationLengths[slot]);
            sendVector.set(ADDRESS, base + MSG_IOV, iov);
            sendVector.set(JAVA_LONG, base + MSG_IOVLEN, 1);
            sendVector.set(JAVA_INT, base + MSG_FLAGS, 0);
            if (end - i > 1) {
                MemorySegment control = sendControl.asSlice(count * CMSG_SPACE_U16, CMSG_SPACE_U16);
                control.set(JAVA_LONG, CMSG_LEN, CMSG_DATA + 2);
                control.set(JAVA_INT, CMSG_LEVEL, SOL_UDP);
                control.set(JAVA_INT, CMSG_TYPE, UDP_SEGMENT);
                control.set(JAVA_SHORT, CMSG_DATA, (short) size);
                sendVector.set(ADDRESS, base + MSG_CONTROL, control);
                sendVector.set(JAVA_LONG, base + MSG_CONTROLLEN, CMSG_SPACE_U16);
            } else {
                sendVector.set(ADDRESS, base + MSG_CONTROL, MemorySegment.NULL);
                sendVector.set(JAVA_LONG, base + MSG_CONTROLLEN, 0);
            }
            count++;
            firstOfMessage[count] = end;
            i = end;
        }
        return count;
    }

    /** The slot of the destination's encoded sockaddr, encoding it when it is not the one cached there. */
    private int destinationSlot(InetSocketAddress to) throws IOException {
        int slot = System.identityHashCode(to) & (DESTINATION_SLOTS - 1);
        if (destinationKeys[slot] != to) {
            try {
                destinationLengths[slot] = LinuxUdp.encode(to, family,
                        destinationNames.asSlice((long) slot * SOCKADDR_SIZE, SOCKADDR_SIZE));
            } catch (IllegalArgumentException e) {
                destinationKeys[slot] = null;
                throw new IOException(e.getMessage(), e);
            }
            destinationKeys[slot] = to;
        }
        return slot;
    }

    public int sendNow(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        SendScratch scratch = SCRATCH.get();
        int length = datagram.remaining();
        if (length > scratch.data.byteSize()) {
            throw new IOException("datagram of " + length + " bytes is larger than " + MAX_PAYLOAD);
        }
        scratch.view.put(0, datagram, datagram.position(), length);
        int nameLength = scratch.encode(to, family);
        ReentrantReadWriteLock.ReadLock lock = closing.readLock();
        lock.lock();
        try {
            ensureOpen();
            long n;
            do {
                n = LinuxUdp.sendto(fd, scratch.data, length, MSG_DONTWAIT, scratch.name, nameLength);
            } while (n < 0 && LinuxUdp.errno() == EINTR);
            if (n < 0) {
                int errno = LinuxUdp.errno();
                if (errno == EAGAIN) {
                    return 0;
                }
                throw LinuxUdp.error("sendto " + to, errno);
            }
            datagram.position(datagram.position() + (int) n);
            return (int) n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Any thread: writes datagrams {@code first} to {@code count - 1} of a batch to one peer now, as
     * many per system call as fit one {@link SendBatchArea}: one {@code sendmmsg} in which each run of
     * equal-sized datagrams is a single GSO message. A GSO message the kernel refuses ({@code EIO},
     * {@code EINVAL}, {@code EMSGSIZE}) goes again as separate datagrams in the same call.
     *
     * @param payload every datagram's bytes, one after the other: datagram {@code i} ends at {@code ends[i]}
     * @return how many datagrams from {@code first} on were written; 0 when the send buffer is full
     * @throws ClosedChannelException if the socket is closed
     * @throws IOException for datagram {@code first} (and those sent with it), with errno's text
     */
    public int sendNow(byte[] payload, int[] ends, int first, int count, InetSocketAddress to) throws IOException {
        SendBatchArea area = SendBatchArea.take();
        try {
            area.layOut(payload, ends, first, count);
            area.destination(to, family);
            ReentrantReadWriteLock.ReadLock lock = closing.readLock();
            lock.lock();
            try {
                ensureOpen();
                boolean useGso = gso;
                while (true) {
                    int messages = area.build(useGso);
                    int n;
                    do {
                        n = LinuxUdp.sendmmsg(fd, area.vector(), messages, MSG_DONTWAIT);
                    } while (n < 0 && LinuxUdp.errno() == EINTR);
                    if (n > 0) {
                        return area.datagramsIn(n);
                    }
                    int errno = LinuxUdp.errno();
                    if (useGso && area.firstIsRun() && (errno == EIO || errno == EINVAL || errno == EMSGSIZE)) {
                        useGso = false; // the same datagrams again, one a message
                        throttledLog.debug(System.nanoTime(), "{}: the kernel refused GSO ({}); sent separately",
                                localAddress, LinuxUdp.error("sendmmsg", errno).getMessage());
                        continue;
                    }
                    if (errno == EAGAIN) {
                        return 0;
                    }
                    if (errno == EBADF) {
                        throw new ClosedChannelException();
                    }
                    throw LinuxUdp.error("sendmmsg " + to, errno);
                }
            } finally {
                lock.unlock();
            }
        } finally {
            area.release();
        }
    }

    /** A sending thread's own native buffer and destination, reused across its sends. */
    private static final class SendScratch {
        private final MemorySegment data = Arena.ofAuto().allocate(MAX_PAYLOAD, 64);
        private final ByteBuffer view = data.asByteBuffer();
        private final MemorySegment name = Arena.ofAuto().allocate(SOCKADDR_SIZE, 8);
        private InetSocketAddress last;
        private int lastFamily;
        private int nameLength;

        int encode(InetSocketAddress to, int family) throws IOException {
            if (to != last || family != lastFamily) {
                try {
                    nameLength = LinuxUdp.encode(to, family, name);
                } catch (IllegalArgumentException e) {
                    last = null;
                    throw new IOException(e.getMessage(), e);
                }
                last = to;
                lastFamily = family;
            }
            return nameLength;
        }
    }

    private static final ThreadLocal<SendScratch> SCRATCH = ThreadLocal.withInitial(SendScratch::new);

    public long coalescedDatagrams() {
        return coalesced;
    }

    /** Datagrams lost at flush to a full send buffer or an error. */
    public long sendDrops() {
        return sendDrops;
    }

    /**
     * The bytes of the datagrams {@link #sendDrops()} counts.
     *
     * @return the count since the socket opened
     */
    public long sendDroppedBytes() {
        return sendDroppedBytes;
    }

    /** Counts the queued datagrams {@code from} (inclusive) to {@code to} (exclusive) as dropped. */
    private void drop(int from, int to) {
        long bytes = 0;
        for (int i = from; i < to; i++) {
            bytes += lengths[i];
        }
        sendDrops += to - from;
        sendDroppedBytes += bytes;
    }

    // ------------------------------------------------------------------ waiting

    public void readInterest(boolean on) {
        pollFds.set(JAVA_SHORT, 4, on ? POLLIN : 0);
    }

    public void await(long timeoutMillis) throws IOException {
        if (message < received && pollFds.get(JAVA_SHORT, 4) != 0) {
            return; // datagrams of the last batch are still waiting to be read
        }
        ensureOpen();
        int timeout = timeoutMillis == 0 ? -1 : timeoutMillis < 0 ? 0 : (int) Math.min(timeoutMillis, Integer.MAX_VALUE);
        int n = LinuxUdp.poll(pollFds, 2, timeout);
        if (n < 0) {
            int errno = LinuxUdp.errno();
            if (errno == EINTR) {
                return;
            }
            throw LinuxUdp.error("poll", errno);
        }
        if (n > 0 && (pollFds.get(JAVA_SHORT, POLLFD.byteSize() + 6) & POLLIN) != 0) {
            LinuxUdp.read(eventFd, eventValue, 8); // drains the wake-ups
        }
    }

    public void wakeup() {
        // Under the lock: a descriptor closed and reused meanwhile must not get the 8 bytes.
        ReentrantReadWriteLock.ReadLock lock = closing.readLock();
        lock.lock();
        try {
            if (!closed) {
                LinuxUdp.write(eventFd, ONE, 8); // EAGAIN only when 2^64 - 2 wake-ups wait: one is enough
            }
        } finally {
            lock.unlock();
        }
    }

    /** The eventfd increment, shared read-only by every waking thread. */
    private static final MemorySegment ONE = one();

    private static MemorySegment one() {
        MemorySegment one = Arena.global().allocate(JAVA_LONG);
        one.set(JAVA_LONG, 0, 1L);
        return one;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    public void close() {
        ReentrantReadWriteLock.WriteLock lock = closing.writeLock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            LinuxUdp.close(fd);
            LinuxUdp.close(eventFd);
        } finally {
            lock.unlock();
        }
        try {
            arena.close();
        } catch (IllegalStateException e) {
            // still in use by a thread stuck in a call: the memory goes when that call returns and the arena is collected
            LOG.debug("{}: native memory still in use at close", localAddress, e);
        }
    }

    public String toString() {
        return name + " on " + localAddress;
    }
}
