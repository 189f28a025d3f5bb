package io.github.udpkit.core.protocol;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.testing.Allocations;
import io.github.udpkit.core.testing.FuzzEngines;
import io.github.udpkit.core.wire.WireReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the plain frame decoder behind the engine: {@link WireReader} on its own, then an engine
 * without protection (so every byte reaches the frame parser) fed the datagram and run through its
 * timers. Whatever arrives, nothing throws, the reader's status is one of its own, no datagram
 * sent exceeds the configured size, and a datagram allocates no more than one peer's state and
 * one reassembly buffer of the maximum message size.
 *
 * <p>The committed seeds ({@code PlainDatagramFuzzTestInputs/}) are the test vectors of
 * PROTOCOL.md; those named {@code valid-*} deliver messages (checked by
 * {@link #shouldHaveValidSeedsThatDeliver}).
 */
class PlainDatagramFuzzTest {
    /** The reader allocates nothing itself; this leaves room for the JVM's own small doings. */
    static final long READER_BOUND = 4096;
    private static final InetSocketAddress FROM = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9001);
    private static final EngineConfig CONFIG = FuzzEngines.config().protection(PacketProtection.none())
            .build();

    @FuzzTest(maxDuration = "10m")
    void receiveDatagram(byte[] input) {
        feed(input);
    }

    /** Decodes and feeds one datagram to a fresh engine; returns how many messages it delivered. */
    static int feed(byte[] input) {
        return Allocations.measuredTwiceIfNeeded(() -> feedOnce(input));
    }

    private static int feedOnce(byte[] input) {
        if (input.length > 2 * FuzzEngines.MAX_DATAGRAM) {
            return 0;
        }
        WireReader reader = new WireReader();
        ByteBuffer buffer = ByteBuffer.wrap(input);
        long start = Allocations.current();
        int status = reader.readHeader(buffer, 0, input.length);
        if (status == WireReader.OK) {
            status = reader.readFrames(buffer, reader.headerLength(), input.length, null);
        }
        if (!WireReader.isStatus(status)) {
            throw new IllegalStateException("status outside the reader's own: " + status);
        }
        Allocations.check(start, READER_BOUND, "WireReader on " + input.length + " bytes");

        int[] delivered = {0};
        Engine engine = new Engine(CONFIG, new EngineOutput() {
            @Override
            public void transmit(InetSocketAddress to, ByteBuffer datagram) {
                if (datagram.remaining() > FuzzEngines.MAX_DATAGRAM) {
                    throw new IllegalStateException("sent " + datagram.remaining() + " bytes, above "
                            + FuzzEngines.MAX_DATAGRAM);
                }
            }

            @Override
            public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
                delivered[0]++;
            }
        }, 0);
        start = Allocations.current();
        engine.receive(FROM, ByteBuffer.wrap(input.clone()), 1_000);
        engine.update(2_000);
        engine.update(10_000_000_000L); // every timer due: acknowledgements, expiry, idle timeout
        Allocations.check(start, FuzzEngines.ALLOCATION_BOUND, "a datagram of " + input.length + " bytes");
        return delivered[0];
    }

    @Test
    void shouldHaveValidSeedsThatDeliver() throws IOException, URISyntaxException {
        URL url = PlainDatagramFuzzTest.class.getResource("PlainDatagramFuzzTestInputs/receiveDatagram");
        assertNotNull(url);
        List<Path> seeds;
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            seeds = files.sorted().toList();
        }
        int valid = 0;
        for (Path seed : seeds) {
            int delivered = feed(Files.readAllBytes(seed));
            if (seed.getFileName().toString().startsWith("valid-")) {
                valid++;
                assertTrue(delivered > 0, seed + " delivers");
            }
        }
        assertTrue(valid >= 2, "valid seeds: " + valid);
    }

    @Test
    void shouldHaveASeedForEveryStatusTheReaderReturns() throws IOException, URISyntaxException {
        URL url = PlainDatagramFuzzTest.class.getResource("PlainDatagramFuzzTestInputs/receiveDatagram");
        assertNotNull(url);
        java.util.Set<Integer> reached = new java.util.TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            for (Path seed : files.toList()) {
                byte[] input = Files.readAllBytes(seed);
                WireReader reader = new WireReader();
                ByteBuffer buffer = ByteBuffer.wrap(input);
                int status = reader.readHeader(buffer, 0, input.length);
                if (status == WireReader.OK) {
                    status = reader.readFrames(buffer, reader.headerLength(), input.length, null);
                }
                reached.add(status);
            }
        }
        for (int status = 0; WireReader.isStatus(status); status++) {
            assertTrue(reached.contains(status), "no seed makes the reader return " + WireReader.describe(status)
                    + ": fuzz it (README, Fuzzing) and keep what it finds");
        }
    }
}
