package io.github.udpkit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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
