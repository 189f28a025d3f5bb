package io.github.udpkit.bench;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
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
    static final String MODE = "Aeron (SHARED driver)";

    private static final int STREAM = 1001;
    private static final int PONG_STREAM = 1002;
    private static final int FRAGMENT_LIMIT = 256;
    private static final long SETUP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long ECHO_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private AeronScenarios() {
    }

    static Scenario throughput(int payloadBytes) {
        return Scenario.throughput(KEY, MODE, Scenario.Wait.BUSY_SPIN, payloadBytes,
                counter -> new Stream(payloadBytes, counter)).asLossless();
    }

    static Scenario roundTrip(int payloadBytes) {
        return Scenario.roundTrip(KEY, MODE, Scenario.Wait.BUSY_SPIN, payloadBytes, () -> new Ping(payloadBytes));
    }

    /** An embedded driver and a client connected to it. */
    private static final class Embedded implements AutoCloseable {
        private final MediaDriver driver;
        private final Aeron aeron;

        Embedded() throws IOException {
            if (!Object.class.getModule().isExported("jdk.internal.misc", AeronScenarios.class.getModule())) {
                throw new IOException("Aeron needs the JVM option --add-exports java.base/jdk.internal.misc=ALL-UNNAMED"
                        + " (java -jar udp-bench.jar sets it)");
            }
            MediaDriver.Context context = new MediaDriver.Context()
                    .threadingMode(ThreadingMode.SHARED)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true);
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

        Stream(int payloadBytes, SequenceCounter counter) throws IOException {
            this.payloadBytes = payloadBytes;
            this.embedded = new Embedded();
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
            this.embedded = new Embedded();
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
