package io.github.udpkit.bench;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.protocol.EngineOutput;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The protocol engine's share of a round trip, without sockets or threads: a ping from engine A,
 * echoed by B from its delivery callback, back to A, in virtual time, as {@code udpkit bench}'s
 * handler round trip does over loopback (each side's I/O thread updates its engine right after
 * the datagram that woke it). The time between the hops stays under the ACK delay, so every ACK
 * rides on the next message, as it does in the real ping-pong. What a RELIABLE round trip costs
 * beyond an UNRELIABLE one here is the reliability bookkeeping; what the loopback round trip costs
 * beyond a raw {@code DatagramChannel}'s and beyond this is the I/O loop's. Not final: JMH
 * generates subclasses of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EnginePingPongBenchmark {

    /** Virtual time per hop: loopback's, far below the ACK delay, so no ACK goes alone. */
    private static final long HOP_NANOS = TimeUnit.MICROSECONDS.toNanos(5);

    /** The framed mode. */
    @Param({"UNRELIABLE", "RELIABLE"})
    public String mode;

    private final InetSocketAddress addressA = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
    private final InetSocketAddress addressB = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2);
    private final ByteBuffer toA = ByteBuffer.allocate(2048);
    private final ByteBuffer toB = ByteBuffer.allocate(2048);
    private Engine a;
    private Engine b;
    private DeliveryMode deliveryMode;
    private byte[] ping;
    private long now;
    private long echoes;

    /** Creates both engines with the default configuration; the first ping opens the conversation. */
    @Setup
    public void setUp() {
        deliveryMode = DeliveryMode.valueOf(mode);
        ping = new byte[64];
        Arrays.fill(ping, (byte) 'x');
        EngineConfig config = EngineConfig.defaults();
        a = new Engine(config, new Output(toB, true), now);
        b = new Engine(config, new Output(toA, false), now);
        roundTrip(); // the handshake's datagrams, once
    }

    /**
     * One round trip: A sends a ping and transmits, B receives it, echoes it from its callback and
     * transmits, A receives the echo.
     *
     * @return echoes so far
     */
    @Benchmark
    public long roundTrip() {
        long before = echoes;
        a.send(addressB, deliveryMode, ping, new CompletableFuture<>(), now);
        a.update(now);
        now += HOP_NANOS;
        deliver(toB, b, addressA);
        b.update(now);
        now += HOP_NANOS;
        deliver(toA, a, addressB);
        a.update(now);
        if (echoes == before) {
            throw new IllegalStateException("no echo over a perfect link");
        }
        return echoes;
    }

    /** Hands the datagram on a link, if any, to an engine: one datagram a hop is all a ping-pong makes. */
    private void deliver(ByteBuffer link, Engine engine, InetSocketAddress from) {
        if (link.position() > 0) {
            link.flip();
            engine.receive(from, link, now);
            link.clear();
        }
    }

    /** Puts the one datagram a hop carries on its link, and echoes at B; a second one in a hop is a surprise. */
    private final class Output implements EngineOutput {
        private final ByteBuffer link;
        private final boolean pinger;

        Output(ByteBuffer link, boolean pinger) {
            this.link = link;
            this.pinger = pinger;
        }

        @Override
        public void transmit(InetSocketAddress to, ByteBuffer datagram) {
            if (link.position() > 0) {
                throw new IllegalStateException("two datagrams in one hop: the ACK did not ride on the message");
            }
            link.put(datagram);
        }

        @Override
        public void deliver(InetSocketAddress from, DeliveryMode deliveredMode, ByteBuffer payload, long nowNanos) {
            if (pinger) {
                echoes++;
            } else {
                byte[] echo = new byte[payload.remaining()];
                payload.get(echo);
                b.send(from, deliveredMode, echo, new CompletableFuture<>(), nowNanos);
            }
        }
    }
}
