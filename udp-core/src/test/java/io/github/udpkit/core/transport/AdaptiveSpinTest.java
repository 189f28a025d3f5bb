package io.github.udpkit.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AdaptiveSpinTest {

    private static final long MAX = 50_000;

    /** Idles from {@code start}, polling every microsecond, until told to sleep or {@code gap} passes; returns when it stopped. */
    private static long idleFor(AdaptiveSpin spin, long start, long gap) {
        long now = start;
        while (now - start < gap && spin.keepPolling(now)) {
            now += 1_000;
        }
        spin.worked(start + gap);
        return now - start;
    }

    @Test
    void shouldPollUpToTheMaximumAtFirst() {
        AdaptiveSpin spin = new AdaptiveSpin(MAX);

        assertTrue(spin.keepPolling(0));
        assertTrue(spin.keepPolling(MAX - 1));
        assertFalse(spin.keepPolling(MAX), "past the budget the thread sleeps");
    }

    @Test
    void shouldNeverPollWhenTheMaximumIsZero() {
        AdaptiveSpin spin = new AdaptiveSpin(0);

        assertFalse(spin.keepPolling(0));
        spin.worked(10);
        assertFalse(spin.keepPolling(20));
        assertEquals(0, spin.budgetNanos());
    }

    @Test
    void shouldStopPollingForSporadicTraffic() {
        AdaptiveSpin spin = new AdaptiveSpin(MAX);
        long now = 0;
        for (int i = 0; i < 40; i++) {
            idleFor(spin, now, 10_000_000); // a message every 10 ms
            now += 10_000_000;
        }

        assertEquals(0, spin.budgetNanos(), "long gaps halve the budget down to nothing");
        assertFalse(spin.keepPolling(now), "the next idle spell sleeps at once");
    }

    @Test
    void shouldLearnToPollForASteadyStreamAgain() {
        AdaptiveSpin spin = new AdaptiveSpin(MAX);
        long now = 0;
        for (int i = 0; i < 40; i++) {
            idleFor(spin, now, 10_000_000);
            now += 10_000_000;
        }
        // A stream starts: the first short gap is slept through (woken after 8 µs), and teaches the budget.
        idleFor(spin, now, 8_000);
        now += 8_000;

        assertEquals(16_000, spin.budgetNanos());
        long polled = idleFor(spin, now, 5_000);
        assertEquals(5_000, polled, "the next 5 µs gap is caught by polling");
    }

    @Test
    void shouldSleepAtOnceWhileItsPollsAreDescheduled() {
        AdaptiveSpin spin = new AdaptiveSpin(MAX);
        assertTrue(spin.keepPolling(0));
        // The next poll comes back a millisecond later: another thread had the core.
        assertFalse(spin.keepPolling(1_000_000), "a contended poll sleeps");
        spin.worked(1_000_000);

        long now = 1_000_000;
        for (int i = 0; i < 100; i++) { // a steady stream, 5 µs apart, during the back-off
            now += 5_000;
            assertFalse(spin.keepPolling(now), "contended: sleeps at once, at " + now);
            spin.worked(now + 5_000);
            now += 5_000;
        }
        long afterBackOff = 1_000_000 + AdaptiveSpin.CONTENDED_BACKOFF_NANOS;
        assertFalse(spin.keepPolling(afterBackOff), "the budget has to be learnt again");
        spin.worked(afterBackOff + 5_000);
        assertTrue(spin.keepPolling(afterBackOff + 10_000), "a short gap after the back-off polls again");
    }

    @Test
    void shouldRejectANegativeMaximum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AdaptiveSpin(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Property
    void shouldNeverPollLongerThanTheMaximum(@ForAll @Size(max = 200) java.util.List<@LongRange(max = 1_000_000) Long> gaps) {
        AdaptiveSpin spin = new AdaptiveSpin(MAX);
        long now = 0;
        for (long gap : gaps) {
            long polled = idleFor(spin, now, gap);
            assertTrue(polled <= MAX, "polled " + polled + " ns");
            assertTrue(spin.budgetNanos() >= 0 && spin.budgetNanos() <= MAX, "budget " + spin.budgetNanos());
            now += gap;
        }
    }
}
