package io.github.udpkit.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.udpkit.api.DeliveryMode;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The ring of packets in flight: what loss detection and acknowledgement processing read from it
 * must not change when it grows, and its bounds must hold.
 */
class SentPacketsTest {
    private static final int SIZE = 100;

    private static OutMessage message(int order) {
        return new OutMessage(0, DeliveryMode.RELIABLE, new byte[10], 0, 10, new CompletableFuture<>(), 0, order, 1000, 500);
    }

    /** Opens and commits packet {@code pn} carrying one reference to {@code m} (or nothing when null). */
    private static int send(SentPackets sent, long pn, OutMessage m, long now) {
        int slot = sent.open(pn);
        if (m != null) {
            sent.addRef(slot, m, 0);
        }
        sent.commit(slot, now, SIZE, false);
        return slot;
    }

    @Test
    void shouldStillKnowAcknowledgedPacketsAfterTheRingGrows() {
        SentPackets sent = new SentPackets(8, 1024);
        for (long pn = 0; pn < 8; pn++) {
            send(sent, pn, null, pn);
        }
        // 0 lost, 1 acknowledged, 2..7 still in flight: the base stays at 2.
        sent.release(sent.slotOf(0), false);
        sent.release(sent.slotOf(1), true);
        sent.advanceBase(8);
        assertEquals(2, sent.base());
        assertTrue(sent.wasAcked(1), "before growth");

        // Packets 8 and 9 carried only ACKs (no slot); packet 10 does not fit a ring of 8 from
        // base 2, so the ring grows.
        send(sent, 10, null, 10);

        assertTrue(sent.wasAcked(1), "an acknowledged packet is still known as acknowledged after the ring grew");
        assertFalse(sent.wasAcked(0), "a lost packet is not acknowledged");
        for (long pn = 2; pn <= 7; pn++) {
            assertTrue(sent.slotOf(pn) >= 0, "packet " + pn + " still in flight after growth");
            assertEquals(pn, sent.sentAt(sent.slotOf(pn)));
        }
        assertTrue(sent.slotOf(10) >= 0);
        assertEquals(7, sent.inFlight());
        assertEquals(7L * SIZE, sent.bytesInFlight());
    }

    @Test
    void shouldKeepReferencesAndProbeMarksAcrossGrowth() {
        SentPackets sent = new SentPackets(4, 64);
        OutMessage a = message(1);
        OutMessage b = message(2);
        int slot = sent.open(0);
        sent.addRef(slot, a, 0);
        sent.addRef(slot, b, 0);
        sent.commit(slot, 5, 321, true);
        for (long pn = 1; pn < 20; pn++) {
            send(sent, pn, null, pn);
        }
        int moved = sent.slotOf(0);
        assertTrue(moved >= 0);
        assertEquals(2, sent.refCount(moved));
        assertSame(a, sent.refMessage(moved, 0));
        assertSame(b, sent.refMessage(moved, 1));
        assertEquals(321, sent.size(moved));
        assertTrue(sent.isProbe(moved));
        assertEquals(5, sent.sentAt(moved));
    }

    @Test
    void shouldAnswerWasAckedOnlyForPacketsTakenOutAsAcknowledged() {
        SentPackets sent = new SentPackets(16, 16);
        send(sent, 0, null, 0);
        send(sent, 1, null, 0);
        assertFalse(sent.wasAcked(0), "in flight is not acknowledged");
        sent.release(sent.slotOf(0), true);
        assertTrue(sent.wasAcked(0));
        assertEquals(-1, sent.slotOf(0), "an acknowledged packet is out of flight");
        assertFalse(sent.wasAcked(5), "never sent");
        assertFalse(sent.wasAcked(-3), "below anything sent");
    }

    @Test
    void shouldCountPacketsAndBytesInFlight() {
        SentPackets sent = new SentPackets(16, 16);
        for (long pn = 0; pn < 5; pn++) {
            send(sent, pn, null, 0);
        }
        assertEquals(5, sent.inFlight());
        assertEquals(5L * SIZE, sent.bytesInFlight());
        sent.release(sent.slotOf(2), true);
        sent.release(sent.slotOf(3), false);
        assertEquals(3, sent.inFlight());
        assertEquals(3L * SIZE, sent.bytesInFlight());
        sent.clear(5);
        assertEquals(0, sent.inFlight());
        assertEquals(0, sent.bytesInFlight());
        assertEquals(5, sent.base());
    }

    @Test
    void shouldAdvanceTheBaseToTheOldestPacketInFlight() {
        SentPackets sent = new SentPackets(16, 16);
        for (long pn = 0; pn < 6; pn++) {
            send(sent, pn, null, 0);
        }
        sent.release(sent.slotOf(0), true);
        sent.release(sent.slotOf(1), true);
        sent.release(sent.slotOf(3), true);
        sent.advanceBase(6);
        assertEquals(2, sent.base(), "stops at packet 2, still in flight");
        sent.release(sent.slotOf(2), true);
        sent.release(sent.slotOf(4), true);
        sent.release(sent.slotOf(5), true);
        sent.advanceBase(6);
        assertEquals(6, sent.base(), "nothing in flight: the base is the next packet number");
    }

    @Test
    void shouldBoundTheSpanBetweenTheOldestPacketInFlightAndTheNext() {
        SentPackets sent = new SentPackets(4, 32);
        for (long pn = 0; pn < 32; pn++) {
            assertTrue(sent.hasRoom(pn));
            send(sent, pn, null, 0);
        }
        assertFalse(sent.hasRoom(32), "32 in flight from base 0 fill a ring capped at 32");
        sent.release(sent.slotOf(0), true);
        sent.advanceBase(32);
        assertTrue(sent.hasRoom(32), "room again once the oldest is acknowledged");
        send(sent, 32, null, 0);
        assertTrue(sent.slotOf(32) >= 0);
        assertTrue(sent.slotOf(1) >= 0, "packet 1 was not overwritten by packet 32 wrapping around");
    }

    @Test
    void shouldDropReferencesWhenAPacketLeavesFlight() {
        SentPackets sent = new SentPackets(8, 8);
        OutMessage m = message(1);
        int slot = send(sent, 0, m, 0);
        assertEquals(1, sent.refCount(slot));
        sent.release(slot, false);
        assertEquals(0, sent.refCount(slot));
    }
}
