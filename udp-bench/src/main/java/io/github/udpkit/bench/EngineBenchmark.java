package io.github.udpkit.bench;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.protocol.EngineOutput;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The protocol engine's cost per message, without sockets: two engines joined by a perfect
 * in-memory link in virtual time. Each invocation sends a batch of messages from one to the other
 * and runs both until every one is delivered (and, for RELIABLE, acknowledged): packing, the DATA
 * and ACK frames, the send and receive windows, RTT and congestion bookkeeping and the
 * {@code CompletableFuture} of every send. Not final: JMH generates subclasses of it.
 *
 * <p>With {@code idlePeers}, engine A also holds that many idle connections: at setup, a client
 * engine of its own at each of that many addresses sends A one UNRELIABLE message, which A
 * acknowledges; then they are silent, with keep-alive off and a day's idle timeout, so they stay
 * idle. The cost of a turn must not grow with them. Both settings of {@code idlePeers} run with the
 * same configuration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineBenchmark {

    /** Messages sent per invocation; the score is per message. */
    static final int BATCH = 64;
    /** The most exchanges one batch may take; more means the engines are stuck. */
    private static final int MAX_EXCHANGES = 10_000;
    /** Virtual time between exchanges: past the ACK delay, so every exchange acknowledges. */
    private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(6);

    /** The framed mode. */
    @Param({"UNRELIABLE", "RELIABLE"})
    public String mode;

    /** The message size in bytes. */
    @Param({"64", "1200"})
    public int payload;

    /**
     * Whether pacing and path MTU discovery are on (RFC 9002 7.7, RFC 8899; both off by default),
     * to show what they cost the hot path.
     */
    @Param({"false", "true"})
    public boolean paced;

    /** Idle connections engine A holds beside the one stream. */
    @Param({"0", "10000"})
    public int idlePeers;

    private final InetSocketAddress addressA = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
    private final InetSocketAddress addressB = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2);
    private Link toB;
    private Link toA;
    private Engine a;
    private Engine b;
    private DeliveryMode deliveryMode;
    private byte[] message;
    private long now;
    private long delivered;

    /** Creates both engines with the default configuration and joins them. */
    @Setup
    public void setUp() {
        deliveryMode = DeliveryMode.valueOf(mode);
        message = new byte[payload];
        Arrays.fill(message, (byte) 'x');
        toB = new Link();
        toA = new Link();
        // No keep-alive and a day's idle timeout, so the idle connections stay idle for the whole run.
        EngineConfig config = EngineConfig.builder().keepAliveInterval(Duration.ZERO).idleTimeout(Duration.ofDays(1))
                .maxPeers(Math.max(idlePeers + 16, EngineConfig.defaults().maxPeers()))
                .pacing(paced).pathMtuDiscovery(paced).build();
        a = new Engine(config, new Output(toB), now);
        b = new Engine(config, new Output(toA), now);
        Link fromIdle = new Link();
        for (int i = 0; i < idlePeers; i++) {
            Engine client = new Engine(EngineConfig.builder().seed(i).build(), new Output(fromIdle), now);
            client.send(addressA, DeliveryMode.UNRELIABLE, message, new CompletableFuture<>(), now);
            client.update(now);
            fromIdle.drainInto(a, idleAddress(i), now);
        }
        a.update(now); // acknowledges them all (the ACKs go nowhere)
        delivered = 0;
        if (a.peerCount() != idlePeers) {
            throw new IllegalStateException("engine A holds " + a.peerCount() + " connections, not " + idlePeers);
        }
    }

    private static InetSocketAddress idleAddress(int i) {
        byte[] ip = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), 9);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4-byte address is always valid", e);
        }
    }

    /** Sends a batch from A to B and runs both engines until A has nothing left pending. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long sendBatch() {
        long before = delivered;
        for (int i = 0; i < BATCH; i++) {
            a.send(addressB, deliveryMode, message, new CompletableFuture<>(), now);
        }
        exchangeUntilSent();
        if (delivered - before != BATCH) {
            throw new IllegalStateException("delivered " + (delivered - before) + " of " + BATCH + " over a perfect link");
        }
        return delivered;
    }

    /** Steps both engines, datagrams crossing the perfect link, until {@code a} has sent everything queued. */
    private void exchangeUntilSent() {
        int exchanges = 0;
        do {
            if (++exchanges > MAX_EXCHANGES) {
                throw new IllegalStateException("a batch was not delivered within " + MAX_EXCHANGES + " exchanges");
            }
            now += STEP_NANOS;
            a.update(now);
            toB.drainInto(b, addressA, now);
            b.update(now);
            toA.drainInto(a, addressB, now);
        } while (a.queuedMessages(addressB) > 0);
    }

    /**
     * As {@link #sendBatch}, with one completion for the whole batch, as {@code Endpoint.batch()}
     * gives the engine: what the engine itself allocates per message, send, ACK and delivery, with
     * nothing of the caller's. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes per
     * message.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long sendBatchOneCompletion() {
        long before = delivered;
        batchCompletion.settled = 0;
        for (int i = 0; i < BATCH; i++) {
            a.send(addressB, 0, deliveryMode, message, 0, message.length, batchCompletion, now);
        }
        exchangeUntilSent();
        if (delivered - before != BATCH || batchCompletion.settled != BATCH) {
            throw new IllegalStateException("delivered " + (delivered - before) + " and settled "
                    + batchCompletion.settled + " of " + BATCH + " over a perfect link");
        }
        return delivered;
    }

    private final CountingCompletion batchCompletion = new CountingCompletion();

    /** A completion that counts the messages the engine settles and never completes: reused by every batch. */
    private static final class CountingCompletion extends CompletableFuture<Void> {
        int settled;

        @Override
        public boolean complete(Void value) {
            settled++;
            return false;
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            throw new IllegalStateException("a message failed over a perfect link", failure);
        }
    }

    /** One direction of the link: datagrams copied into preallocated buffers, delivered in order. */
    private static final class Link {
        private final ByteBuffer[] slots = new ByteBuffer[4096];
        private int count;

        Link() {
            for (int i = 0; i < slots.length; i++) {
                slots[i] = ByteBuffer.allocate(2048);
            }
        }

        void add(ByteBuffer datagram) {
            if (count == slots.length) {
                throw new IllegalStateException("more than " + slots.length + " datagrams in one exchange");
            }
            ByteBuffer slot = slots[count++];
            slot.clear();
            slot.put(datagram);
            slot.flip();
        }

        void drainInto(Engine engine, InetSocketAddress from, long nowNanos) {
            for (int i = 0; i < count; i++) {
                engine.receive(from, slots[i], nowNanos);
            }
            count = 0;
        }
    }

    /** Puts what an engine transmits on its link, and counts what it delivers. */
    private final class Output implements EngineOutput {
        private final Link link;

        Output(Link link) {
            this.link = link;
        }

        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            if (to.getPort() != 9) { // the idle peers' datagrams go nowhere
                link.add(datagram);
            }
        }

        @Override
        public void deliver(InetSocketAddress from, DeliveryMode deliveredMode, ByteBuffer messagePayload, long nowNanos) {
            delivered++;
        }
    }
}
