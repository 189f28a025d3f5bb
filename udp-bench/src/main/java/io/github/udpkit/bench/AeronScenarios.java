package io.github.udpkit.bench;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.Configuration;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.github.udpkit.benchkit.OneWay;
import io.github.udpkit.benchkit.RoundTrip;
import io.github.udpkit.benchkit.Scenario;
import io.github.udpkit.benchkit.SequenceCounter;
import io.github.udpkit.benchkit.Stamp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Aeron as a peer: an embedded media driver in SHARED threading mode (one driver thread, the fair
 * setting on 2 cores), UDP channels on 127.0.0.1, a publication offer loop and a subscription poll
 * loop, every thread idling with Aeron's default back-off strategy (spin, then yield, then park).
 * Aeron packs small messages into few datagrams and is reliable, so it is what udpkit's RELIABLE
 * mode is measured against.
 */
final class AeronScenarios {

    static final String KEY = "aeron";
    static final String MODE = "Aeron, SHARED driver";
    static final String TRANSPORT = "aeron";
    /** The key of the row whose MTU is raised to udpkit's datagram size. */
    static final String MTU_KEY = "aeron-mtu";
    /** Aeron's largest MTU ({@code Configuration.MAX_UDP_PAYLOAD_LENGTH}); an MTU is a multiple of {@value #FRAME_ALIGNMENT}. */
    static final int MAX_MTU = Configuration.MAX_UDP_PAYLOAD_LENGTH;
    /** Aeron aligns frames, and so its MTU, to this many bytes ({@code FrameDescriptor.FRAME_ALIGNMENT}). */
    static final int FRAME_ALIGNMENT = FrameDescriptor.FRAME_ALIGNMENT;
    /**
     * The socket buffers of the raised-MTU row: udpkit's (Linux caps them at net.core.rmem_max and
     * wmem_max). Aeron's default, the system's (about 208 KiB), holds three datagrams of 64 KiB.
     */
    private static final int MTU_SOCKET_BUFFER_BYTES = 4 << 20;
    /**
     * The receiver window of the raised-MTU row: Aeron's default (128 KiB) is two datagrams of
     * 64 KiB; it must not exceed the receive buffer, which Aeron checks when the driver starts.
     */
    private static final int MTU_WINDOW_BYTES = 2 << 20;

    private static final int STREAM = 1001;
    private static final int PONG_STREAM = 1002;
    private static final int FRAGMENT_LIMIT = 256;
    private static final long SETUP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long ECHO_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private AeronScenarios() {
    }

    /** Aeron on its defaults: datagrams of at most 1,408 bytes, the system's socket buffers. */
    static Scenario throughput(int payloadBytes) {
        return Scenario.throughput(KEY, MODE, Scenario.Wait.BUSY_SPIN, payloadBytes,
                counter -> new Stream(payloadBytes, 0, counter)).asLossless().withTransport(TRANSPORT)
                .withMaxDatagramBytes(Configuration.MTU_LENGTH_DEFAULT);
    }

    /**
     * Aeron with its MTU raised to the datagram size udpkit's path MTU rows reach, so that it may
     * pack as many messages into a datagram as udpkit does; its socket buffers and receiver window
     * are raised with it, as a 64 KiB MTU needs. It names the default Aeron row as its reference.
     *
     * @param payloadBytes the message size
     * @param udpkitDatagramBytes the largest datagram udpkit sends in the same comparison
     * @return the row, named "Aeron, SHARED driver, mtu N"
     */
    static Scenario throughputMtu(int payloadBytes, int udpkitDatagramBytes) {
        int mtu = mtuFor(udpkitDatagramBytes);
        return Scenario.throughput(MTU_KEY, MODE + ", mtu " + mtu, Scenario.Wait.BUSY_SPIN, payloadBytes,
                counter -> new Stream(payloadBytes, mtu, counter)).asLossless().withTransport(TRANSPORT)
                .withMaxDatagramBytes(mtu).withReference(KEY);
    }

    /**
     * The Aeron MTU closest to a datagram size that Aeron accepts: rounded down to a multiple of
     * {@value #FRAME_ALIGNMENT}, at most {@link #MAX_MTU} (udpkit's 65,507 becomes 65,504).
     *
     * @param datagramBytes a datagram size, at least {@value #FRAME_ALIGNMENT}
     * @return the MTU
     */
    static int mtuFor(int datagramBytes) {
        if (datagramBytes < FRAME_ALIGNMENT) {
            throw new IllegalArgumentException("datagramBytes must be at least " + FRAME_ALIGNMENT + ": " + datagramBytes);
        }
        return Math.min(MAX_MTU, datagramBytes) / FRAME_ALIGNMENT * FRAME_ALIGNMENT;
    }

    static Scenario roundTrip(int payloadBytes) {
        return Scenario.roundTrip(KEY, MODE, Scenario.Wait.BUSY_SPIN, payloadBytes, () -> new Ping(payloadBytes))
                .withTransport(TRANSPORT);
    }

    /** An embedded driver and a client connected to it. */
    private static final class Embedded implements AutoCloseable {
        private final MediaDriver driver;
        private final Aeron aeron;

        /**
         * @param mtu the MTU of every publication, with socket buffers and window to match, or 0
         *     for Aeron's defaults
         */
        Embedded(int mtu) throws IOException {
            if (!Object.class.getModule().isExported("jdk.internal.misc", AeronScenarios.class.getModule())) {
                throw new IOException("Aeron needs the JVM option --add-exports java.base/jdk.internal.misc=ALL-UNNAMED"
                        + " (java -jar udp-bench.jar sets it)");
            }
            MediaDriver.Context context = new MediaDriver.Context()
                    .threadingMode(ThreadingMode.SHARED)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true);
            if (mtu != 0) {
                context.mtuLength(mtu)
                        .socketRcvbufLength(MTU_SOCKET_BUFFER_BYTES)
                        .socketSndbufLength(MTU_SOCKET_BUFFER_BYTES)
                        .initialWindowLength(MTU_WINDOW_BYTES);
            }
            this.driver = MediaDriver.launchEmbedded(context);
            Aeron client = null;
            try {
                client = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            } finally {
                if (client == null) {
                    driver.close();
                }
            }
            this.aeron = client;
        }

        /** Subscribes on 127.0.0.1 at a port the system chooses; returns the subscription, resolved. */
        Subscription subscribe(int stream) throws IOException {
            Subscription subscription = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", stream);
            await(() -> subscription.tryResolveChannelEndpointPort() != null, "subscription endpoint to resolve");
            return subscription;
        }

        /** Publishes to a subscription's resolved endpoint and waits until it is connected. */
        Publication publish(Subscription to, int stream) throws IOException {
            Publication publication = aeron.addPublication(to.tryResolveChannelEndpointPort(), stream);
            await(() -> publication.isConnected() && to.isConnected(), "publication to connect");
            return publication;
        }

        @Override
        public void close() {
            CloseHelper.closeAll(aeron, driver);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws IOException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > SETUP_TIMEOUT_NANOS) {
                throw new IOException("timed out waiting for the " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Offers, retrying while back-pressured; false if the deadline passed first. */
    private static boolean offer(Publication publication, DirectBuffer buffer, int offset, int length,
                                 IdleStrategy idle, long deadlineNanos) throws IOException {
        long result;
        while ((result = publication.offer(buffer, offset, length)) < 0) {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED
                    || result == Publication.NOT_CONNECTED) {
                throw new IOException("Aeron publication cannot send: " + Publication.errorString(result));
            }
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            idle.idle();
        }
        idle.reset();
        return true;
    }

    /** A poll loop on its own thread until stopped. */
    private static final class Poller {
        private final Thread thread;
        private volatile boolean running = true;
        private volatile Throwable failure;

        Poller(String name, Subscription subscription, FragmentHandler handler) {
            this.thread = new Thread(() -> {
                IdleStrategy idle = new BackoffIdleStrategy();
                try {
                    while (running) {
                        idle.idle(subscription.poll(handler, FRAGMENT_LIMIT));
                    }
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
            }, name);
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void check() throws IOException {
            Throwable f = failure;
            if (f != null) {
                throw new IOException(thread.getName() + " failed: " + f, f);
            }
        }

        void stop() {
            running = false;
            try {
                thread.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void count(SequenceCounter counter, DirectBuffer buffer, int offset, int length) {
        if (length < Stamp.LENGTH) {
            counter.accept(new byte[length]); // counted as malformed
        } else {
            counter.accept(buffer.getInt(offset + Stamp.ROUND_OFFSET, ByteOrder.BIG_ENDIAN),
                    buffer.getLong(offset + Stamp.SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN), length);
        }
    }

    /** A publication offered to from the benchmark's thread, a subscription polled on its own thread. */
    private static final class Stream implements OneWay {
        private final int payloadBytes;
        private final Embedded embedded;
        private final Poller poller;
        private final Publication publication;
        private volatile boolean closed;

        Stream(int payloadBytes, int mtu, SequenceCounter counter) throws IOException {
            this.payloadBytes = payloadBytes;
            this.embedded = new Embedded(mtu);
            try {
                Subscription subscription = embedded.subscribe(STREAM);
                this.publication = embedded.publish(subscription, STREAM);
                this.poller = new Poller("bench-aeron-subscriber", subscription,
                        (buffer, offset, length, header) -> count(counter, buffer, offset, length));
                poller.start();
            } catch (IOException | RuntimeException e) {
                embedded.close();
                throw e;
            }
        }

        @Override
        public long sendUntil(int round, long deadlineNanos, long maxMessages) throws Exception {
            UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(payloadBytes));
            IdleStrategy idle = new BackoffIdleStrategy();
            long sent = OneWay.sendSequence(sequence -> {
                if (closed) {
                    return false;
                }
                message.putInt(Stamp.ROUND_OFFSET, round, ByteOrder.BIG_ENDIAN);
                message.putLong(Stamp.SEQUENCE_OFFSET, sequence, ByteOrder.BIG_ENDIAN);
                return offer(publication, message, 0, payloadBytes, idle, deadlineNanos);
            }, deadlineNanos, maxMessages);
            poller.check();
            return sent;
        }

        @Override
        public void close() {
            closed = true;
            poller.stop();
            embedded.close();
        }
    }

    /** A ping publication and pong subscription on the benchmark's thread, an echo poller on its own. */
    private static final class Ping implements RoundTrip {
        private final int payloadBytes;
        private final Embedded embedded;
        private final Publication pings;
        private final Subscription pongs;
        private final Poller echo;
        private final UnsafeBuffer out;
        private final IdleStrategy idle = new BackoffIdleStrategy();
        private long lastEchoed = -1;
        private final FragmentHandler onPong = (buffer, offset, length, header) -> {
            if (length >= Stamp.LENGTH) {
                lastEchoed = buffer.getLong(offset + Stamp.SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN);
            }
        };

        Ping(int payloadBytes) throws IOException {
            this.payloadBytes = payloadBytes;
            this.out = new UnsafeBuffer(ByteBuffer.allocateDirect(payloadBytes));
            this.embedded = new Embedded(0);
            try {
                Subscription pingSubscription = embedded.subscribe(STREAM);
                this.pings = embedded.publish(pingSubscription, STREAM);
                this.pongs = embedded.subscribe(PONG_STREAM);
                Publication pongPublication = embedded.publish(pongs, PONG_STREAM);
                IdleStrategy echoIdle = new BackoffIdleStrategy();
                this.echo = new Poller("bench-aeron-echo", pingSubscription, (buffer, offset, length, header) -> {
                    try {
                        offer(pongPublication, buffer, offset, length, echoIdle, System.nanoTime() + ECHO_TIMEOUT_NANOS);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                echo.start();
            } catch (IOException | RuntimeException e) {
                embedded.close();
                throw e;
            }
        }

        @Override
        public boolean ping(long sequence) throws IOException {
            out.putInt(Stamp.ROUND_OFFSET, 0, ByteOrder.BIG_ENDIAN);
            out.putLong(Stamp.SEQUENCE_OFFSET, sequence, ByteOrder.BIG_ENDIAN);
            long start = System.nanoTime();
            if (!offer(pings, out, 0, payloadBytes, idle, start + ECHO_TIMEOUT_NANOS)) {
                echo.check();
                return false;
            }
            while (lastEchoed != sequence) {
                int fragments = pongs.poll(onPong, 1);
                if (fragments == 0 && System.nanoTime() - start > ECHO_TIMEOUT_NANOS) {
                    echo.check();
                    return false;
                }
                idle.idle(fragments);
            }
            idle.reset();
            return true;
        }

        @Override
        public void close() {
            echo.stop();
            embedded.close();
        }
    }
}
