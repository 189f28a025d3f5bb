package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AeadTest {
    private static final byte[] SECRET = Hex.range(100, 132);

    private static TrafficKeys keys(AeadAlgorithm algorithm) {
        return TrafficKeys.fromSecret(algorithm, SECRET);
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldRoundTripInPlaceLikeADatagram(AeadAlgorithm algorithm) {
        TrafficKeys keys = keys(algorithm);
        AeadSealer sealer = keys.newSealer();
        AeadOpener opener = keys.newOpener();
        Random random = new Random(7);
        for (int pn = 0; pn < 50; pn++) {
            int headerLength = random.nextInt(20);
            int payloadLength = random.nextInt(1300);
            byte[] datagram = new byte[3 + headerLength + payloadLength + AeadAlgorithm.TAG_LENGTH];
            random.nextBytes(datagram);
            byte[] original = datagram.clone();
            int sealedLength = sealer.sealInPlace(pn, datagram, 3, headerLength, payloadLength);
            assertEquals(headerLength + payloadLength + AeadAlgorithm.TAG_LENGTH, sealedLength);
            assertArrayEquals(Arrays.copyOfRange(original, 3, 3 + headerLength),
                    Arrays.copyOfRange(datagram, 3, 3 + headerLength), "the header stays in clear");
            if (payloadLength >= 16) {
                assertFalse(Arrays.equals(Arrays.copyOfRange(original, 3 + headerLength, 3 + headerLength + payloadLength),
                        Arrays.copyOfRange(datagram, 3 + headerLength, 3 + headerLength + payloadLength)),
                        "the payload is encrypted");
            }
            int n = opener.openInPlace(pn, datagram, 3, headerLength, payloadLength + AeadAlgorithm.TAG_LENGTH);
            assertEquals(payloadLength, n);
            assertArrayEquals(Arrays.copyOfRange(original, 3, 3 + headerLength + payloadLength),
                    Arrays.copyOfRange(datagram, 3, 3 + headerLength + payloadLength));
        }
        assertEquals(50, sealer.sealedCount());
        assertEquals(49, sealer.lastPacketNumber());
        assertEquals(50, opener.openedCount());
        assertEquals(0, opener.failedCount());
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldRoundTripThroughHeapAndDirectBuffers(AeadAlgorithm algorithm) {
        TrafficKeys keys = keys(algorithm);
        AeadSealer sealer = keys.newSealer();
        AeadOpener opener = keys.newOpener();
        byte[] header = {1, 2, 3, 4};
        byte[] payload = "a message in a buffer".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (boolean direct : new boolean[] {false, true}) {
            long pn = direct ? 1 : 0;
            ByteBuffer out = direct ? ByteBuffer.allocateDirect(100) : ByteBuffer.allocate(100);
            int n = sealer.seal(pn, ByteBuffer.wrap(header), ByteBuffer.wrap(payload), out);
            assertEquals(payload.length + AeadAlgorithm.TAG_LENGTH, n);
            out.flip();
            ByteBuffer plain = direct ? ByteBuffer.allocateDirect(100) : ByteBuffer.allocate(100);
            assertEquals(payload.length, opener.open(pn, ByteBuffer.wrap(header), out, plain));
            plain.flip();
            byte[] got = new byte[plain.remaining()];
            plain.get(got);
            assertArrayEquals(payload, got);
        }
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldRejectEverySingleBitFlipOfHeaderCiphertextAndTag(AeadAlgorithm algorithm) {
        TrafficKeys keys = keys(algorithm);
        byte[] datagram = new byte[10 + 24 + AeadAlgorithm.TAG_LENGTH];
        new Random(11).nextBytes(datagram);
        int length = keys.newSealer().sealInPlace(9, datagram, 0, 10, 24);
        byte[] sealed = Arrays.copyOf(datagram, length);
        AeadOpener opener = keys.newOpener();
        for (int bit = 0; bit < length * 8; bit++) {
            byte[] tampered = sealed.clone();
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));
            assertEquals(-1, opener.openInPlace(9, tampered, 0, 10, length - 10), "bit " + bit);
        }
        assertEquals(length * 8L, opener.failedCount());
        assertEquals(24, opener.openInPlace(9, sealed.clone(), 0, 10, length - 10), "the untampered one opens");
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldRejectWrongPacketNumberTruncationAndNegativeNumbers(AeadAlgorithm algorithm) {
        TrafficKeys keys = keys(algorithm);
        byte[] header = {7};
        byte[] sealed = new byte[5 + AeadAlgorithm.TAG_LENGTH];
        keys.newSealer().seal(1000, header, 0, 1, new byte[5], 0, 5, sealed, 0);
        AeadOpener opener = keys.newOpener();
        byte[] out = new byte[64];
        assertEquals(-1, opener.open(1001, header, 0, 1, sealed, 0, sealed.length, out, 0));
        assertEquals(-1, opener.open(-1000, header, 0, 1, sealed, 0, sealed.length, out, 0));
        assertEquals(-1, opener.open(1000, header, 0, 1, sealed, 0, sealed.length - 1, out, 0));
        assertEquals(-1, opener.open(1000, header, 0, 1, sealed, 0, AeadAlgorithm.TAG_LENGTH - 1, out, 0));
        assertEquals(-1, opener.open(1000, header, 0, 0, sealed, 0, sealed.length, out, 0), "header is authenticated");
        assertEquals(-1, opener.open(1000, ByteBuffer.wrap(header), ByteBuffer.allocate(3), ByteBuffer.allocate(64)));
        assertEquals(5, opener.open(1000, header, 0, 1, sealed, 0, sealed.length, out, 0));
        assertEquals(6, opener.failedCount());
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldOpenTheGenuinePacketAfterAForgeryWithTheSameNumber(AeadAlgorithm algorithm) {
        // The JDK's ChaCha20-Poly1305 rejects re-initialisation with the same nonce; the opener must hide that.
        TrafficKeys keys = keys(algorithm);
        byte[] header = {3};
        byte[] genuine = new byte[8 + AeadAlgorithm.TAG_LENGTH];
        keys.newSealer().seal(77, header, 0, 1, new byte[8], 0, 8, genuine, 0);
        byte[] forged = genuine.clone();
        forged[0] ^= 1;
        AeadOpener opener = keys.newOpener();
        byte[] out = new byte[64];
        assertEquals(-1, opener.open(77, header, 0, 1, forged, 0, forged.length, out, 0));
        assertEquals(-1, opener.open(77, header, 0, 1, forged, 0, forged.length, out, 0));
        assertEquals(8, opener.open(77, header, 0, 1, genuine, 0, genuine.length, out, 0));
        assertEquals(8, opener.open(77, header, 0, 1, genuine, 0, genuine.length, out, 0),
                "the opener itself does not detect replays: that is the replay window's job");
    }

    @Test
    void shouldRequireStrictlyIncreasingPacketNumbers() {
        AeadSealer sealer = keys(AeadAlgorithm.AES_256_GCM).newSealer();
        byte[] out = new byte[32];
        sealer.seal(5, out, 0, 0, out, 0, 0, out, 0);
        IllegalArgumentException repeat = assertThrows(IllegalArgumentException.class,
                () -> sealer.seal(5, out, 0, 0, out, 0, 0, out, 0));
        assertTrue(repeat.getMessage().contains("5 after 5"), repeat.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sealer.seal(4, out, 0, 0, out, 0, 0, out, 0));
        assertThrows(IllegalArgumentException.class,
                () -> keys(AeadAlgorithm.CHACHA20_POLY1305).newSealer().seal(-1, out, 0, 0, out, 0, 0, out, 0));
        sealer.seal(6, out, 0, 0, out, 0, 0, out, 0);
        assertEquals(2, sealer.sealedCount());
    }

    @Test
    void shouldAllowOnlyOneSealerPerKeys() {
        TrafficKeys keys = keys(AeadAlgorithm.AES_256_GCM);
        keys.newSealer();
        IllegalStateException e = assertThrows(IllegalStateException.class, keys::newSealer);
        assertTrue(e.getMessage().contains("reuse nonces"), e.getMessage());
        keys.newOpener();
        keys.newOpener();
    }

    @Test
    void shouldRejectOutputBuffersThatAreTooSmall() {
        TrafficKeys keys = keys(AeadAlgorithm.AES_256_GCM);
        AeadSealer sealer = keys.newSealer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sealer.seal(0, new byte[0], 0, 0, new byte[10], 0, 10, new byte[25], 0));
        assertTrue(e.getMessage().contains("26"), e.getMessage());
        assertEquals(-1, sealer.lastPacketNumber(), "nothing was sealed");
        assertThrows(IllegalArgumentException.class,
                () -> keys.newOpener().open(0, new byte[0], 0, 0, new byte[30], 0, 30, new byte[13], 0));
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldSignalKeyUpdateAndRefuseBeyondTheConfidentialityLimit(AeadAlgorithm algorithm) {
        AeadSealer sealer = keys(algorithm).newSealer(3, 5);
        byte[] out = new byte[16];
        for (int pn = 0; pn < 5; pn++) {
            assertEquals(pn >= 3, sealer.keyUpdateDue(), "after " + pn);
            sealer.seal(pn, out, 0, 0, out, 0, 0, out, 0);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> sealer.seal(5, out, 0, 0, out, 0, 0, out, 0));
        assertTrue(e.getMessage().contains("confidentiality limit"), e.getMessage());
    }

    @Test
    void shouldPublishTheRfc9001Limits() {
        assertEquals(1L << 23, AeadAlgorithm.AES_256_GCM.confidentialityLimit());
        assertEquals(1L << 52, AeadAlgorithm.AES_256_GCM.integrityLimit());
        assertEquals(1L << 36, AeadAlgorithm.CHACHA20_POLY1305.integrityLimit());
        for (AeadAlgorithm a : AeadAlgorithm.values()) {
            assertTrue(a.keyUpdateThreshold() <= a.confidentialityLimit() / 2, a.toString());
            assertEquals(a, AeadAlgorithm.ofId(a.id()));
        }
        assertThrows(IllegalArgumentException.class, () -> AeadAlgorithm.ofId(0));
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldUpdateKeysToAnIndependentGeneration(AeadAlgorithm algorithm) {
        TrafficKeys gen0 = keys(algorithm);
        TrafficKeys gen1 = gen0.nextGeneration();
        TrafficKeys gen1Again = keys(algorithm).nextGeneration();
        assertEquals(1, gen1.generation());
        assertEquals(2, gen1.nextGeneration().generation());
        byte[] header = {1};
        byte[] sealed = new byte[4 + AeadAlgorithm.TAG_LENGTH];
        gen1.newSealer().seal(0, header, 0, 1, new byte[4], 0, 4, sealed, 0);
        byte[] out = new byte[64];
        assertEquals(-1, gen0.newOpener().open(0, header, 0, 1, sealed, 0, sealed.length, out, 0));
        assertEquals(4, gen1Again.newOpener().open(0, header, 0, 1, sealed, 0, sealed.length, out, 0),
                "both sides derive the same next generation");
        byte[] sealed0 = new byte[4 + AeadAlgorithm.TAG_LENGTH];
        gen0.newSealer().seal(0, header, 0, 1, new byte[4], 0, 4, sealed0, 0);
        assertNotEquals(Hex.of(sealed0), Hex.of(sealed), "a new generation is a new key");
    }
}
