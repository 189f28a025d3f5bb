package io.github.udpkit.benchkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SequenceCounterTest {

    private static byte[] message(int size, int round, long sequence) {
        byte[] m = new byte[size];
        Stamp.put(m, round, sequence);
        return m;
    }

    @Test
    void shouldCountDistinctDuplicateReorderedStaleAndMalformedMessages() {
        SequenceCounter counter = new SequenceCounter(64);
        counter.accept(message(64, 1, 0));
        counter.accept(message(64, 2, 0)); // round 2 starts
        counter.accept(message(64, 2, 2));
        counter.accept(message(64, 2, 1)); // reordered
        counter.accept(message(64, 2, 2)); // duplicate
        counter.accept(message(64, 1, 7)); // straggler of round 1
        counter.accept(message(63, 2, 3)); // wrong size
        counter.accept(new byte[5]); // too short to carry a stamp

        SequenceCounter.Snapshot s = counter.snapshot(2);
        assertEquals(3, s.unique());
        assertEquals(1, s.duplicates());
        assertEquals(1, s.reordered());
        assertEquals(1, s.stale());
        assertEquals(2, s.malformed());
        assertEquals(8, counter.counted());
        assertTrue(s.lastNanos() >= s.firstNanos());
    }

    @Test
    void shouldKeepTheSeenSetWhenAStragglerOfAnEarlierRoundArrives() {
        SequenceCounter counter = new SequenceCounter(64);
        counter.accept(message(64, 2, 0));
        counter.accept(message(64, 2, 1));
        counter.accept(message(64, 1, 5)); // straggler: must not reset round 2's counts
        counter.accept(message(64, 2, 1)); // so this is still a duplicate

        SequenceCounter.Snapshot s = counter.snapshot(2);
        assertEquals(2, s.unique());
        assertEquals(1, s.duplicates());
        assertEquals(1, s.stale());
    }

    @Test
    void shouldForgetTheSeenSetWhenARoundStarts() {
        SequenceCounter counter = new SequenceCounter(64);
        for (long seq = 0; seq < 1000; seq++) {
            counter.accept(message(64, 1, seq));
        }
        for (long seq = 0; seq < 10; seq++) {
            counter.accept(message(64, 2, seq));
        }
        SequenceCounter.Snapshot s = counter.snapshot(2);
        assertEquals(10, s.unique());
        assertEquals(0, s.duplicates(), "round 1's sequence numbers must not count as duplicates in round 2");
        assertEquals(0, counter.snapshot(1).unique(), "round 1 is over");
    }

    @Test
    void shouldReadStampsFromBuffersAtTheirPosition() {
        SequenceCounter counter = new SequenceCounter(16);
        ByteBuffer buffer = ByteBuffer.allocate(4 + 16);
        buffer.putInt(0, 99).putInt(4, 3).putLong(8, 41L);
        buffer.position(4);
        counter.accept(buffer);
        assertEquals(4, buffer.position(), "the position stays where it was");
        counter.accept(buffer, 4, 16); // the same message again, by absolute index
        SequenceCounter.Snapshot s = counter.snapshot(3);
        assertEquals(1, s.unique());
        assertEquals(1, s.duplicates());
    }

    @Test
    void shouldComputeTheRateOverTheGapsBetweenFirstAndLast() {
        SequenceCounter.Snapshot s = new SequenceCounter.Snapshot(11, 0, 0, 0, 0, 1_000_000_000L, 2_000_000_000L);
        assertEquals(10.0, s.messagesPerSecond(123), 1e-9);
        SequenceCounter.Snapshot one = new SequenceCounter.Snapshot(1, 0, 0, 0, 0, 5, 5);
        assertEquals(2.0, one.messagesPerSecond(500_000_000L), 1e-9, "one message over the fallback span");
        assertEquals(0.0, new SequenceCounter.Snapshot(0, 0, 0, 0, 0, 0, 0).messagesPerSecond(1), 1e-9);
    }

    @Test
    void shouldRejectAPayloadTooSmallForTheStamp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SequenceCounter(11));
        assertTrue(e.getMessage().contains("11"), e.getMessage());
    }

    @Test
    void shouldRoundTripStamps() {
        byte[] m = message(12, -5, 0x1234_5678_9ABC_DEF0L);
        assertEquals(-5, Stamp.round(m));
        assertEquals(0x1234_5678_9ABC_DEF0L, Stamp.sequence(m));
        ByteBuffer b = ByteBuffer.wrap(m);
        assertEquals(-5, Stamp.round(b, 0));
        assertEquals(0x1234_5678_9ABC_DEF0L, Stamp.sequence(b, 0));
    }
}
