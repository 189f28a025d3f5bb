package io.github.udpkit.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pacer's rate and burst (RFC 9002 section 7.7), with no network. */
class PacerTest {
    private static final long MS = 1_000_000L;
    private static final int DATAGRAM = 1200;

    /** Sends datagrams as soon as the pacer lets them, for {@code duration}; returns the bytes sent. */
    private static long sendFor(Pacer pacer, long start, long duration, long window, long rtt) {
        long now = start;
        long bytes = 0;
        while (true) {
            long at = pacer.nextSendTime(now, 1, window, rtt, DATAGRAM);
            if (at >= start + duration) {
                return bytes;
            }
            now = at;
            pacer.onSent(DATAGRAM);
            bytes += DATAGRAM;
        }
    }

    @Test
    void sendsAFifthAboveTheWindowPerRoundTrip() {
        long window = 100 * DATAGRAM;
        long rtt = 20 * MS;
        Pacer pacer = new Pacer(0);
        sendFor(pacer, 0, 10 * rtt, window, rtt); // past the initial burst
        long bytes = sendFor(pacer, 10 * rtt, 10 * rtt, window, rtt);
        double perRtt = bytes / 10.0;
        assertEquals(1.25 * window, perRtt, 0.02 * window, "bytes per round trip: " + perRtt);
    }

    @Test
    void aBurstAfterAPauseIsAboutTwoMillisecondsWorth() {
        long window = 100 * DATAGRAM;
        long rtt = 20 * MS;
        Pacer pacer = new Pacer(0);
        sendFor(pacer, 0, rtt, window, rtt);
        long now = 10 * rtt; // a long pause: the bucket is full, no fuller
        int burst = 0;
        while (pacer.nextSendTime(now, 1, window, rtt, DATAGRAM) == now) {
            pacer.onSent(DATAGRAM);
            burst++;
        }
        // 2 ms of 100 datagrams per 20 ms: 10 datagrams (and one more on what is left).
        assertTrue(burst >= 10 && burst <= 11, "burst of " + burst);
    }

    @Test
    void theBurstIsAtLeastTwoDatagramsAndAtMostSixtyFour() {
        Pacer slow = new Pacer(0);
        long rtt = 1000 * MS;
        sendFor(slow, 0, rtt, 4 * DATAGRAM, rtt);
        long now = 100 * rtt;
        int burst = 0;
        while (slow.nextSendTime(now, 1, 4 * DATAGRAM, rtt, DATAGRAM) == now) {
            slow.onSent(DATAGRAM);
            burst++;
        }
        assertEquals(Pacer.MIN_BURST_DATAGRAMS, burst);

        Pacer fast = new Pacer(0);
        long window = 100_000L * DATAGRAM;
        sendFor(fast, 0, MS, window, MS);
        now = 100 * MS;
        burst = 0;
        while (fast.nextSendTime(now, 1, window, MS, DATAGRAM) == now && burst < 1000) {
            fast.onSent(DATAGRAM);
            burst++;
        }
        assertEquals(Pacer.MAX_BURST_DATAGRAMS, burst);
    }

    @Test
    void theWaitIsTheTimeTheMissingBytesTakeToArrive() {
        long window = 10 * DATAGRAM;
        long rtt = 10 * MS;
        Pacer pacer = new Pacer(0);
        long now = 0;
        while (pacer.nextSendTime(now, 1, window, rtt, DATAGRAM) == now) {
            pacer.onSent(DATAGRAM);
        }
        long at = pacer.nextSendTime(now, 1, window, rtt, DATAGRAM);
        // The bucket is short of at most one datagram; the rate is 1.25 windows per RTT.
        long oneDatagram = (long) (DATAGRAM * rtt / (1.25 * window));
        assertTrue(at > now && at <= now + oneDatagram + 1, "waits " + (at - now) + " ns");
    }
}
