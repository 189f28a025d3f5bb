package io.github.udpkit.core.transport;

import java.time.Instant;

/**
 * The wall-clock time a message arrived, read from the monotonic clock against an anchor taken
 * from the wall clock once a second. {@link Instant#now()} costs a native call, about a tenth of
 * a microsecond, and a busy endpoint stamps every datagram it receives; {@link System#nanoTime()}
 * is an intrinsic read. The price: a step of the wall clock (a manual set, an NTP jump) shows in
 * the stamps within a second, not at once, and at that moment they may step back by the drift
 * between the two clocks over the second, microseconds.
 *
 * <p>Not thread-safe: the I/O thread's own.
 */
final class ArrivalClock {

    /** How long an anchor serves before the wall clock is read again. */
    static final long ANCHOR_NANOS = 1_000_000_000L;

    private Instant anchor;
    private long anchorNanos;
    private boolean anchored;

    /** The current wall-clock time, as far as the anchor tells it. */
    Instant now() {
        long t = System.nanoTime();
        long since = t - anchorNanos;
        if (!anchored || since < 0 || since >= ANCHOR_NANOS) {
            anchored = true;
            anchorNanos = t;
            anchor = Instant.now();
            return anchor;
        }
        return anchor.plusNanos(since);
    }
}
