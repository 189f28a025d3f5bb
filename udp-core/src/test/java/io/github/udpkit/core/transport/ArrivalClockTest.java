package io.github.udpkit.core.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ArrivalClockTest {

    @Test
    void shouldTellTheWallClockTime() {
        ArrivalClock clock = new ArrivalClock();
        for (int i = 0; i < 1_000; i++) {
            Instant before = Instant.now();
            Instant stamped = clock.now();
            Instant after = Instant.now();
            // The anchor is at most a second old; the two clocks drift apart by far less than 50 ms in that time.
            Duration slack = Duration.ofMillis(50);
            assertFalse(stamped.isBefore(before.minus(slack)), stamped + " before " + before);
            assertFalse(stamped.isAfter(after.plus(slack)), stamped + " after " + after);
        }
    }

    @Test
    void shouldNeverGoBackWithinOneAnchor() {
        ArrivalClock clock = new ArrivalClock();
        Instant previous = clock.now();
        for (int i = 0; i < 10_000; i++) {
            Instant next = clock.now();
            // Across a re-anchor the stamps may step back by the clocks' drift; within one they cannot.
            assertTrue(!next.isBefore(previous) || Duration.between(next, previous).toMillis() < 50,
                    next + " went back from " + previous);
            previous = next;
        }
    }
}
