package io.github.udpkit.cli;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.udpkit.core.Durations;
import io.github.udpkit.core.security.AddressFilter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seeds' TCP echo server on the JDK's blocking channels: many clients at once, each on a thread
 * of a bounded pool; every chunk read is written back as it arrives, upper-cased or byte for byte,
 * and the connection is closed when the client closes its side.
 *
 * <p>Upper-casing decodes the stream with a stateful decoder, so a character whose UTF-8 bytes are
 * split across two reads is upper-cased whole; a stream that is not UTF-8 is closed and counted.
 */
final class TcpEchoServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpEchoServer.class);
    /** The seeds' clients read at most 1024 bytes at a time; larger chunks are fine, this bounds memory. */
    static final int CHUNK = 8192;

    private final ServerSocketChannel server;
    private final boolean upper;
    private final int maxConnections;
    private final Duration idleTimeout;
    private final EchoObserver observer;
    private final AddressFilter filter;
    private final Semaphore slots;
    private final ThreadPoolExecutor workers;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threadIds = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong filtered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    private TcpEchoServer(ServerSocketChannel server, boolean upper, int maxConnections, Duration idleTimeout,
                          AddressFilter filter, EchoObserver observer) {
        this.server = server;
        this.filter = filter;
        this.upper = upper;
        this.maxConnections = maxConnections;
        this.idleTimeout = idleTimeout;
        this.observer = observer;
        this.slots = new Semaphore(maxConnections);
        // At most maxConnections tasks exist at once (the semaphore), so the queue stays that small;
        // a SynchronousQueue could reject a task while a finishing thread has not yet gone idle.
        this.workers = new ThreadPoolExecutor(maxConnections, maxConnections, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "udpkit-tcp-echo-" + threadIds.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.workers.allowCoreThreadTimeOut(true);
    }

    /**
     * Binds the server.
     *
     * @param bind the local address
     * @param maxConnections the most clients served at once; more are accepted and closed at once
     * @param idleTimeout how long a client may stay silent before it is disconnected
     * @param filter which client addresses may connect; others are closed at once
     * @throws CliException if the port is in use or the address cannot be bound
     */
    static TcpEchoServer open(InetSocketAddress bind, boolean upper, int maxConnections, Duration idleTimeout,
                              AddressFilter filter, EchoObserver observer) {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(observer, "observer");
        checkArgument(maxConnections > 0, "maxConnections must be positive: %s", maxConnections);
        checkArgument(!idleTimeout.isNegative() && !idleTimeout.isZero(), "idleTimeout must be positive: %s", idleTimeout);
        checkArgument(idleTimeout.toMillis() <= Integer.MAX_VALUE, "idleTimeout too long: %s", idleTimeout);
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open();
            server.bind(bind, Math.min(maxConnections, 128));
            return new TcpEchoServer(server, upper, maxConnections, idleTimeout, filter, observer);
        } catch (BindException e) {
            closeQuietly(server);
            throw Endpoints.bindFailed("tcp", bind, e);
        } catch (IOException e) {
            closeQuietly(server);
            throw new CliException("cannot listen on tcp " + Addresses.format(bind) + ": " + e.getMessage(), e);
        }
    }

    InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new CliException("tcp server is closed", e);
        }
    }

    /** Accepts clients until {@link #close()} is called, on the calling thread. */
    void serve() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // Out of file descriptors and the like: the client is lost, the server carries on,
                // pausing so that a lasting failure neither spins nor floods the log.
                LOG.warn("accept failed: {}", e.toString());
                pauseAfterFailure();
                continue;
            }
            InetSocketAddress peer = remote(client);
            if (!filter.isAllowed(peer)) {
                filtered.incrementAndGet();
                observer.dropped("tcp", peer, "refused by --allow/--deny");
                closeQuietly(client);
                continue;
            }
            if (!slots.tryAcquire()) {
                refused.incrementAndGet();
                observer.dropped("tcp", peer, "refused, " + maxConnections + " connections open");
                closeQuietly(client);
                continue;
            }
            accepted.incrementAndGet();
            open.add(client);
            if (closed) {
                // close() may have run between the check above and add(): do not leave this one open.
                closeQuietly(client);
            }
            observer.peer("tcp", peer, open.size());
            workers.execute(() -> {
                try {
                    serveClient(client, peer);
                } finally {
                    open.remove(client);
                    closeQuietly(client);
                    slots.release();
                }
            });
        }
    }

    private void serveClient(SocketChannel client, InetSocketAddress peer) {
        long bytesIn = 0;
        long bytesOut = 0;
        Uppercase.Stream caser = upper ? new Uppercase.Stream(CHUNK) : null;
        byte[] buffer = new byte[CHUNK];
        int held = 0; // bytes of an incomplete UTF-8 character kept from the last read
        try {
            client.socket().setSoTimeout((int) idleTimeout.toMillis());
            client.socket().setTcpNoDelay(true);
            InputStream in = client.socket().getInputStream();
            OutputStream out = client.socket().getOutputStream();
            while (true) {
                int n = in.read(buffer, held, buffer.length - held);
                if (n < 0) {
                    break;
                }
                Instant receivedAt = Instant.now();
                bytesIn += n;
                byte[] received = Arrays.copyOfRange(buffer, held, held + n);
                byte[] reply;
                if (caser == null) {
                    reply = received;
                } else {
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, held + n);
                    reply = caser.next(chunk).getBytes(StandardCharsets.UTF_8);
                    held = chunk.remaining();
                    System.arraycopy(buffer, chunk.position(), buffer, 0, held);
                }
                Instant repliedAt = Instant.now();
                if (reply.length > 0) {
                    out.write(reply);
                    out.flush();
                    bytesOut += reply.length;
                }
                observer.echoed("tcp", peer, received, receivedAt, reply, repliedAt);
            }
            if (caser != null) {
                caser.finish(ByteBuffer.wrap(buffer, 0, held));
            }
        } catch (CharacterCodingException e) {
            dropped.incrementAndGet();
            observer.dropped("tcp", peer, "not UTF-8, connection closed");
        } catch (SocketTimeoutException e) {
            observer.dropped("tcp", peer, "idle for " + Durations.format(idleTimeout) + ", connection closed");
        } catch (SocketException | ClosedChannelException e) {
            // Reset by the client, or closed by close(): nothing to report but the close below.
            LOG.debug("tcp {}: {}", peer, e.toString());
        } catch (IOException e) {
            LOG.debug("tcp {}: {}", peer, e.toString());
        } finally {
            observer.closed("tcp", peer, bytesIn, bytesOut, Math.max(0, open.size() - 1));
        }
    }

    /** The number of clients served so far. */
    long accepted() {
        return accepted.get();
    }

    /** The number of clients refused by the address filter. */
    long filtered() {
        return filtered.get();
    }

    /** The number of clients refused because {@code maxConnections} were open. */
    long refused() {
        return refused.get();
    }

    /** The number of connections closed because their bytes were not UTF-8 (upper-casing only). */
    long dropped() {
        return dropped.get();
    }

    /** Stops accepting, disconnects every client and waits briefly for their threads to end. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(server);
        for (SocketChannel c : open) {
            closeQuietly(c);
        }
        workers.shutdown();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pauseAfterFailure() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static InetSocketAddress remote(SocketChannel c) {
        try {
            return (InetSocketAddress) c.getRemoteAddress();
        } catch (IOException e) {
            return new InetSocketAddress(0);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("close failed: {}", e.toString());
        }
    }
}
