package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import io.github.udpkit.core.wire.DataFrame;
import io.github.udpkit.core.wire.Datagram;
import io.github.udpkit.core.wire.WireWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link AeadProtection} on its own: sealing, opening, key generations, the cache, refusals and warnings. */
class AeadProtectionTest {
    static final Key KEY = Key.of(Hex.range(0, 32));
    static final long S = 0x0123456789abcdefL;
    static final long D = 0xfedcba9876543210L;
    static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 4000);

    private final List<String> warnings = new ArrayList<>();
    private long now;

    private AeadProtection protection(AeadAlgorithm algorithm, int cache, long integrityLimit) {
        return new AeadProtection(KEY, algorithm, cache, integrityLimit, () -> now, warnings::add);
    }

    /** A datagram with one UNRELIABLE message, in a buffer with room for the tag. */
    static ByteBuffer plain(long source, long destination, long pn, String text, boolean direct) {
        byte[] bytes = new Datagram(source, destination, pn, List.of(DataFrame.whole(DeliveryMode.UNRELIABLE, pn,
                text.getBytes(StandardCharsets.UTF_8)))).encode();
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(bytes.length + 16) : ByteBuffer.allocate(bytes.length + 16);
        b.put(bytes).flip();
        return b;
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    static byte[] seal(AeadProtection p, long source, long destination, long pn, String text) {
        ByteBuffer b = plain(source, destination, pn, text, false);
        p.seal(FROM, source, destination, pn, b, WireWriter.headerLength(pn));
        return bytes(b);
    }

    static boolean open(AeadProtection p, long source, long destination, long pn, byte[] sealed) {
        return p.open(FROM, source, destination, pn, ByteBuffer.wrap(sealed.clone()), WireWriter.headerLength(pn));
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldSealAndOpenInPlaceInHeapAndDirectBuffers(AeadAlgorithm algorithm) {
        AeadProtection sender = AeadProtection.of(KEY, algorithm);
        AeadProtection receiver = AeadProtection.of(KEY, algorithm);
        for (boolean direct : new boolean[] {false, true}) {
            long pn = direct ? 8 : 7;
            ByteBuffer b = plain(S, D, pn, "attack at dawn", direct);
            byte[] plaintext = bytes(b);
            int header = WireWriter.headerLength(pn);
            sender.seal(FROM, S, D, pn, b, header);
            assertEquals(plaintext.length + 16, b.remaining());
            byte[] sealed = bytes(b);
            assertArrayEquals(Arrays.copyOf(plaintext, header), Arrays.copyOf(sealed, header), "header in clear");
            assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("attack"), "body encrypted");

            ByteBuffer in = direct ? ByteBuffer.allocateDirect(sealed.length) : ByteBuffer.allocate(sealed.length);
            in.put(sealed).flip();
            assertTrue(receiver.open(FROM, S, D, pn, in, header));
            assertEquals(0, in.position());
            assertArrayEquals(plaintext, bytes(in));
        }
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldOpenALargeDatagramThroughScratchToTheSameBytesAsInPlace(AeadAlgorithm algorithm) {
        // Datagrams this large (path MTU discovery on loopback) open into a scratch array: the
        // plaintext must be what opening in place gives, and a forgery must leave the datagram as
        // it came. The smallest length opens in place, the path the others are compared with.
        Random random = new Random(13);
        for (int length : new int[] {1_000, AeadProtection.OPEN_INTO_SCRATCH_BYTES,
                60_000}) {
            long pn = length;
            char[] text = new char[length];
            for (int i = 0; i < length; i++) {
                text[i] = (char) ('a' + random.nextInt(26));
            }
            ByteBuffer b = plain(S, D, pn, new String(text), false);
            byte[] plaintext = bytes(b);
            int header = WireWriter.headerLength(pn);
            AeadProtection.of(KEY, algorithm).seal(FROM, S, D, pn, b, header);
            byte[] sealed = bytes(b);

            ByteBuffer in = ByteBuffer.allocate(sealed.length + 5).position(5);
            in.put(sealed).flip().position(5); // an array offset, as a slice of a receive buffer has
            assertTrue(AeadProtection.of(KEY, algorithm).open(FROM, S, D, pn, in.slice(), header), "length " + length);
            assertArrayEquals(plaintext, Arrays.copyOfRange(in.array(), 5, 5 + plaintext.length), "length " + length);

            byte[] inPlace = sealed.clone();
            AeadOpener opener = SessionKeys.direction(KEY, S, D, algorithm).atGeneration(0).newOpener();
            int n = opener.openInPlace(pn, inPlace, 0, header, sealed.length - header);
            assertEquals(plaintext.length - header, n);
            assertArrayEquals(plaintext, Arrays.copyOf(inPlace, plaintext.length), "the same bytes as in place");

            byte[] forged = sealed.clone();
            forged[forged.length / 2] ^= 1;
            ByteBuffer f = ByteBuffer.wrap(forged.clone());
            assertFalse(AeadProtection.of(KEY, algorithm).open(FROM, S, D, pn, f, header));
            if (sealed.length - header >= AeadProtection.OPEN_INTO_SCRATCH_BYTES) {
                // In place, what a failed open leaves is unspecified (JDK 25's GCM writes to it).
                assertArrayEquals(forged, bytes(f), "a forgery releases no plaintext: the datagram is left as it came");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void shouldRefuseAnotherKeyAlgorithmDirectionSessionOrPacketNumber(AeadAlgorithm algorithm) {
        byte[] sealed = seal(AeadProtection.of(KEY, algorithm), S, D, 5, "hello");
        assertTrue(open(AeadProtection.of(KEY, algorithm), S, D, 5, sealed));
        assertFalse(open(AeadProtection.of(Key.generate(), algorithm), S, D, 5, sealed), "another key");
        AeadAlgorithm other = algorithm == AeadAlgorithm.AES_256_GCM ? AeadAlgorithm.CHACHA20_POLY1305
                : AeadAlgorithm.AES_256_GCM;
        assertFalse(open(AeadProtection.of(KEY, other), S, D, 5, sealed), "another algorithm");
        assertFalse(open(AeadProtection.of(KEY, algorithm), D, S, 5, sealed), "the other direction");
        assertFalse(open(AeadProtection.of(KEY, algorithm), S, 0, 5, sealed), "first-contact keys");
        assertFalse(open(AeadProtection.of(KEY, algorithm), S, D + 1, 5, sealed), "another session");
        assertFalse(open(AeadProtection.of(KEY, algorithm), S, D, 6, sealed), "another packet number");
        assertFalse(open(AeadProtection.of(KEY, algorithm), S, D, 5, Arrays.copyOf(sealed, sealed.length - 1)),
                "truncated");
        assertFalse(open(AeadProtection.of(KEY, algorithm), S, D, 5, Arrays.copyOf(sealed, 30)), "shorter than a tag");
    }

    @Test
    void shouldChangeKeysEveryGenerationAndAcceptTheOneBeforeForReordering() {
        long lastOfGen0 = (1L << AeadProtection.GENERATION_SHIFT) - 1;
        long firstOfGen1 = lastOfGen0 + 1;
        AeadProtection sender = protection(AeadAlgorithm.AES_256_GCM, 16, Long.MAX_VALUE);
        byte[] a = seal(sender, S, D, lastOfGen0, "same");
        byte[] b = seal(sender, S, D, firstOfGen1, "same");
        byte[] c = seal(sender, S, D, 3 * firstOfGen1, "same");

        // The generation's keys, derived independently of the protection.
        TrafficKeys base = SessionKeys.derive(KEY, S, D, AeadAlgorithm.AES_256_GCM).sending();
        assertTrue(opensUnder(base, lastOfGen0, a));
        assertFalse(opensUnder(base, firstOfGen1, b), "generation 1 is not under generation 0's key");
        assertTrue(opensUnder(base.nextGeneration(), firstOfGen1, b));
        assertTrue(opensUnder(base.nextGeneration().nextGeneration().nextGeneration(), 3 * firstOfGen1, c));

        AeadProtection receiver = protection(AeadAlgorithm.AES_256_GCM, 16, Long.MAX_VALUE);
        assertTrue(open(receiver, S, D, firstOfGen1, b));
        assertTrue(open(receiver, S, D, lastOfGen0, a), "the generation before, reordered across the update");
        assertTrue(open(receiver, S, D, 3 * firstOfGen1, c));
        byte[] late = seal(protection(AeadAlgorithm.AES_256_GCM, 16, Long.MAX_VALUE), S, D, lastOfGen0 - 1, "late");
        long derivedBefore = receiver.keysDerived();
        assertFalse(open(receiver, S, D, lastOfGen0 - 1, late), "more than one generation back: refused");
        assertEquals(derivedBefore, receiver.keysDerived(), "and nothing derived for it");
    }

    private static boolean opensUnder(TrafficKeys keys, long pn, byte[] sealed) {
        int header = WireWriter.headerLength(pn);
        return keys.newOpener().openInPlace(pn, sealed.clone(), 0, header, sealed.length - header) >= 0;
    }

    @Test
    void shouldDeriveKeysOncePerDirectionAndBoundTheCache() {
        AeadProtection a = protection(AeadAlgorithm.AES_256_GCM, 4, Long.MAX_VALUE);
        AeadProtection b = protection(AeadAlgorithm.AES_256_GCM, 4, Long.MAX_VALUE);
        for (int pn = 0; pn < 500; pn++) {
            assertTrue(open(b, S, D, pn, seal(a, S, D, pn, "ping " + pn)));
            assertTrue(open(a, D, S, pn, seal(b, D, S, pn, "pong " + pn)));
        }
        assertEquals(2, a.keysDerived(), "one direction each way, reused for 1,000 datagrams");
        assertEquals(2, b.keysDerived());

        for (long session = 1; session <= 20; session++) {
            for (int pn = 0; pn < 3; pn++) {
                assertTrue(open(b, session, D, pn, seal(a, session, D, pn, "x")));
            }
        }
        assertEquals(4, a.cachedDirections(), "bounded");
        assertEquals(4, b.cachedDirections(), "bounded");
        assertTrue(open(b, S, D, 500, seal(a, S, D, 500, "evicted, derived again")));
    }

    @Test
    void shouldKeepNoStateForDatagramsThatFailAuthentication() {
        AeadProtection receiver = protection(AeadAlgorithm.AES_256_GCM, 64, Long.MAX_VALUE);
        AeadProtection stranger = AeadProtection.of(Key.generate());
        Random random = new Random(5);
        for (int i = 0; i < 200; i++) {
            long source = random.nextLong() | 1;
            assertFalse(open(receiver, source, 0, i, seal(stranger, source, 0, i, "forged")));
        }
        assertEquals(0, receiver.cachedDirections());
    }

    @Test
    void shouldWarnAboutFailuresAtMostOncePerIntervalWithTheirCount() {
        AeadProtection receiver = protection(AeadAlgorithm.AES_256_GCM, 16, Long.MAX_VALUE);
        byte[] wrong = seal(AeadProtection.of(Key.generate()), S, D, 1, "hello");
        for (int i = 0; i < 100; i++) {
            now += 1_000_000; // 100 failures in 100 ms
            assertFalse(open(receiver, S, D, 1, wrong));
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("1 datagram from " + FROM + " failed authentication: wrong key or tampering (this end: "
                + "AES_256_GCM, key fingerprint " + KEY.fingerprint() + "; both ends need the same key and algorithm)",
                warnings.get(0));
        now += AeadProtection.WARNING_INTERVAL_NANOS;
        assertFalse(receiver.open(new InetSocketAddress("127.0.0.1", 4001), S, D, 1, ByteBuffer.wrap(wrong.clone()),
                WireWriter.headerLength(1)));
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(1).startsWith("100 datagrams from " + FROM + " and other addresses failed "
                + "authentication: wrong key or tampering"), warnings.get(1));
    }

    @Test
    void shouldRefuseAKeyOnceItReachedItsIntegrityLimit() {
        AeadProtection sender = protection(AeadAlgorithm.CHACHA20_POLY1305, 16, 3);
        AeadProtection receiver = protection(AeadAlgorithm.CHACHA20_POLY1305, 16, 3);
        assertTrue(open(receiver, S, D, 0, seal(sender, S, D, 0, "genuine")));
        byte[] forged = seal(sender, S, D, 1, "genuine");
        byte[] genuine = forged.clone();
        forged[forged.length - 1] ^= 1;
        for (int i = 0; i < 3; i++) {
            assertFalse(open(receiver, S, D, 1, forged));
        }
        assertFalse(open(receiver, S, D, 1, genuine), "the key is worn out");
        assertTrue(warnings.get(warnings.size() - 1).contains("integrity limit"), warnings.toString());
        assertTrue(open(receiver, D, S, 0, seal(protection(AeadAlgorithm.CHACHA20_POLY1305, 16, 3), D, S, 0, "x")),
                "other keys are not affected");
    }

    @Test
    void shouldRefuseAReplayedFirstContactDatagram() {
        AeadProtection sender = protection(AeadAlgorithm.AES_256_GCM, 16, Long.MAX_VALUE);
        AeadProtection receiver = protection(AeadAlgorithm.AES_256_GCM, 16, Long.MAX_VALUE);
        byte[] first = seal(sender, S, 0, 0, "hello");
        byte[] second = seal(sender, S, 0, 1, "again");
        assertTrue(open(receiver, S, 0, 1, second));
        assertTrue(open(receiver, S, 0, 0, first), "reordered, not replayed");
        assertFalse(open(receiver, S, 0, 0, first));
        assertFalse(open(receiver, S, 0, 1, second));
        assertEquals(2, receiver.firstContactReplays());
        assertTrue(warnings.get(warnings.size() - 1).startsWith("1 replayed first-contact datagram from " + FROM),
                warnings.toString());
        // Datagrams to a known session are the engine's window's business, not this memory's.
        byte[] known = seal(sender, S, D, 2, "known");
        assertTrue(open(receiver, S, D, 2, known));
        assertTrue(open(receiver, S, D, 2, known));
    }

    @Test
    void shouldNeverSealOrOpenUnderEqualSessions() {
        AeadProtection sender = protection(AeadAlgorithm.AES_256_GCM, 16, Long.MAX_VALUE);
        byte[] sealed = seal(sender, S, S, 0, "secret words");
        int header = WireWriter.headerLength(0);
        for (int i = header; i < sealed.length; i++) {
            assertEquals(0, sealed[i], "body and tag zeroed at " + i);
        }
        assertTrue(warnings.get(0).contains("sessions were equal"), warnings.toString());
        assertFalse(open(AeadProtection.of(KEY), S, S, 0, sealed));
    }

    @Test
    void shouldRefuseOutOfRangePacketNumbersAndBadBuffers() {
        AeadProtection p = AeadProtection.of(KEY);
        long tooLarge = AeadProtection.MAX_PACKET_NUMBER + 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.seal(FROM, S, D, tooLarge, plain(S, D, 0, "x", false), 21));
        assertTrue(e.getMessage().contains(Long.toString(tooLarge)), e.getMessage());
        assertFalse(p.open(FROM, S, D, tooLarge, ByteBuffer.allocate(64), 28));
        ByteBuffer full = ByteBuffer.allocate(30);
        full.limit(30);
        assertThrows(IllegalArgumentException.class, () -> p.seal(FROM, S, D, 0, full, 21), "no room for the tag");
        assertThrows(IllegalArgumentException.class,
                () -> p.open(FROM, S, D, 0, ByteBuffer.allocate(64).asReadOnlyBuffer(), 21));
        assertThrows(IllegalArgumentException.class, () -> AeadProtection.of(KEY, AeadAlgorithm.AES_256_GCM, 0));
    }

    @Test
    void shouldDescribeItselfWithoutTheKey() {
        AeadProtection p = AeadProtection.of(KEY, AeadAlgorithm.CHACHA20_POLY1305);
        assertEquals("aead(CHACHA20_POLY1305, key " + KEY.fingerprint() + ")", p.toString());
        assertFalse(p.toString().contains(KEY.toBase64()));
        assertEquals(16, p.overhead());
        assertTrue(p.authenticates());
        assertEquals(AeadAlgorithm.CHACHA20_POLY1305, p.algorithm());
        assertNotEquals(AeadProtection.of(KEY).toString(), p.toString());
    }
}
