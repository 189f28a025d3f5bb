package io.github.udpkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void shouldAllowABurstThenOnePerRefill() {
        TokenBucket b = new TokenBucket(3, 100, 1_000);
        assertTrue(b.tryTake(1_000));
        assertTrue(b.tryTake(1_000));
        assertTrue(b.tryTake(1_000));
        assertFalse(b.tryTake(1_000));
        assertEquals(100, b.millisUntilAvailable(1_000));
        assertFalse(b.tryTake(1_099));
        assertEquals(1, b.millisUntilAvailable(1_099));
        assertTrue(b.tryTake(1_100));
        assertFalse(b.tryTake(1_100));
    }

    @Test
    void shouldNotBankMoreThanItsCapacity() {
        TokenBucket b = new TokenBucket(2, 10, 0);
        assertEquals(2, b.available(1_000_000));
        assertTrue(b.tryTake(1_000_000));
        assertTrue(b.tryTake(1_000_000));
        assertFalse(b.tryTake(1_000_000));
    }

    @Test
    void shouldTreatTimeGoingBackwardsAsNoTimePassing() {
        TokenBucket b = new TokenBucket(1, 100, 1_000);
        assertTrue(b.tryTake(1_000));
        assertFalse(b.tryTake(500));
        assertTrue(b.tryTake(1_100));
    }

    @Test
    void shouldRejectNonsenseArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, 0));
        assertTrue(e.getMessage().contains("capacity must be positive: 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, -5, 0));
        assertTrue(e.getMessage().contains("refillMillis must be positive: -5"), e.getMessage());
    }

    @Property(tries = 300)
    void shouldNeverAllowMoreThanBurstPlusRefills(@ForAll @IntRange(min = 1, max = 20) int capacity,
                                                  @ForAll @LongRange(min = 1, max = 1_000) long refill,
                                                  @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 500) Integer> gaps) {
        TokenBucket b = new TokenBucket(capacity, refill, 0);
        long now = 0;
        int taken = 0;
        for (int gap : gaps) {
            now += gap;
            if (b.tryTake(now)) {
                taken++;
            }
        }
        assertTrue(taken <= capacity + now / refill, "took " + taken + " in " + now + " ms");
    }
}
