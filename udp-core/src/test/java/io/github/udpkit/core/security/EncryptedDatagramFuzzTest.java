package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.protocol.Engine;
import io.github.udpkit.core.protocol.EngineConfig;
import io.github.udpkit.core.protocol.EngineOutput;
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
 * Fuzzes the encrypted receive path: an engine protected by {@link AeadProtection} is fed one
 * arbitrary datagram, then runs its timers. Whatever arrives, nothing throws, nothing is
 * delivered that the key did not seal, no datagram sent exceeds the configured size, and the
 * call allocates no more than one peer's state and one reassembly buffer of the maximum message
 * size.
 *
 * <p>Input: the first byte chooses what the rest is. Even: a datagram as it arrives. Odd: a
 * plaintext datagram, which the harness seals under the key first, so that mutated frames reach
 * the frame parser behind the AEAD. The committed seeds ({@code EncryptedDatagramFuzzTestInputs/})
 * named {@code valid-*} deliver messages (checked by {@link #shouldHaveValidSeedsThatDeliver});
 * the sealed ones were made with Python's {@code cryptography} from PROTOCOL.md's text.
 */
class EncryptedDatagramFuzzTest {
    static final Key KEY = Key.of(Hex.range(0x20, 0x40));
    private static final InetSocketAddress FROM = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9000);
    private static final EngineConfig CONFIG = FuzzEngines.config().build();

    @FuzzTest(maxDuration = "10m")
    void receiveDatagram(byte[] input) {
        feed(input);
    }

    /** Feeds one input to a fresh engine and returns how many messages it delivered. */
    static int feed(byte[] input) {
        return Allocations.measuredTwiceIfNeeded(() -> feedOnce(input));
    }

    private static int feedOnce(byte[] input) {
        if (input.length < 1 || input.length > 2 * FuzzEngines.MAX_DATAGRAM) {
            return 0;
        }
        ByteBuffer datagram = ByteBuffer.allocate(input.length - 1 + AeadAlgorithm.TAG_LENGTH);
        datagram.put(input, 1, input.length - 1).flip();
        if ((input[0] & 1) == 1 && !sealInPlace(datagram)) {
            return 0;
        }
        int[] delivered = {0};
        EngineOutput output = new EngineOutput() {
            @Override
            public void transmit(InetSocketAddress to, ByteBuffer bytes) {
                if (bytes.remaining() > FuzzEngines.MAX_DATAGRAM) {
                    throw new IllegalStateException("sent " + bytes.remaining() + " bytes, above "
                            + FuzzEngines.MAX_DATAGRAM);
                }
            }

            @Override
            public void deliver(InetSocketAddress from, DeliveryMode mode, ByteBuffer payload, long nowNanos) {
                delivered[0]++;
            }
        };
        Engine engine = new Engine(CONFIG.toBuilder().protection(AeadProtection.of(KEY)).build(), output, 0);
        long start = Allocations.current();
        engine.receive(FROM, datagram, 1_000);
        engine.update(2_000);
        engine.update(10_000_000_000L); // every timer due: acknowledgements, expiry, idle timeout
        Allocations.check(start, FuzzEngines.ALLOCATION_BOUND, "one encrypted datagram of " + input.length + " bytes");
        if (delivered[0] > 0 && engine.metrics().authFailures() > 0) {
            throw new IllegalStateException("delivered a message from a datagram that failed authentication");
        }
        return delivered[0];
    }

    /** Seals a plaintext datagram under the key as a sender would; false if it has no valid header to seal by. */
    private static boolean sealInPlace(ByteBuffer datagram) {
        WireReader reader = new WireReader();
        if (reader.readHeader(datagram, 0, datagram.limit()) != WireReader.OK
                || reader.packetNumber() > AeadProtection.MAX_PACKET_NUMBER) {
            return false;
        }
        AeadProtection.of(KEY).seal(FROM, reader.sourceSession(), reader.destinationSession(), reader.packetNumber(),
                datagram, reader.headerLength());
        return true;
    }

    private static List<Path> seeds() throws IOException, URISyntaxException {
        URL url = EncryptedDatagramFuzzTest.class.getResource("EncryptedDatagramFuzzTestInputs/receiveDatagram");
        assertNotNull(url);
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.sorted().toList();
        }
    }

    @Test
    void shouldHaveValidSeedsThatDeliver() throws Exception {
        int valid = 0;
        for (Path seed : seeds()) {
            byte[] input = Files.readAllBytes(seed);
            int delivered = feed(input);
            if (seed.getFileName().toString().startsWith("valid-")) {
                valid++;
                assertTrue(delivered > 0, seed + " delivers");
            }
        }
        assertTrue(valid >= 4, "valid seeds: " + valid);
    }

    @Test
    void shouldDeliverNothingFromAValidSeedWithAnyByteChanged() throws Exception {
        for (Path seed : seeds()) {
            byte[] input = Files.readAllBytes(seed);
            if (!seed.getFileName().toString().startsWith("valid-first-contact")) {
                continue;
            }
            for (int i = 1; i < input.length; i++) {
                byte[] changed = input.clone();
                changed[i] ^= (byte) 0x80;
                assertEquals(0, feed(changed), seed + " with byte " + i + " changed");
            }
        }
    }
}
