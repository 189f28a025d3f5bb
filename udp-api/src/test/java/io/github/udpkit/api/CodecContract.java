package io.github.udpkit.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The contract every codec keeps: values survive a round trip, and arbitrary bytes either decode
 * or fail with the codec's own exception, nothing else. Implement it once per codec.
 */
public interface CodecContract<T> {
    Codec<T> codec();

    Arbitrary<T> values();

    /**
     * Strings that UTF-8 can carry: any chars but the surrogates (no lone halves), up to 300 of
     * them, for the contracts of codecs of text.
     */
    static Arbitrary<String> textValues() {
        char[] surrogates = new char[Character.MAX_SURROGATE - Character.MIN_SURROGATE + 1];
        for (int i = 0; i < surrogates.length; i++) {
            surrogates[i] = (char) (Character.MIN_SURROGATE + i);
        }
        return Arbitraries.strings().all().excludeChars(surrogates).ofMaxLength(300);
    }

    /**
     * Whether a value always encodes to the same bytes. A codec that draws an IV or a timestamp
     * (Fernet) is not: its encodings into a buffer are checked by their length and round trip.
     */
    default boolean deterministic() {
        return true;
    }

    @Provide
    default Arbitrary<T> anyValue() {
        return values();
    }

    @Property
    default void shouldRoundTrip(@ForAll("anyValue") T value) {
        byte[] encoded = codec().encode(value);
        assertEquivalent(codec().decode(ByteBuffer.wrap(encoded)), value);
    }

    @Property
    default void shouldDecodeFromBufferPositionToLimit(@ForAll("anyValue") T value) {
        byte[] encoded = codec().encode(value);
        ByteBuffer framed = ByteBuffer.allocate(encoded.length + 7);
        framed.put(new byte[] {1, 2, 3}).put(encoded).put(new byte[] {4, 5, 6, 7});
        framed.position(3).limit(3 + encoded.length);
        assertEquivalent(codec().decode(framed), value);
    }

    /** Into a heap or a direct buffer, at any position: the bytes {@code encode(value)} returns, position advanced. */
    @Property
    default void shouldEncodeIntoBufferAsIntoArray(@ForAll("anyValue") T value, @ForAll @IntRange(max = 9) int at,
            @ForAll @IntRange(max = 5) int spare, @ForAll boolean direct) {
        byte[] expected = codec().encode(value);
        int capacity = at + expected.length + spare;
        ByteBuffer into = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        into.position(at);
        assertEquals(expected.length, codec().encode(value, into), "bytes written");
        assertEquals(at + expected.length, into.position(), "position after the encoding");
        if (deterministic()) {
            byte[] written = new byte[expected.length];
            into.position(at);
            into.get(written);
            assertArrayEquals(expected, written);
        }
        into.position(at).limit(at + expected.length);
        assertEquivalent(codec().decode(into), value);
    }

    /** Too little room: nothing written, position unmoved, and the size needed, negated. */
    @Property
    default void shouldWriteNothingWhenTheEncodingDoesNotFit(@ForAll("anyValue") T value,
            @ForAll @IntRange(min = 1, max = 400) int shortfall, @ForAll boolean direct) {
        byte[] expected = codec().encode(value);
        Assume.that(expected.length > 0); // an empty encoding always fits
        int room = Math.max(0, expected.length - shortfall);
        ByteBuffer into = direct ? ByteBuffer.allocateDirect(room + 2) : ByteBuffer.allocate(room + 2);
        into.position(2);
        assertEquals(-expected.length, codec().encode(value, into));
        assertEquals(2, into.position(), "position");
        for (int i = 0; i < into.capacity(); i++) {
            assertEquals(0, into.get(i), "byte " + i + " written");
        }
    }

    @Property
    default void shouldDecodeArbitraryBytesOrThrowOnlyCodecException(@ForAll byte[] bytes) {
        try {
            assertNotNull(codec().decode(ByteBuffer.wrap(bytes)), "decode must not return null");
        } catch (CodecException expected) {
            // the one permitted failure
        }
    }

    default void assertEquivalent(T actual, T expected) {
        assertEquals(expected, actual);
    }
}
