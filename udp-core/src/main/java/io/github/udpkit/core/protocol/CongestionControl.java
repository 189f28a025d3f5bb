package io.github.udpkit.core.protocol;

/**
 * NewReno congestion control in bytes, after RFC 9002 section 7 and in the spirit of RFC 8085:
 * slow start from ten datagrams, halving on loss once per round trip (a recovery period starts
 * at the loss), additive increase of one datagram per window, and collapse to the minimum of two
 * datagrams when the retransmission timer expires.
 */
final class CongestionControl {
    private final int maxDatagram;
    private final long minWindow;
    private final long maxWindow;
    private final long initialWindow;
    private long window;
    private long slowStartThreshold = Long.MAX_VALUE;
    private long recoveryStart = Long.MIN_VALUE;

    CongestionControl(int maxDatagram, int maxInFlightDatagrams) {
        this.maxDatagram = maxDatagram;
        this.minWindow = 2L * maxDatagram;
        this.maxWindow = (long) maxInFlightDatagrams * maxDatagram;
        this.initialWindow = Math.min(maxWindow, Math.min(10L * maxDatagram, Math.max(minWindow, 14_720)));
        this.window = initialWindow;
    }

    boolean canSend(long bytesInFlight) {
        return bytesInFlight < window;
    }

    void onAcked(long bytes, long sentAt) {
        if (sentAt <= recoveryStart) {
            return;
        }
        if (window < slowStartThreshold) {
            window += bytes;
        } else {
            window += Math.max(1, maxDatagram * bytes / window);
        }
        window = Math.min(window, maxWindow);
    }

    void onLoss(long sentAt, long now) {
        if (sentAt <= recoveryStart) {
            return;
        }
        recoveryStart = now;
        window = Math.max(window / 2, minWindow);
        slowStartThreshold = window;
    }

    void onTimeout(long now) {
        recoveryStart = now;
        slowStartThreshold = Math.max(window / 2, minWindow);
        window = minWindow;
    }

    void reset() {
        window = initialWindow;
        slowStartThreshold = Long.MAX_VALUE;
        recoveryStart = Long.MIN_VALUE;
    }

    long window() {
        return window;
    }
}
