package io.github.udpkit.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ImpairmentsTest {

    private static void assertRejected(String expectedMessage, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expectedMessage, e.getMessage());
    }

    @Test
    void shouldRejectOutOfRangeProbabilitiesNamingTheValue() {
        Impairments.Builder b = Impairments.builder();
        assertRejected("loss must be in [0, 1): 1.0", () -> b.loss(1.0));
        assertRejected("loss must be in [0, 1): -0.1", () -> b.loss(-0.1));
        assertRejected("loss must be in [0, 1): NaN", () -> b.loss(Double.NaN));
        assertRejected("duplicate must be in [0, 1]: 1.5", () -> b.duplicate(1.5));
        assertRejected("corrupt must be in [0, 1]: -1.0", () -> b.corrupt(-1));
        assertRejected("reorder must be in [0, 1]: 2.0", () -> b.reorder(2, Duration.ofMillis(1)));
        assertRejected("burst loss must be in [0, 1): 1.0", () -> b.burstLoss(1, 3));
    }

    @Test
    void shouldRejectUnreachableBurstLoss() {
        Impairments.Builder b = Impairments.builder();
        assertRejected("mean burst length must be in [1, 1000000]: 0.5", () -> b.burstLoss(0.1, 0.5));
        // A mean burst of 1 leaves the bad state after every loss: at most half can be lost.
        assertRejected("burst loss 0.6 is unreachable with mean burst length 1.0 (at most 0.5)",
                () -> b.burstLoss(0.6, 1));
        b.burstLoss(0.75, 3);
        assertEquals(0.75, b.build().burstLoss());
    }

    @Test
    void shouldRejectBadDurationsAndSizes() {
        Impairments.Builder b = Impairments.builder();
        assertRejected("delay must be in [0, PT1H]: PT-0.001S", () -> b.delay(Duration.ofMillis(-1)));
        assertRejected("jitter must be in [0, PT1H]: PT2H", () -> b.jitter(Duration.ofHours(2)));
        assertRejected("reorder delay must be positive when reordering (probability 0.1): PT0S",
                () -> b.reorder(0.1, Duration.ZERO));
        assertRejected("mtu must be in [1, 65535]: 0", () -> b.mtu(0));
        assertRejected("mtu must be in [1, 65535]: 70000", () -> b.mtu(70_000));
        assertRejected("blackout start must not be negative: PT-1S",
                () -> b.blackout(Duration.ofSeconds(-1), Duration.ofSeconds(1)));
        assertRejected("blackout length must be positive: PT0S", () -> b.blackout(Duration.ZERO, Duration.ZERO));
        assertRejected("blackout must end within PT8760H of the origin: PT8760H + PT1S",
                () -> b.blackout(Duration.ofDays(365), Duration.ofSeconds(1)));
        assertThrows(NullPointerException.class, () -> b.delay(null));
    }

    @Test
    void shouldBoundTheNumberOfBlackouts() {
        Impairments.Builder b = Impairments.builder();
        for (int i = 0; i < Impairments.MAX_BLACKOUTS; i++) {
            b.blackout(Duration.ofSeconds(i), Duration.ofMillis(1));
        }
        assertRejected("at most 1024 blackouts: 1025", () -> b.blackout(Duration.ZERO, Duration.ofMillis(1)));
        assertEquals(Impairments.MAX_BLACKOUTS, b.build().blackouts().size());
    }

    @Test
    void shouldDescribeItselfForTheCommandLine() {
        assertEquals("no impairments, seed 0", Impairments.none().toString());
        assertEquals("loss 10%, duplicate 5%, seed 7",
                Impairments.builder().loss(0.1).duplicate(0.05).seed(7).build().toString());
        Impairments all = Impairments.builder()
                .loss(0.015)
                .burstLoss(0.3, 3)
                .reorder(0.01, Duration.ofMillis(50))
                .delay(Duration.ofMillis(20))
                .jitter(Duration.ofNanos(5_000))
                .corrupt(0.02)
                .mtu(1200)
                .blackout(Duration.ofSeconds(2), Duration.ofSeconds(2))
                .seed(-3)
                .build();
        assertEquals("loss 1.5%, burst loss 30% in bursts of 3, reorder 1% by +50ms, delay 20ms +0..5us, "
                + "corrupt 2%, mtu 1200, blackout 2s..4s, seed -3", all.toString());
    }

    @Test
    void shouldRoundTripThroughToBuilder() {
        Impairments original = Impairments.builder()
                .loss(0.1).burstLoss(0.2, 4).duplicate(0.3).reorder(0.4, Duration.ofMillis(3))
                .delay(Duration.ofMillis(1)).jitter(Duration.ofMillis(2)).corrupt(0.5).mtu(576)
                .blackout(Duration.ofSeconds(1), Duration.ofSeconds(1)).seed(99).build();
        Impairments copy = original.toBuilder().build();
        assertEquals(original, copy);
        assertEquals(original.hashCode(), copy.hashCode());
        assertEquals(OptionalInt.of(576), copy.mtu());
        assertEquals(List.of(new Impairments.Blackout(Duration.ofSeconds(1), Duration.ofSeconds(1))),
                copy.blackouts());
        assertNotEquals(original, original.toBuilder().seed(100).build());
        assertEquals(OptionalInt.empty(), original.toBuilder().noMtu().build().mtu());
        assertTrue(original.toBuilder().clearBlackouts().build().blackouts().isEmpty());
    }

    @Test
    void shouldReportWhetherAnyKnobIsSet() {
        assertTrue(Impairments.none().isNone());
        assertTrue(Impairments.builder().seed(5).build().isNone());
        assertFalse(Impairments.builder().loss(0.01).build().isNone());
        assertFalse(Impairments.builder().jitter(Duration.ofNanos(1)).build().isNone());
        assertFalse(Impairments.builder().mtu(1500).build().isNone());
        assertFalse(Impairments.builder().blackout(Duration.ZERO, Duration.ofSeconds(1)).build().isNone());
    }
}
