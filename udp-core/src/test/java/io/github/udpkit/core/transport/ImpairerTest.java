package io.github.udpkit.core.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ImpairerTest {

    private static final int N = 100_000;
    private static final ByteBuffer SMALL = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    /** One delivered copy: its bytes and its delay. */
    private record Copy(byte[] bytes, long delayNanos) {
    }

    private static List<Copy> fate(Impairer impairer, ByteBuffer datagram, long now) {
        List<Copy> copies = new ArrayList<>(2);
        impairer.apply(datagram, now, (buf, delay) -> {
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            copies.add(new Copy(bytes, delay));
        });
        return copies;
    }

    /** Runs {@code n} datagrams through and returns, per datagram, how many copies arrived. */
    private static int[] copiesPerDatagram(Impairer impairer, int n) {
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            counts[i] = fate(impairer, SMALL, i * 1_000L).size();
        }
        return counts;
    }

    private static double lostFraction(int[] copies) {
        int lost = 0;
        for (int c : copies) {
            if (c == 0) {
                lost++;
            }
        }
        return lost / (double) copies.length;
    }

    private static double meanLossRun(int[] copies) {
        int runs = 0;
        int lostTotal = 0;
        boolean inRun = false;
        for (int c : copies) {
            if (c == 0) {
                lostTotal++;
                if (!inRun) {
                    runs++;
                }
                inRun = true;
            } else {
                inRun = false;
            }
        }
        return lostTotal / (double) runs;
    }

    @Test
    void shouldDeliverOnceIntactAndAtOnceWithoutImpairments() {
        Impairer impairer = Impairments.none().newImpairer(1);
        List<Copy> copies = fate(impairer, SMALL, 0);
        assertEquals(1, copies.size());
        assertArrayEquals(SMALL.array(), copies.get(0).bytes());
        assertEquals(0, copies.get(0).delayNanos());
        assertEquals(new Impairer.Counters(1, 1, 0, 0, 0, 0, 0, 0, 0), impairer.counters());
    }

    @Test
    void shouldLoseTheConfiguredFractionIndependently() {
        Impairer impairer = Impairments.builder().loss(0.10).seed(11).build().newImpairer(0);
        int[] copies = copiesPerDatagram(impairer, N);
        double lost = lostFraction(copies);
        assertTrue(lost > 0.09 && lost < 0.11, "lost " + lost);
        assertEquals(impairer.lost(), Math.round(lost * N));
        assertEquals(N, impairer.offered());
        assertEquals(N - impairer.lost(), impairer.delivered());
        // Independent losses rarely follow each other: runs average 1 / (1 - p).
        assertTrue(meanLossRun(copies) < 1.2, "mean run " + meanLossRun(copies));
    }

    @Test
    void shouldLoseInBurstsOfTheConfiguredMeanLength() {
        Impairer impairer = Impairments.builder().burstLoss(0.30, 3).seed(12).build().newImpairer(0);
        int[] copies = copiesPerDatagram(impairer, N);
        double lost = lostFraction(copies);
        double meanRun = meanLossRun(copies);
        assertTrue(lost > 0.28 && lost < 0.32, "lost " + lost);
        assertTrue(meanRun > 2.8 && meanRun < 3.2, "mean burst " + meanRun);
    }

    @Test
    void shouldAddIndependentLossToBurstLoss() {
        Impairer impairer = Impairments.builder().burstLoss(0.10, 5).loss(0.10).seed(13).build().newImpairer(0);
        double lost = lostFraction(copiesPerDatagram(impairer, N));
        // 1 - (1 - 0.1) * (1 - 0.1) = 0.19
        assertTrue(lost > 0.17 && lost < 0.21, "lost " + lost);
    }

    @Test
    void shouldDuplicateTheConfiguredFraction() {
        Impairer impairer = Impairments.builder().duplicate(0.05).seed(14).build().newImpairer(0);
        int[] copies = copiesPerDatagram(impairer, N);
        long twice = Arrays.stream(copies).filter(c -> c == 2).count();
        assertTrue(twice > 0.045 * N && twice < 0.055 * N, "duplicated " + twice);
        assertEquals(twice, impairer.duplicated());
        assertEquals(N + twice, impairer.delivered());
        assertEquals(0, impairer.dropped());
    }

    @Test
    void shouldFlipExactlyOneBitOfACorruptedCopyAndLeaveTheCallersBufferAlone() {
        Impairer impairer = Impairments.builder().corrupt(1.0).seed(15).build().newImpairer(0);
        byte[] original = new byte[64];
        new SplittableRandom(1).nextBytes(original);
        ByteBuffer datagram = ByteBuffer.allocate(80).position(8);
        datagram.put(original).flip().position(8);
        for (int i = 0; i < 1_000; i++) {
            Copy copy = fate(impairer, datagram, i).get(0);
            int flipped = 0;
            for (int b = 0; b < original.length; b++) {
                flipped += Integer.bitCount((copy.bytes()[b] ^ original[b]) & 0xFF);
            }
            assertEquals(1, flipped, "bits flipped in copy " + i);
            assertEquals(8, datagram.position());
            assertEquals(72, datagram.limit());
            byte[] after = new byte[64];
            datagram.get(8, after);
            assertArrayEquals(original, after);
        }
        assertEquals(1_000, impairer.corrupted());
    }

    @Test
    void shouldNotCorruptEmptyDatagrams() {
        Impairer impairer = Impairments.builder().corrupt(1.0).build().newImpairer(0);
        assertEquals(0, fate(impairer, ByteBuffer.allocate(0), 0).get(0).bytes().length);
        assertEquals(0, impairer.corrupted());
    }

    @Test
    void shouldCorruptTheConfiguredFractionOfCopies() {
        Impairer impairer = Impairments.builder().corrupt(0.02).seed(16).build().newImpairer(0);
        int corrupted = 0;
        for (int i = 0; i < N; i++) {
            if (!Arrays.equals(SMALL.array(), fate(impairer, SMALL, i).get(0).bytes())) {
                corrupted++;
            }
        }
        assertTrue(corrupted > 0.017 * N && corrupted < 0.023 * N, "corrupted " + corrupted);
        assertEquals(corrupted, impairer.corrupted());
    }

    @Test
    void shouldDelayByBasePlusJitterAndHoldBackReorderedCopies() {
        long base = Duration.ofMillis(10).toNanos();
        long jitter = Duration.ofMillis(5).toNanos();
        long extra = Duration.ofMillis(50).toNanos();
        Impairer impairer = Impairments.builder()
                .delay(Duration.ofNanos(base)).jitter(Duration.ofNanos(jitter))
                .reorder(0.1, Duration.ofNanos(extra)).seed(17).build().newImpairer(0);
        int heldBack = 0;
        long minDelay = Long.MAX_VALUE;
        long maxDelay = 0;
        for (int i = 0; i < N; i++) {
            long delay = fate(impairer, SMALL, i).get(0).delayNanos();
            if (delay >= base + extra) {
                heldBack++;
                delay -= extra;
            }
            minDelay = Math.min(minDelay, delay);
            maxDelay = Math.max(maxDelay, delay);
        }
        assertTrue(minDelay >= base && maxDelay <= base + jitter, minDelay + ".." + maxDelay);
        // The jitter is spread over its range, not stuck at one end.
        assertTrue(minDelay < base + jitter / 100 && maxDelay > base + jitter * 99 / 100, minDelay + ".." + maxDelay);
        assertTrue(heldBack > 0.09 * N && heldBack < 0.11 * N, "reordered " + heldBack);
        assertEquals(heldBack, impairer.reordered());
        assertEquals(N, impairer.delayed());
    }

    @Test
    void shouldDropDatagramsLargerThanTheMtu() {
        Impairer impairer = Impairments.builder().mtu(100).build().newImpairer(0);
        assertEquals(1, fate(impairer, ByteBuffer.allocate(100), 0).size());
        assertEquals(0, fate(impairer, ByteBuffer.allocate(101), 0).size());
        assertEquals(1, impairer.droppedByMtu());
        assertEquals(1, impairer.dropped());
        assertEquals(1, impairer.delivered());
    }

    @Test
    void shouldDropEverythingSentDuringABlackoutMeasuredFromTheOrigin() {
        Impairments model = Impairments.builder()
                .blackout(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .blackout(Duration.ofSeconds(10), Duration.ofMillis(1))
                .build();
        long second = 1_000_000_000L;
        long origin = 5 * second;
        Impairer impairer = model.newImpairer(0, origin);
        assertEquals(1, fate(impairer, SMALL, origin + second - 1).size());
        assertEquals(0, fate(impairer, SMALL, origin + second).size());
        assertEquals(0, fate(impairer, SMALL, origin + 3 * second - 1).size());
        assertEquals(1, fate(impairer, SMALL, origin + 3 * second).size());
        assertEquals(0, fate(impairer, SMALL, origin + 10 * second).size());
        assertEquals(1, fate(impairer, SMALL, origin + 10 * second + 1_000_000).size());
        assertEquals(3, impairer.droppedByBlackout());
    }

    @Test
    void shouldMeasureBlackoutsFromTheFirstDatagramWhenNoOriginIsGiven() {
        Impairer impairer = Impairments.builder().blackout(Duration.ZERO, Duration.ofSeconds(1)).build()
                .newImpairer(0);
        long first = -42_000_000_000L; // System.nanoTime() may be negative
        assertEquals(0, fate(impairer, SMALL, first).size());
        assertEquals(0, fate(impairer, SMALL, first + 999_999_999).size());
        assertEquals(1, fate(impairer, SMALL, first + 1_000_000_000).size());
    }

    private static List<String> trace(Impairments model, long salt, int n) {
        Impairer impairer = model.newImpairer(salt, 0);
        List<String> trace = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (Copy c : fate(impairer, SMALL, i * 1_000_000L)) {
                trace.add(i + ":" + Arrays.toString(c.bytes()) + "@" + c.delayNanos());
            }
        }
        return trace;
    }

    @Test
    void shouldReplayTheSameFatesFromTheSameSeedAndSalt() {
        Impairments model = Impairments.builder().loss(0.1).burstLoss(0.1, 3).duplicate(0.1).corrupt(0.1)
                .reorder(0.1, Duration.ofMillis(20)).jitter(Duration.ofMillis(3)).seed(42).build();
        List<String> first = trace(model, 7, 5_000);
        assertEquals(first, trace(model, 7, 5_000));
        assertEquals(first, trace(model.toBuilder().build(), 7, 5_000));
        assertNotEquals(first, trace(model, 8, 5_000), "another salt, another stream");
        assertNotEquals(first, trace(model.toBuilder().seed(43).build(), 7, 5_000), "another seed");
    }

    @Test
    void shouldRejectNullArguments() {
        Impairer impairer = Impairments.none().newImpairer(0);
        assertThrows(NullPointerException.class, () -> impairer.apply(null, 0, (b, d) -> { }));
        assertThrows(NullPointerException.class, () -> impairer.apply(SMALL, 0, null));
    }

    @Test
    void shouldSumCounters() {
        Impairer.Counters a = new Impairer.Counters(1, 2, 3, 4, 5, 6, 7, 8, 9);
        Impairer.Counters sum = a.plus(a).plus(Impairer.Counters.ZERO);
        assertEquals(new Impairer.Counters(2, 4, 6, 8, 10, 12, 14, 16, 18), sum);
        assertEquals(24, sum.dropped());
    }

    @Provide
    Arbitrary<Impairments> models() {
        Arbitrary<Double> p = Arbitraries.doubles().between(0, 0.9);
        Arbitrary<Long> nanos = Arbitraries.longs().between(0, 5_000_000);
        return Combinators.combine(p, p, p, p, nanos, nanos, Arbitraries.longs(), Arbitraries.integers().between(1, 600))
                .as((loss, dup, reorder, corrupt, delay, jitter, seed, mtu) -> Impairments.builder()
                        .loss(loss).duplicate(dup).reorder(reorder, Duration.ofNanos(delay + 1)).corrupt(corrupt)
                        .delay(Duration.ofNanos(delay)).jitter(Duration.ofNanos(jitter)).mtu(mtu).seed(seed)
                        .build());
    }

    @Property(tries = 200)
    void shouldKeepItsContract(@ForAll("models") Impairments model, @ForAll @IntRange(min = 0, max = 1000) int size,
                               @ForAll @IntRange(min = 1, max = 200) int count) {
        Impairer impairer = model.newImpairer(size);
        byte[] content = new byte[size];
        new SplittableRandom(size).nextBytes(content);
        ByteBuffer datagram = ByteBuffer.wrap(content.clone());
        long maxDelay = model.delay().toNanos() + model.jitter().toNanos() + model.reorderDelay().toNanos();
        long copiesSeen = 0;
        for (int i = 0; i < count; i++) {
            List<Copy> copies = fate(impairer, datagram, i);
            assertTrue(copies.size() <= 2);
            if (size > model.mtu().orElseThrow()) {
                assertEquals(0, copies.size());
            }
            for (Copy c : copies) {
                assertEquals(size, c.bytes().length);
                assertTrue(c.delayNanos() >= model.delay().toNanos() && c.delayNanos() <= maxDelay);
            }
            copiesSeen += copies.size();
            assertArrayEquals(content, datagram.array());
            assertEquals(0, datagram.position());
        }
        Impairer.Counters c = impairer.counters();
        assertEquals(count, c.offered());
        assertEquals(copiesSeen, c.delivered());
        assertEquals(count, c.dropped() + c.delivered() - c.duplicated());
    }
}
