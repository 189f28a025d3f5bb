package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    /** One received packet: how far its number is from the highest accepted, and whether it authenticates. */
    record Arrival(long offset, boolean authentic) {}

    @Provide
    Arbitrary<List<Arrival>> arrivals() {
        // Mostly near the top of the window (reordering, duplicates), sometimes far ahead or far behind.
        Arbitrary<Long> offsets = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(-80, 8)),
                net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(-5000, 5000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(-(1L << 40), 1L << 40)));
        Arbitrary<Boolean> authentic = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(5, true), net.jqwik.api.Tuple.of(1, false));
        return Combinators.combine(offsets, authentic).as(Arrival::new).list().ofMaxSize(400);
    }

    @Property(tries = 300)
    void shouldAgreeWithAModelSetOfAcceptedNumbers(
            @ForAll("arrivals") List<Arrival> arrivals, @ForAll @IntRange(min = 1, max = 8) int words) {
        int size = words * 64;
        ReplayWindow window = new ReplayWindow(size);
        TreeSet<Long> accepted = new TreeSet<>();
        for (Arrival arrival : arrivals) {
            long top = accepted.isEmpty() ? 0 : accepted.last();
            long pn = top + arrival.offset();
            boolean expected = pn >= 0 && !accepted.contains(pn) && (accepted.isEmpty() || pn > top - size);
            assertEquals(expected, window.check(pn), () -> "pn " + pn + " with top " + top + ", size " + size);
            if (expected && arrival.authentic()) {
                window.accept(pn);
                accepted.add(pn);
            }
            assertEquals(accepted.isEmpty() ? -1 : accepted.last(), window.highestAccepted());
        }
    }

    @Test
    void shouldRejectDuplicatesAndNumbersOlderThanTheWindow() {
        ReplayWindow window = new ReplayWindow(64);
        assertTrue(window.check(0));
        window.accept(0);
        assertFalse(window.check(0), "duplicate");
        window.accept(100);
        assertFalse(window.check(36), "100 - 64 is outside");
        assertTrue(window.check(37), "the oldest number inside the window");
        assertTrue(window.check(99));
        window.accept(99);
        assertFalse(window.check(99));
        assertFalse(window.check(-1), "negative");
        assertTrue(window.check(Long.MAX_VALUE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> window.accept(99));
        assertTrue(e.getMessage().contains("99") && e.getMessage().contains("check first"), e.getMessage());
    }

    @Test
    void shouldForgetOnlyWhatSlidesOutWhenMovingByLessThanAWindow() {
        ReplayWindow window = new ReplayWindow(128);
        for (long pn = 0; pn < 128; pn += 2) {
            window.accept(pn);
        }
        window.accept(130); // 0..2 fall out, the rest stays
        for (long pn = 3; pn < 128; pn++) {
            assertEquals(pn % 2 == 1, window.check(pn), "pn " + pn);
        }
        window.accept(1000); // jump past a whole window: everything in the old window is now too old
        assertFalse(window.check(871));
        assertTrue(window.check(873));
        assertTrue(window.check(999));
    }

    @Test
    void shouldNotMoveForAForgedHighPacketNumberThatFailsAuthentication() {
        TrafficKeys keys = TrafficKeys.fromSecret(AeadAlgorithm.AES_256_GCM, Hex.range(1, 33));
        AeadSealer sender = keys.newSealer();
        AeadOpener receiver = keys.newOpener();
        ReplayWindow window = new ReplayWindow(64);
        byte[] header = {42};

        for (long pn = 0; pn < 10; pn++) {
            assertTrue(receive(window, receiver, pn, header, seal(sender, pn, header)));
        }
        // An attacker claims packet number 1,000,000 with garbage where the ciphertext should be.
        byte[] forged = new byte[40];
        assertTrue(window.check(1_000_000), "a higher number passes the cheap check...");
        assertFalse(receive(window, receiver, 1_000_000, header, forged), "...but fails authentication");
        assertEquals(9, window.highestAccepted(), "and the window did not move");
        // So genuine traffic just above the old top still gets through,
        byte[] genuine = seal(sender, 10, header);
        assertTrue(receive(window, receiver, 10, header, genuine));
        // and a replay of it does not.
        assertFalse(receive(window, receiver, 10, header, genuine));
        assertEquals(1, receiver.failedCount());
    }

    @Test
    void shouldValidateTheSizeNamingIt() {
        for (int bad : new int[] {0, 32, 63, 65, 100, 4160, 8192}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(bad));
            assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
        assertEquals(64, new ReplayWindow(64).size());
        assertEquals(4096, new ReplayWindow(4096).size());
        assertEquals(ReplayWindow.DEFAULT_SIZE, new ReplayWindow().size());
    }

    /** The receive path the engine will use: check, open, and accept only if it opened. */
    private static boolean receive(ReplayWindow window, AeadOpener opener, long pn, byte[] header, byte[] sealed) {
        if (!window.check(pn)) {
            return false;
        }
        if (opener.open(pn, header, 0, header.length, sealed, 0, sealed.length, new byte[sealed.length], 0) < 0) {
            return false;
        }
        window.accept(pn);
        return true;
    }

    private static byte[] seal(AeadSealer sealer, long pn, byte[] header) {
        byte[] out = new byte[20 + AeadAlgorithm.TAG_LENGTH];
        sealer.seal(pn, header, 0, header.length, new byte[20], 0, 20, out, 0);
        return out;
    }
}
