package io.github.udpkit.core.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    private static InetAddress ip(String text) {
        return InetAddresses.forString(text);
    }

    @Test
    void shouldAllowABurstThenTheSustainedRate() {
        RateLimiter limiter = RateLimiter.builder().ratePerSecond(10).burst(5).build();
        InetAddress a = ip("192.0.2.1");
        long t = 0;
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.tryAcquire(a, t), "burst " + i);
        }
        assertFalse(limiter.tryAcquire(a, t));
        assertFalse(limiter.tryAcquire(a, t + SECOND / 10 - 1), "not yet refilled");
        assertTrue(limiter.tryAcquire(a, t + SECOND / 10), "one token after 100 ms");
        assertFalse(limiter.tryAcquire(a, t + SECOND / 10));
        assertTrue(limiter.tryAcquire(ip("192.0.2.2"), t), "other sources have their own bucket");
        // After a long quiet spell the bucket is full again, but no fuller than the burst.
        long later = t + 3600 * SECOND;
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.tryAcquire(a, later));
        }
        assertFalse(limiter.tryAcquire(a, later));
    }

    @Test
    void shouldHandleNanoTimeWrapAround() {
        RateLimiter limiter = RateLimiter.builder().ratePerSecond(1).burst(1).build();
        InetAddress a = ip("198.51.100.7");
        long start = Long.MAX_VALUE - SECOND / 2;
        assertTrue(limiter.tryAcquire(a, start));
        assertFalse(limiter.tryAcquire(a, start + SECOND / 4));
        assertTrue(limiter.tryAcquire(a, start + SECOND), "one second later, across the wrap");
    }

    @Test
    void shouldGroupIpv6BySlash64AndMappedAddressesAsIpv4() throws Exception {
        RateLimiter limiter = RateLimiter.builder().ratePerSecond(1).burst(2).build();
        assertTrue(limiter.tryAcquire(ip("2001:db8:1:2::1"), 0));
        assertTrue(limiter.tryAcquire(ip("2001:db8:1:2:ffff::9"), 0));
        assertFalse(limiter.tryAcquire(ip("2001:db8:1:2:abcd::"), 0), "same /64, same bucket");
        assertTrue(limiter.tryAcquire(ip("2001:db8:1:3::1"), 0), "another /64");

        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 1;
        InetAddress mappedAddress = java.net.Inet6Address.getByAddress(null, mapped, (java.net.NetworkInterface) null);
        assertTrue(limiter.tryAcquire(ip("10.0.0.1"), 0));
        assertTrue(limiter.tryAcquire(mappedAddress, 0));
        assertFalse(limiter.tryAcquire(ip("10.0.0.1"), 0), "the mapped form shares the IPv4 bucket");
        assertEquals(3, limiter.trackedSources());
    }

    @Test
    void shouldGroupIpv4ByAConfiguredPrefix() {
        RateLimiter limiter = RateLimiter.builder().ratePerSecond(1).burst(1).ipv4PrefixLength(24).build();
        assertTrue(limiter.tryAcquire(ip("203.0.113.1"), 0));
        assertFalse(limiter.tryAcquire(ip("203.0.113.200"), 0));
        assertTrue(limiter.tryAcquire(ip("203.0.114.1"), 0));
    }

    @Test
    void shouldStayWithinItsBoundUnderAFloodOfSourcesEvictingTheLeastRecent() {
        RateLimiter limiter = RateLimiter.builder().ratePerSecond(1).burst(1).maxSources(100).build();
        InetAddress loyal = ip("192.0.2.250");
        assertTrue(limiter.tryAcquire(loyal, 0));
        for (int i = 0; i < 100_000; i++) {
            InetAddress spoofed = InetAddresses.fromInteger(0x0A00_0000 + i);
            assertTrue(limiter.tryAcquire(spoofed, 0), "each new source gets its burst");
            if (i % 50 == 0) {
                assertFalse(limiter.tryAcquire(loyal, 0), "a recently seen source keeps its bucket");
            }
            assertTrue(limiter.trackedSources() <= 100);
        }
        assertEquals(100, limiter.trackedSources());
        // The first spoofed sources were evicted long ago and so start afresh.
        assertTrue(limiter.tryAcquire(InetAddresses.fromInteger(0x0A00_0000), 0));
        // The most recent ones are still tracked and empty.
        assertFalse(limiter.tryAcquire(InetAddresses.fromInteger(0x0A00_0000 + 99_999), 0));
    }

    @Test
    void shouldValidateSettingsNamingTheValue() {
        assertMessage(() -> RateLimiter.builder().ratePerSecond(0), "0.0");
        assertMessage(() -> RateLimiter.builder().ratePerSecond(Double.NaN), "NaN");
        assertMessage(() -> RateLimiter.builder().burst(0), "burst must be in 1..1000000: 0");
        assertMessage(() -> RateLimiter.builder().maxSources(-5), "-5");
        assertMessage(() -> RateLimiter.builder().ipv4PrefixLength(33), "33");
        assertMessage(() -> RateLimiter.builder().ipv6PrefixLength(129), "129");
    }

    private static void assertMessage(Runnable r, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    record Step(int source, long advanceNanos) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(5, Arbitraries.just(0L)),
                                net.jqwik.api.Tuple.of(5, Arbitraries.longs().between(1, SECOND / 5)),
                                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(SECOND, 30 * SECOND))))
                .as(Step::new)
                .list()
                .ofMaxSize(300);
    }

    /**
     * The limiter behaves as the textbook token bucket: credit grows with elapsed time up to the
     * burst, and each datagram spends one token. Credit is kept in exact nanoseconds.
     */
    @Property(tries = 200)
    void shouldBehaveAsATokenBucket(@ForAll("steps") List<Step> steps,
            @ForAll @IntRange(min = 1, max = 20) int burst, @ForAll @IntRange(min = 1, max = 1000) int rate) {
        RateLimiter limiter = RateLimiter.builder().ratePerSecond(rate).burst(burst).build();
        long interval = Math.max(1, Math.round((double) SECOND / rate));
        long capacity = interval * burst;
        Map<Integer, Long> credit = new HashMap<>();
        Map<Integer, Long> lastSeen = new HashMap<>();
        long now = 12345;
        for (Step step : steps) {
            now += step.advanceNanos();
            int s = step.source();
            long c = credit.getOrDefault(s, capacity);
            if (lastSeen.containsKey(s)) {
                c = Math.min(capacity, c + (now - lastSeen.get(s)));
            }
            lastSeen.put(s, now);
            boolean expected = c >= interval;
            if (expected) {
                c -= interval;
            }
            credit.put(s, c);
            assertEquals(expected, limiter.tryAcquire(InetAddresses.fromInteger(0xC000_0200 + s), now),
                    "source " + s + " at " + now);
        }
    }
}
