package io.github.udpkit.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class VarintTest {

    @Provide
    static Arbitrary<Long> anyVarint() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 63),
                Arbitraries.longs().between(64, 16_383),
                Arbitraries.longs().between(16_384, (1L << 30) - 1),
                Arbitraries.longs().between(1L << 30, Varint.MAX_VALUE));
    }

    @Property
    void shouldRoundTripEveryValueInItsShortestForm(@ForAll("anyVarint") long value) {
        ByteBuffer b = ByteBuffer.allocate(9);
        int end = Varint.write(b, 1, value);
        assertEquals(1 + Varint.size(value), end);
        assertEquals(Varint.size(value), Varint.lengthOf(b.get(1)));
        assertEquals(value, Varint.read(b, 1, Varint.lengthOf(b.get(1))));
    }

    @Test
    void shouldUseTheQuicLengthBoundaries() {
        assertEquals(1, Varint.size(63));
        assertEquals(2, Varint.size(64));
        assertEquals(2, Varint.size(16_383));
        assertEquals(4, Varint.size(16_384));
        assertEquals(4, Varint.size((1L << 30) - 1));
        assertEquals(8, Varint.size(1L << 30));
        assertEquals(8, Varint.size(Varint.MAX_VALUE));
    }

    @Test
    void shouldEncodeTheRfc9000Examples() {
        // RFC 9000 appendix A.1: 151,288,809,941,952,652 / 494,878,333 / 15,293 / 37
        assertEquals("c2197c5eff14e88c", hex(151_288_809_941_952_652L));
        assertEquals("9d7f3e7d", hex(494_878_333L));
        assertEquals("7bbd", hex(15_293L));
        assertEquals("25", hex(37L));
    }

    private static String hex(long value) {
        ByteBuffer b = ByteBuffer.allocate(8);
        int end = Varint.write(b, 0, value);
        return java.util.HexFormat.of().formatHex(b.array(), 0, end);
    }

    @Test
    void shouldRefuseValuesOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Varint.size(-1));
        assertEquals("varint value must be in 0..2^62-1: -1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Varint.size(Varint.MAX_VALUE + 1));
    }
}
