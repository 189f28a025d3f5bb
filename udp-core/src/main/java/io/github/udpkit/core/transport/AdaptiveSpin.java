package io.github.udpkit.core.transport;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Decides how long an idle I/O thread keeps polling its socket before it sleeps, from the gaps it
 * has seen between bursts of work, and whether the cores have room for polling at all.
 *
 * <p>Waking a sleeping thread costs the waker a system call and the sleeper tens of microseconds
 * on a busy machine; a datagram stream with small gaps pays that for every datagram, and so does
 * the sender whose kernel does the waking. Polling for a while before sleeping avoids it, at the
 * price of the polls. The budget follows what polling would have bought: a gap that ended within
 * {@code maxNanos} (caught by polling, or slept through but short) raises it to twice that gap, so
 * a steady stream or a quick ping-pong is caught by polling; a gap longer than {@code maxNanos}
 * halves it, so sporadic traffic soon sleeps at once and costs nothing. A poll that was
 * descheduled (the machine has more runnable threads than cores) stops polling for
 * {@link #CONTENDED_BACKOFF_NANOS}. The same idea as the back-off idle strategies of Aeron and
 * Agrona, driven by measured gaps instead of a fixed count.
 *
 * <p>I/O thread only; fed {@link System#nanoTime()} values, so tests drive it with their own.
 */
final class AdaptiveSpin {

    /**
     * A poll that comes back this long after the previous one was descheduled: the cores are
     * contended, and a polling thread only takes turns from others. Worse, it is at the back of
     * the queue when a datagram comes, where a sleeping thread would be woken first.
     */
    static final long CONTENDED_NANOS = 200_000;
    /** How long a contended thread sleeps at once, rather than poll, before it tries polling again. */
    static final long CONTENDED_BACKOFF_NANOS = 100_000_000;

    private final long maxNanos;
    private long budgetNanos;
    private boolean idle;
    private boolean slept;
    private long idleSince;
    private long lastPoll;
    private boolean contended;
    private long contendedSince;

    /**
     * Creates a policy that never polls longer than {@code maxNanos} after the last work; zero
     * makes every idle turn sleep at once.
     */
    AdaptiveSpin(long maxNanos) {
        checkArgument(maxNanos >= 0, "maxNanos must not be negative: %s", maxNanos);
        this.maxNanos = maxNanos;
        this.budgetNanos = maxNanos;
    }

    /**
     * A turn of the loop found nothing to do.
     *
     * @param now the clock
     * @return true to poll once more, false to sleep until woken
     */
    boolean keepPolling(long now) {
        if (!idle) {
            idle = true;
            idleSince = now;
        } else if (now - lastPoll > CONTENDED_NANOS) {
            contended = true;
            contendedSince = now;
            budgetNanos = 0;
        }
        lastPoll = now;
        if (contended && now - contendedSince >= CONTENDED_BACKOFF_NANOS) {
            contended = false;
        }
        if (!contended && now - idleSince < budgetNanos) {
            return true;
        }
        slept = true;
        return false;
    }

    /**
     * A turn of the loop found work: the gap since the loop went idle, if it did, adjusts the budget.
     *
     * @param now the clock
     */
    void worked(long now) {
        if (!idle) {
            return;
        }
        idle = false;
        long gap = now - idleSince;
        if (contended) {
            budgetNanos = 0; // sleeping at once until the back-off ends
        } else if (gap < maxNanos) {
            // Polling for twice this gap catches the next one like it without a sleep.
            budgetNanos = Math.min(maxNanos, Math.max(budgetNanos, 2 * gap));
        } else if (slept) {
            budgetNanos >>= 1;
        }
        slept = false;
    }

    /** How long the next idle spell polls before sleeping, in nanoseconds. */
    long budgetNanos() {
        return budgetNanos;
    }
}
