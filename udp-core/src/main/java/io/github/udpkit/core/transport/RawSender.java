package io.github.udpkit.core.transport;

import io.github.udpkit.api.BackPressureException;
import io.github.udpkit.api.EndpointClosedException;
import io.github.udpkit.api.UdpIoException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Writes RAW and unframed datagrams to an endpoint's socket on the caller's own thread (every
 * transport allows concurrent writers beside its one reader), so a RAW send costs one
 * system call, and counts what it wrote.
 */
final class RawSender {

    /** How long a RAW sender parks between attempts while the socket's send buffer is full. */
    private static final long SEND_RETRY_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    /**
     * Each sending platform thread's buffer for RAW sends; see {@link #sendBuffer}. A virtual
     * thread, which may live for one send, leaves the copy to the JDK instead.
     */
    private static final ThreadLocal<ByteBuffer> SEND_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(2048));
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final DatagramIo io;
    private final InetSocketAddress localAddress;
    private final Duration sendTimeout;
    private final long sendTimeoutNanos;
    private final Supplier<EndpointClosedException> closed;
    private final LongAdder datagramsSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();

    RawSender(DatagramIo io, InetSocketAddress localAddress, Duration sendTimeout, long sendTimeoutNanos,
            Supplier<EndpointClosedException> closed) {
        this.io = io;
        this.localAddress = localAddress;
        this.sendTimeout = sendTimeout;
        this.sendTimeoutNanos = sendTimeoutNanos;
        this.closed = closed;
    }

    /**
     * Any thread: writes the datagram, waiting boundedly while the socket's send buffer is full.
     *
     * @return a completed future, or one failed with the I/O error
     * @throws BackPressureException if the send buffer stayed full for the send timeout
     * @throws EndpointClosedException if the channel is closed
     */
    CompletableFuture<Void> send(byte[] bytes, InetSocketAddress to) {
        try {
            write(bytes, 0, bytes.length, to);
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(UdpIoException.of("send", localAddress, to, e));
        }
    }

    /**
     * Any thread: writes a batch's datagrams to one peer, all in this one call: message {@code i}
     * is {@code payload[ends[i-1]..ends[i])} (from 0 for the first). A transport that writes many datagrams
     * per system call (sendmmsg, GSO) takes the batch in as few calls as it can; the JDK's takes
     * one a datagram. An I/O error
     * fails the future (the first one, the rest of the batch still written); a socket buffer that
     * stays full throws, after the datagrams before it were written.
     *
     * @return a completed future, or one failed with the first I/O error
     * @throws BackPressureException if the send buffer stayed full for the send timeout
     * @throws EndpointClosedException if the channel is closed
     */
    CompletableFuture<Void> sendBatch(byte[] payload, int[] ends, int count, InetSocketAddress to) {
        IOException failure = io.sendsBatches() ? writeBatched(payload, ends, count, to) : writeEach(payload, ends, count, to);
        return failure == null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(UdpIoException.of("send", localAddress, to, failure));
    }

    /** A batch one datagram a system call; returns the first I/O error, or null. */
    private IOException writeEach(byte[] payload, int[] ends, int count, InetSocketAddress to) {
        IOException failure = null;
        int start = 0;
        for (int i = 0; i < count; i++) {
            try {
                write(payload, start, ends[i] - start, to);
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
            start = ends[i];
        }
        return failure;
    }

    /**
     * A batch as many datagrams a system call as the transport takes, waiting boundedly while the
     * socket's send buffer is full, as {@link #write} does; returns the first I/O error, or null.
     */
    private IOException writeBatched(byte[] payload, int[] ends, int count, InetSocketAddress to) {
        IOException failure = null;
        int first = 0;
        long waitStart = 0;
        while (first < count) {
            int written;
            try {
                written = io.sendNow(payload, ends, first, count, to);
            } catch (ClosedChannelException e) {
                throw closed.get();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
                first++; // that datagram is lost; the rest still go, as they would one by one
                waitStart = 0;
                continue;
            }
            if (written > 0) {
                int last = first + written - 1;
                datagramsSent.add(written);
                bytesSent.add(ends[last] - (first == 0 ? 0 : ends[first - 1]));
                first += written;
                waitStart = 0;
                continue;
            }
            // The socket's send buffer is full: wait for room, boundedly, from the last progress.
            long now = System.nanoTime();
            if (waitStart == 0) {
                waitStart = now;
            } else if (now - waitStart > sendTimeoutNanos) {
                throw new BackPressureException("socket send buffer of " + localAddress + " stayed full for "
                        + sendTimeout.toMillis() + " ms sending to " + to + " (" + first + " of " + count
                        + " datagrams of the batch written)");
            }
            LockSupport.parkNanos(SEND_RETRY_PARK_NANOS);
        }
        return failure;
    }

    /** Writes one datagram, waiting boundedly while the socket's send buffer is full. */
    private void write(byte[] bytes, int offset, int length, InetSocketAddress to) throws IOException {
        ByteBuffer buffer = isVirtual(Thread.currentThread()) ? ByteBuffer.wrap(bytes, offset, length)
                : sendBuffer(length).put(bytes, offset, length).flip();
        long waitStart = 0;
        try {
            while (true) {
                int written = io.sendNow(buffer, to);
                if (written > 0 || length == 0) {
                    datagramsSent.increment();
                    bytesSent.add(written);
                    return;
                }
                // The socket's send buffer is full: wait for room, boundedly.
                long now = System.nanoTime();
                if (waitStart == 0) {
                    waitStart = now;
                } else if (now - waitStart > sendTimeoutNanos) {
                    throw new BackPressureException("socket send buffer of " + localAddress + " stayed full for "
                            + sendTimeout.toMillis() + " ms sending to " + to);
                }
                LockSupport.parkNanos(SEND_RETRY_PARK_NANOS);
            }
        } catch (ClosedChannelException e) {
            throw closed.get();
        }
    }

    /** Datagrams written. */
    long datagramsSent() {
        return datagramsSent.sum();
    }

    /** Bytes written. */
    long bytesSent() {
        return bytesSent.sum();
    }

    private static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable e) {
            throw new AssertionError("Thread.isVirtual() threw", e);
        }
    }

    /** {@code Thread.isVirtual()} where the JDK has it (21 and later), else null. */
    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // before JDK 21 every thread is a platform thread
        }
    }

    /**
     * The calling thread's direct buffer for RAW sends, cleared, with room for {@code length}
     * bytes. The socket reads only direct memory: given a heap buffer, the JDK copies it into a
     * temporary direct buffer of its own on every send, and its cache of those costs more than
     * this one buffer per thread, which grows to the largest datagram the thread has sent.
     */
    private static ByteBuffer sendBuffer(int length) {
        ByteBuffer buffer = SEND_BUFFER.get();
        if (buffer.capacity() < length) {
            buffer = ByteBuffer.allocateDirect(Math.max(length, 2 * buffer.capacity()));
            SEND_BUFFER.set(buffer);
        }
        return buffer.clear();
    }
}
