package io.github.udpkit.bench;

import io.github.udpkit.api.Batch;
import io.github.udpkit.api.Codecs;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.api.Endpoint;
import io.github.udpkit.core.Udp;
import io.github.udpkit.core.protocol.EngineConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The driver's cost per RELIABLE message over real loopback sockets: a batch of {@value #BATCH}
 * messages from one endpoint to another, each invocation waiting for the batch's future (every
 * message acknowledged). Run with {@code -prof gc}: {@code gc.alloc.rate.norm} counts every
 * thread's allocation, both endpoints' I/O threads included, per message. The receiver counts in
 * its handler, so what it allocates is what the API gives a handler: a {@code Message} and its
 * decoded payload per message. Traffic stays on 127.0.0.1. Not final: JMH generates subclasses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DriverBenchmark {

    /** Messages per batch; the score is per message. */
    static final int BATCH = 64;

    /** The message size in bytes. */
    @Param({"64", "1200"})
    public int payload;

    private Endpoint<byte[]> sender;
    private Endpoint<byte[]> receiver;
    private InetSocketAddress target;
    private byte[] message;
    private final AtomicLong received = new AtomicLong();

    /** Opens both endpoints, RELIABLE, with datagrams as large as loopback carries. */
    @Setup(Level.Trial)
    public void setUp() {
        EngineConfig config = EngineConfig.builder().maxDatagramSize(65_507).build();
        receiver = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).protocol(config)
                .open();
        sender = Udp.endpoint(Codecs.bytes()).bind("127.0.0.1", 0).mode(DeliveryMode.RELIABLE).protocol(config)
                .open();
        receiver.onMessage(m -> received.incrementAndGet());
        target = receiver.localAddress();
        message = new byte[payload];
    }

    /** Closes both endpoints. */
    @TearDown(Level.Trial)
    public void tearDown() {
        sender.close();
        receiver.close();
    }

    /** Sends one batch and waits until the receiver acknowledged all of it. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void reliableBatch() throws Exception {
        Batch<byte[]> batch = sender.batch();
        for (int i = 0; i < BATCH; i++) {
            batch.add(message);
        }
        CompletableFuture<Void> done = batch.to(target);
        done.get(10, TimeUnit.SECONDS);
    }
}
